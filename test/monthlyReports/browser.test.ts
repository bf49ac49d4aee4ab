import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, SCREENSHOT_DIR, startServer, type RunningServer, signInOnPage } from '../support/browser.js';
import { seedSmallCity, TEST_PASSWORD } from '../support/app.js';
import { addMonths, fiscalYearOfMonth, monthLabelLong } from '../../src/domain/fiscalYear.js';
import { getMonthlyReport } from '../../src/monthlyReports/repository.js';
import { monthsAgo, storeReport, typicalValues } from './helpers.js';

const TABLET = { width: 820, height: 1180 };
const DESKTOP = { width: 1280, height: 900 };

describe.skipIf(!browserAvailable)('monthly reports in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let ids: Awaited<ReturnType<typeof seedSmallCity>>;
  const contexts: BrowserContext[] = [];
  const month = monthsAgo(1);
  const fy = fiscalYearOfMonth(month);

  beforeAll(async () => {
    server = await startServer();
    ids = await seedSmallCity(server.database);
    // Some earlier months, so the year view and the "last month" hints have something to show.
    for (let i = 2; i <= 14; i++) {
      if (i === 3 || i === 4) continue; // left unreported, to show 期限超過
      storeReport(
        server.database,
        ids.d1,
        monthsAgo(i),
        typicalValues({ watched_elderly: 1000 + i * 7, mutual_aid_cases: 20 + i, note: i === 5 ? 'サロンの見学会を行いました。' : null }),
      );
    }
    browser = await launchBrowser();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  async function signIn(login: string, viewport = TABLET): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'ja-JP' });
    contexts.push(context);
    const page = await context.newPage();
    await signInOnPage(page, server.baseUrl, login, TEST_PASSWORD);
    return page;
  }

  /** Screenshots at tablet and desktop size; long pages (history) only their first screen. */
  async function shoot(page: Page, name: string, fullPage = true) {
    for (const [size, viewport] of [
      ['tablet', TABLET],
      ['desktop', DESKTOP],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `monthly-${name}-${size}.png`), fullPage });
    }
  }

  it('a district user fills a month with full-width digits, sees the confirmation and the year view', { timeout: 60_000 }, async () => {
    const page = await signIn('district-e01');
    await shoot(page, 'home');
    await page.locator(`li[data-month="${month}"] a`).click();
    await page.waitForURL(`${server.baseUrl}/districts/E01/reports/${month}`);
    expect(await page.locator('h1').innerText()).toContain(`${monthLabelLong(month)}の報告`);

    await page.getByLabel('高齢者世帯').fill('１，０２０');
    await page.getByLabel('障害のある人のある世帯').fill('５５');
    await page.getByLabel('ひとり親で子育て中の世帯').fill('4２');
    await page.getByLabel('その他の世帯').fill('30');
    // The watched total adds up as people type.
    await expect.poll(() => page.locator('#watched-total').innerText(), { timeout: 5000 }).toBe('1,147');
    await page.getByLabel('福祉協力員数').fill('１２０');
    await page.getByLabel('助け合い件数').fill('２４');
    await page.getByLabel('連絡調整会議の開催回数').fill('１');
    await page.getByLabel('ウェルクラブ活動等の参加者数').fill('３００');
    await page.getByLabel('備考').fill('敬老会の準備で訪問が増えました。\n二行目です。');
    await page.setViewportSize(TABLET);
    await shoot(page, 'form-filled');

    await page.getByRole('button', { name: '保存する' }).click();
    await page.waitForURL(`${server.baseUrl}/districts/E01/years/${fy}`);
    expect(await page.locator('.flash').innerText()).toBe(`${monthLabelLong(month)}の報告を保存しました。`);
    const row = await page.locator(`tr[data-month="${month}"]`).innerText();
    for (const n of ['1,020', '55', '42', '30', '1,147', '120', '24', '300', '報告済み']) expect(row).toContain(n);
    const saved = getMonthlyReport(server.database.db, ids.d1, month)!;
    expect(saved.watchedElderly).toBe(1020);
    expect(saved.note).toBe('敬老会の準備で訪問が増えました。\n二行目です。');
    await shoot(page, 'year');
  });

  it('shows mistakes and unusual values beside the fields, keeping what was typed', { timeout: 60_000 }, async () => {
    const page = await signIn('district-e01');
    const target = monthsAgo(3);
    await page.goto(`${server.baseUrl}/districts/E01/reports/${target}`);
    await page.getByLabel('高齢者世帯').fill('たくさん');
    await page.getByLabel('助け合い件数').fill('-3');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.locator('.error-summary').waitFor();
    expect(await page.getByLabel('高齢者世帯').inputValue()).toBe('たくさん');
    expect(await page.locator('.field.has-error').count()).toBe(2);
    await shoot(page, 'form-errors');

    await page.getByLabel('高齢者世帯').fill('10300');
    await page.getByLabel('助け合い件数').fill('25');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.locator('.warning-summary').waitFor();
    expect(await page.locator('.field-warning').innerText()).toContain('いつもの値');
    await shoot(page, 'form-unusual');
    await page.getByLabel('この値で保存する').check();
    await page.getByRole('button', { name: '保存する' }).click();
    await page.waitForURL(`${server.baseUrl}/districts/E01/years/${fiscalYearOfMonth(target)}`);
    expect(await page.locator(`tr[data-month="${target}"]`).innerText()).toContain('確認済みの大きな変化');
  });

  it('two people edit the same month: the second gets the conflict page and may overwrite', { timeout: 60_000 }, async () => {
    const target = monthsAgo(4);
    const district = await signIn('district-e01');
    const ward = await signIn('ward-east', DESKTOP);
    const url = `${server.baseUrl}/districts/E01/reports/${target}`;
    await district.goto(url);
    await ward.goto(url);

    await ward.getByLabel('高齢者世帯').fill('1030');
    await ward.getByLabel('備考').fill('区社協で電話確認のうえ入力');
    await ward.getByRole('button', { name: '保存する' }).click();
    await ward.waitForURL(`${server.baseUrl}/districts/E01/years/${fiscalYearOfMonth(target)}`);

    await district.getByLabel('高齢者世帯').fill('１０２８');
    await district.getByLabel('助け合い件数').fill('２２');
    await district.getByRole('button', { name: '保存する' }).click();
    await district.locator('.conflict-summary').waitFor();
    expect(await district.locator('tr[data-field="watched_elderly"]').innerText()).toMatch(/1,030[\s\S]*1,028/);
    expect(getMonthlyReport(server.database.db, ids.d1, target)!.watchedElderly).toBe(1030);
    await shoot(district, 'conflict');

    await district.getByRole('button', { name: '入力した内容で上書きする' }).click();
    await district.waitForURL(`${server.baseUrl}/districts/E01/years/${fiscalYearOfMonth(target)}`);
    const saved = getMonthlyReport(server.database.db, ids.d1, target)!;
    expect(saved.watchedElderly).toBe(1028);
    expect(saved.mutualAidCases).toBe(22);

    await ward.goto(`${server.baseUrl}/districts/E01/history`);
    expect(await ward.locator('.history-entry').first().innerText()).toContain('district-e01');
    await shoot(ward, 'history', false);
    await ward.goto(`${server.baseUrl}/districts/E01/reports/${addMonths(target, 0)}`);
    await shoot(ward, 'form-ward');
  });
});
