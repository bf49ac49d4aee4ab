/**
 * The import page in Chromium, as people use it: a city user imports a Shift_JIS CSV
 * and an .xlsx (dry run, then 取り込む); a ward user downloads a district's Excel
 * template from the year view, fills it in, uploads it, checks the dry run and imports.
 * The dry run also gets axe-core (WCAG 2.1 A/AA) at 768 px and must fit that width.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, SCREENSHOT_DIR, signInOnPage, startServer, type RunningServer } from '../support/browser.js';
import { seedSmallCity, TEST_PASSWORD } from '../support/app.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { csv, HEADERS } from './support.js';
import { shiftJis, XLSX_MIME } from './pageSupport.js';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = join(SCREENSHOT_DIR, 'imports');
const README_SHOT = join(process.cwd(), 'docs', 'screenshot-imports.png');

describe.skipIf(!browserAvailable)('importing files on the page in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startServer();
    await seedSmallCity(server.database);
    // Already reported, so that the dry run has rows to change (before → after).
    importCsv(server.database.db, 'monthly', csv([HEADERS.monthly, 'E01,2024-04,10,2,1,0,5,3,1,20,', 'E02,2024-04,8,1,,,4,1,,,']), { userId: null });
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
    mkdirSync(join(process.cwd(), 'docs'), { recursive: true });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
  });

  async function signedInPage(login: string, width = 1280): Promise<Page> {
    // bypassCSP: the app's CSP (rightly) refuses the injected axe-core script.
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'ja-JP', acceptDownloads: true, bypassCSP: true });
    contexts.push(context);
    const page = await context.newPage();
    await signInOnPage(page, server.baseUrl, login, TEST_PASSWORD);
    return page;
  }

  const stored = (code: string, month: string) =>
    server.database.sqlite
      .prepare(
        'SELECT m.watched_elderly, m.welfare_cooperators, m.mutual_aid_cases, m.note FROM monthly_reports m JOIN districts d ON d.id = m.district_id WHERE d.code = ? AND m.month = ?',
      )
      .get(code, month);

  async function axeViolations(page: Page): Promise<string[]> {
    await page.addScriptTag({ path: AXE_PATH });
    return page.evaluate<string[]>(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      .then((result) => result.violations.map((v) => v.id + ': ' + v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)).join(' ')))`);
  }

  /** Chooses the kind (city users) and the file on /imports and presses 確認する; returns on the dry run. */
  async function upload(page: Page, kindLabel: string | null, file: { name: string; mimeType: string; buffer: Buffer }) {
    await page.goto(`${server.baseUrl}/imports`);
    if (kindLabel) await page.getByRole('radio', { name: new RegExp(`^${kindLabel}`) }).check();
    await page.locator('input[type="file"]').setInputFiles(file);
    await page.getByRole('button', { name: '確認する' }).click();
    await page.waitForURL(/\/imports\/[A-Za-z0-9_-]+$/);
    await expect.poll(() => page.locator('h1').innerText()).toBe('取り込みの確認');
  }

  it('a city user imports a Shift_JIS CSV: the dry run shows before → after, then 取り込む writes it', { timeout: 180_000 }, async () => {
    const page = await signedInPage('city');
    const text =
      [
        HEADERS.monthly,
        'E01,2024-04,12,2,1,0,6,5,1,20,民生委員と同行訪問',
        'E02,2024-04,8,1,,,4,1,,,',
        'E01,2024-05,12,2,1,0,6,2,,18,',
        'E02,2024-05,9,1,,,4,,,,',
        'W01,2024-05,7,1,,,3,,,,',
      ].join('\r\n') + '\r\n';
    await upload(page, '月次報告', { name: '月次報告_5月.csv', mimeType: 'text/csv', buffer: shiftJis(text) });
    const main = await page.locator('main').innerText();
    expect(main).toContain('月次報告_5月.csv');
    expect(main).toMatch(/新規\s*3 件/);
    expect(main).toMatch(/更新\s*1 件/);
    expect(main).toMatch(/変更なし\s*1 件/);
    expect(main).toContain('見守り世帯数（高齢者世帯）：10 → 12');
    expect(main).toContain('民生委員と同行訪問');
    expect(stored('E01', '2024-05')).toBeUndefined();
    const dryRunUrl = page.url();
    await page.screenshot({ path: README_SHOT, fullPage: true });

    await page.setViewportSize({ width: 768, height: 1024 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(768);
    await page.screenshot({ path: join(SHOTS, 'dry-run-768.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: '取り込む' }).click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('取り込みました');
    expect(await page.locator('main').innerText()).toMatch(/新規\s*3 件/);
    expect(stored('E01', '2024-04')).toEqual({ watched_elderly: 12, welfare_cooperators: 6, mutual_aid_cases: 5, note: '民生委員と同行訪問' });
    expect(stored('W01', '2024-05')).toEqual({ watched_elderly: 7, welfare_cooperators: 3, mutual_aid_cases: null, note: null });
    await page.screenshot({ path: join(SHOTS, 'result-768.png'), fullPage: true });

    // The dry run's address again (Back, or a bookmark): the file is used up, and the page says so.
    await page.goto(dryRunUrl);
    expect(await page.locator('h1').innerText()).toBe('このファイルは取り込み済みです');
    expect(await page.locator('main').innerText()).toContain('何も変わっていません');
  });

  it('a city user imports an .xlsx, and a bad workbook is refused beside the file field', { timeout: 180_000 }, async () => {
    const page = await signedInPage('city');
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('6月');
    sheet.addRow(HEADERS.monthly.split(','));
    sheet.addRow(['E01', '2024-06', 13, 2, 1, 0, 6, 4, 1, 15, 'Excelから']);
    sheet.addRow(['E02', '2024-06', 9, 1, null, null, 4, 2, null, null, null]);
    const good = Buffer.from(await workbook.xlsx.writeBuffer());
    sheet.getCell('H3').value = { formula: 'H2-2', result: 2 };
    const bad = Buffer.from(await workbook.xlsx.writeBuffer());

    await page.goto(`${server.baseUrl}/imports`);
    await page.getByRole('radio', { name: /^月次報告/ }).check();
    await page.locator('input[type="file"]').setInputFiles({ name: '数式.xlsx', mimeType: XLSX_MIME, buffer: bad });
    await page.getByRole('button', { name: '確認する' }).click();
    await expect.poll(() => page.locator('#file-error').innerText()).toContain('数式の入ったセルがあります（H3）');
    expect(await page.title()).toMatch(/^エラー：/);
    await page.screenshot({ path: join(SHOTS, 'upload-error-1280.png'), fullPage: true });
    expect(await page.getByRole('radio', { name: /^月次報告/ }).isChecked()).toBe(true);
    expect(stored('E01', '2024-06')).toBeUndefined();

    await upload(page, '月次報告', { name: '6月.xlsx', mimeType: XLSX_MIME, buffer: good });
    expect(await page.locator('main').innerText()).toContain('シート「6月」');
    await page.getByRole('button', { name: '取り込む' }).click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('取り込みました');
    expect(stored('E01', '2024-06')).toEqual({ watched_elderly: 13, welfare_cooperators: 6, mutual_aid_cases: 4, note: 'Excelから' });
  });

  it('a ward user downloads a district template, fills it, uploads it, checks the dry run and imports', { timeout: 180_000 }, async () => {
    const page = await signedInPage('ward-east', 768);
    await page.goto(`${server.baseUrl}/districts/E02/years/2024`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Excelの様式をダウンロード' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const path = await download.path();
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync(path) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getCell('A2').value).toBe('E02');
    expect(sheet.getCell('B5').value).toBe('2024-07');
    // July filled in by the district; April is already there.
    sheet.getCell('C5').value = 9;
    sheet.getCell('G5').value = 4;
    sheet.getCell('H5').value = 3;
    sheet.getCell('K5').value = '夏祭りで見守り';
    const filled = Buffer.from(await workbook.xlsx.writeBuffer());

    await upload(page, null, { name: download.suggestedFilename(), mimeType: XLSX_MIME, buffer: filled });
    const main = await page.locator('main').innerText();
    expect(main).toMatch(/新規\s*1 件/);
    expect(main).toContain('5行目');
    expect(main).toContain('E02 2024-07');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(768);
    await page.screenshot({ path: join(SHOTS, 'ward-template-dry-run-768.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '取り込む' }).click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('取り込みました');
    expect(stored('E02', '2024-07')).toEqual({ watched_elderly: 9, welfare_cooperators: 4, mutual_aid_cases: 3, note: '夏祭りで見守り' });

    // The upload page itself passes axe and fits 768 px, for the ward user and (with every kind) the city user.
    await page.goto(`${server.baseUrl}/imports`);
    expect(await axeViolations(page)).toEqual([]);
    const city = await signedInPage('city', 768);
    await city.goto(`${server.baseUrl}/imports`);
    expect(await city.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(768);
    expect(await axeViolations(city)).toEqual([]);
    await city.screenshot({ path: join(SHOTS, 'upload-city-768.png'), fullPage: true });
  });
});
