/**
 * A council's own indicator from definition to paper, in Chromium (issue 13, DESIGN §11):
 * a city user defines it, a district enters it on the monthly form in two fiscal years,
 * the trend page shows its row with a label, an agenda sheet prints it (PDF), and the
 * trend export has it. Screenshots and the PDF go to .screens/indicators-figures/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, SCREENSHOT_DIR, signInOnPage, startServer, type RunningServer } from '../support/browser.js';
import { addDistrict, addUser, addWard, TEST_PASSWORD } from '../support/app.js';
import { currentFiscalYear, warekiShort } from '../../src/domain/fiscalYear.js';

const SHOTS = join(SCREENSHOT_DIR, 'indicators-figures');
// Two finished fiscal years: the trend page's default window ends with the last one.
const lastFy = currentFiscalYear() - 1;
const firstFy = lastFy - 1;

describe.skipIf(!browserAvailable)('a council-defined indicator from definition to paper', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer();
    const wardId = addWard(server.database, '東区', 1);
    const d1 = addDistrict(server.database, { code: 'E01', name: '東一校区', wardId });
    await addUser(server.database, { login: 'city', role: 'city' });
    await addUser(server.database, { login: 'district-e01', role: 'district', districtId: d1 });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function newPage(login: string, width = 1280): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'ja-JP' });
    const page = await context.newPage();
    await signInOnPage(page, server.baseUrl, login, TEST_PASSWORD);
    return page;
  }

  async function submit(page: Page, button: string): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button, exact: true }).first().click()]);
  }

  it('defines, enters, labels, prints and exports it', { timeout: 300_000 }, async () => {
    // 1. The city defines a district-monthly indicator summed over the months.
    const city = await newPage('city');
    await city.goto(`${server.baseUrl}/indicators/new`);
    await city.getByLabel('記号（必須）').fill('salon_visits');
    await city.getByLabel('名前（必須）').fill('サロンの参加者数');
    await city.getByLabel('単位（必須）').fill('人');
    await city.getByLabel('校(地)区が毎月入力する').check();
    await city.getByLabel('月の値の合計').check();
    await city.getByLabel('最初の年度（必須）').fill(String(firstFy));
    await submit(city, '作る');
    expect(await city.locator('.flash').textContent()).toContain('を作りました');

    // 2. The district enters it on the monthly form, in June of each year: 40 then 50 people.
    const district = await newPage('district-e01');
    for (const [month, value] of [
      [`${firstFy}-06`, '40'],
      [`${lastFy}-06`, '５０'],
    ] as const) {
      await district.goto(`${server.baseUrl}/districts/E01/reports/${month}`);
      await district.getByLabel('サロンの参加者数').fill(value);
      await Promise.all([district.waitForNavigation(), district.locator('form#monthly-form button.primary').click()]);
      expect(await district.locator('.flash').textContent()).toContain('の報告を保存しました');
    }

    // 3. The trend page shows its row after the seven items, with its label: (50 − 40) / 40 = +25 % → 増加.
    for (const width of [768, 1280]) {
      await city.setViewportSize({ width, height: 900 });
      await city.goto(`${server.baseUrl}/trends?scope=city&from=${firstFy}&to=${lastFy}`);
      const row = city.locator('tr[data-row="ind:salon_visits"]');
      const text = await row.innerText();
      for (const t of ['サロンの参加者数', '40', '50', '↗', '増加']) expect(text).toContain(t);
      expect(await city.locator('table.trend-table tbody tr').count()).toBe(8);
      await city.screenshot({ path: join(SHOTS, `browser-trends-${width}.png`), fullPage: true });
    }

    // 4. An agenda sheet carries the row (8th, after ①–⑦) and prints it.
    await city.setViewportSize({ width: 1280, height: 900 });
    await city.goto(`${server.baseUrl}/agendas/new`);
    await city.locator('input[name="from"]').fill(String(firstFy));
    await city.locator('input[name="to"]').fill(String(lastFy));
    await city.locator('input[name="t0.r.ind:salon_visits.order"]').fill('8');
    await submit(city, '保存する');
    expect(city.url()).toMatch(/\/agendas\/\d+\/edit$/);
    const id = /\/agendas\/(\d+)\/edit$/.exec(city.url())![1];
    await city.goto(`${server.baseUrl}/agendas/${id}/print`);
    const printed = await city.locator('table.agenda-table tbody tr').last().innerText();
    for (const t of ['サロンの参加者数', '（人）', '40', '50', '増加']) expect(printed).toContain(t);
    const pdf = join(SHOTS, 'browser-sheet.pdf');
    await city.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true, printBackground: true });
    const pdfText = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(pdfText).toMatch(/サロンの参加者数（人）\s+40\s+50\s+↗?\s*増加/);

    // 5. The trend export has the row, as on the page.
    const csv = await city.evaluate(async (url) => (await fetch(url)).text(), `/trends/export.csv?scope=city&from=${firstFy}&to=${lastFy}`);
    expect(csv).toContain(`サロンの参加者数（人）,40,50,↗ 増加,25,`);
    expect(csv.split('\n')[0]).toContain(`${warekiShort(firstFy)},${warekiShort(lastFy)}`);
  });
});
