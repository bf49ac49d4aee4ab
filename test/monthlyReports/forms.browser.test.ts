import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, startServer, type RunningServer, signInOnPage } from '../support/browser.js';
import { seedSmallCity, TEST_PASSWORD } from '../support/app.js';
import { sessions } from '../../src/db/schema.js';
import { fiscalYearOfMonth, monthLabelLong } from '../../src/domain/fiscalYear.js';
import { parseCount } from '../../src/domain/numbers.js';
import { getMonthlyReport } from '../../src/monthlyReports/repository.js';
import { RESUMED_MESSAGE, TIMEOUT_MESSAGE } from '../../src/auth/pendingForms.js';
import { monthsAgo, storeReport, typicalValues } from './helpers.js';
import { COUNT_INPUT_CASES } from '../domain/countInputCases.js';

/*
 * Issue 12 in Chromium: a timeout loses no typing (monthly form and a long case
 * study), errors take focus and name the page, blank saves, the live total agrees
 * with the server, and the idle warning appears before the session ends.
 */
const SHOTS = '/tmp/shots/h6';
const SIZES = { w768: { width: 768, height: 1024 }, w1280: { width: 1280, height: 900 } } as const;

describe.skipIf(!browserAvailable)('forms that lose nothing, in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let ids: Awaited<ReturnType<typeof seedSmallCity>>;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startServer();
    ids = await seedSmallCity(server.database);
    for (let i = 2; i <= 8; i++) storeReport(server.database, ids.d1, monthsAgo(i), typicalValues({ watched_elderly: 1000 + i }));
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  async function newPage(options: { javaScript?: boolean; clock?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: SIZES.w768, locale: 'ja-JP', javaScriptEnabled: options.javaScript ?? true });
    contexts.push(context);
    const page = await context.newPage();
    if (options.clock) await page.clock.install();
    return page;
  }

  async function shoot(page: Page, name: string) {
    for (const [size, viewport] of Object.entries(SIZES)) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage: true });
    }
    await page.setViewportSize(SIZES.w768);
  }

  /** Ends every session on the server, as the idle timeout would. */
  function endSessions() {
    server.database.db.delete(sessions).run();
  }

  it('a monthly form posted after the session ended comes back, filled in, after signing in again', { timeout: 60_000 }, async () => {
    const month = monthsAgo(1);
    const page = await newPage();
    await signInOnPage(page, server.baseUrl, 'district-e01', TEST_PASSWORD);
    await page.goto(`${server.baseUrl}/districts/E01/reports/${month}`);
    await page.getByLabel('高齢者世帯').fill('１００１世帯');
    await page.getByLabel('助け合い件数').fill('200');
    await page.getByLabel('備考').fill('敬老会の準備で訪問が増えました。');
    endSessions();
    await page.getByRole('button', { name: '保存する' }).click();

    await page.waitForURL(/\/login\?/);
    expect(await page.locator('#timeout-notice').innerText()).toBe(TIMEOUT_MESSAGE);
    await shoot(page, 'login-after-timeout');
    await page.getByLabel('ログインID').fill('district-e01');
    await page.getByLabel('パスワード').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'ログインする' }).click();

    await page.waitForURL(new RegExp(`/districts/E01/reports/${month}\\?resume=`));
    expect(await page.locator('.flash').innerText()).toBe(RESUMED_MESSAGE);
    expect(await page.getByLabel('高齢者世帯').inputValue()).toBe('１００１世帯');
    expect(await page.getByLabel('助け合い件数').inputValue()).toBe('200');
    expect(await page.getByLabel('備考').inputValue()).toBe('敬老会の準備で訪問が増えました。');
    expect(getMonthlyReport(server.database.db, ids.d1, month)).toBeUndefined();
    await shoot(page, 'monthly-resumed');

    await page.getByRole('button', { name: '保存する' }).click();
    await page.waitForURL(`${server.baseUrl}/districts/E01/years/${fiscalYearOfMonth(month)}`);
    expect(getMonthlyReport(server.database.db, ids.d1, month)?.watchedElderly).toBe(1001);
  });

  it('a long case study posted after the session ended comes back after signing in again', { timeout: 60_000 }, async () => {
    const page = await newPage();
    await signInOnPage(page, server.baseUrl, 'district-e01', TEST_PASSWORD);
    await page.goto(`${server.baseUrl}/districts/E01/case-studies/new`);
    const body = Array.from({ length: 30 }, (_, i) => `${i + 1}. 見守り訪問で気づいたことを、民生委員と福祉協力員が話し合いました。`).join('\n');
    await page.getByLabel('題名', { exact: false }).first().fill('見守りの輪を広げた一年');
    await page.getByLabel('本文', { exact: false }).first().fill(body);
    await page.context().clearCookies({ name: 'mimamori' });
    await page
      .getByRole('button', { name: /保存|登録/ })
      .first()
      .click();

    await page.waitForURL(/\/login\?/);
    expect(await page.locator('#timeout-notice').innerText()).toBe(TIMEOUT_MESSAGE);
    await page.getByLabel('ログインID').fill('district-e01');
    await page.getByLabel('パスワード').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'ログインする' }).click();
    await page.waitForURL(/\/districts\/E01\/case-studies\/new\?resume=/);
    expect(await page.locator('.notice').first().innerText()).toBe(RESUMED_MESSAGE);
    expect(await page.getByLabel('題名', { exact: false }).first().inputValue()).toBe('見守りの輪を広げた一年');
    expect(await page.getByLabel('本文', { exact: false }).first().inputValue()).toBe(body);
    await shoot(page, 'case-study-resumed');
  });

  it('after a failed save the error summary has focus, the title starts with エラー：, and a link shows the label', { timeout: 60_000 }, async () => {
    const page = await newPage();
    await signInOnPage(page, server.baseUrl, 'district-e01', TEST_PASSWORD);
    await page.goto(`${server.baseUrl}/districts/E01/reports/${monthsAgo(2)}`);
    await page.getByLabel('福祉協力員数').fill('たくさん');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.locator('.error-summary').waitFor();
    expect(await page.title()).toMatch(/^エラー：/);
    await expect.poll(() => page.evaluate<string | undefined>('document.activeElement?.id')).toBe('error-summary');
    await shoot(page, 'monthly-error');

    // A short window, so that the page has to scroll to the field.
    await page.setViewportSize({ width: 768, height: 500 });
    await page.locator('.error-summary a').first().click();
    await expect.poll(() => page.evaluate<string | undefined>('document.activeElement?.id')).toBe('welfare_cooperators');
    // The label is at the top of the window, not hidden above its edge (where following #id would leave it).
    await expect.poll(() => page.evaluate<number>('window.scrollY')).toBeGreaterThan(0);
    const labelTop = await page
      .locator('label[for="welfare_cooperators"]')
      .evaluate((el: { getBoundingClientRect: () => { top: number } }) => el.getBoundingClientRect().top);
    expect(labelTop).toBeGreaterThanOrEqual(0);
    expect(labelTop).toBeLessThan(100);
  });

  it('a blank month stays 未報告; clearing a saved month asks first', { timeout: 60_000 }, async () => {
    const page = await newPage();
    await signInOnPage(page, server.baseUrl, 'district-e01', TEST_PASSWORD);
    const never = monthsAgo(9);
    await page.goto(`${server.baseUrl}/districts/E01/reports/${never}`);
    await page.getByRole('button', { name: '保存する' }).click();
    await page.waitForURL(`${server.baseUrl}/districts/E01/years/${fiscalYearOfMonth(never)}`);
    expect(await page.locator('.flash').innerText()).toBe(`${monthLabelLong(never)}は、空欄のため未報告のままです。`);
    expect(getMonthlyReport(server.database.db, ids.d1, never)).toBeUndefined();

    const saved = monthsAgo(5);
    await page.goto(`${server.baseUrl}/districts/E01/reports/${saved}`);
    for (const input of await page.locator('input.count').all()) await input.fill('');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.locator('#clear-warning').waitFor();
    expect(getMonthlyReport(server.database.db, ids.d1, saved)?.watchedElderly).toBe(1005);
    await shoot(page, 'monthly-clear-confirm');
    await page.getByRole('button', { name: 'すべて消して未報告に戻す' }).first().click();
    await page.waitForURL(`${server.baseUrl}/districts/E01/years/${fiscalYearOfMonth(saved)}`);
    expect(getMonthlyReport(server.database.db, ids.d1, saved)?.watchedElderly ?? null).toBeNull();
  });

  it('the live total reads typed text exactly as the server will store it', { timeout: 60_000 }, async () => {
    const page = await newPage();
    await signInOnPage(page, server.baseUrl, 'district-e01', TEST_PASSWORD);
    await page.goto(`${server.baseUrl}/districts/E01/reports/${monthsAgo(6)}`);
    // The script's parser against the server's, case by case.
    for (const { text, units } of COUNT_INPUT_CASES) {
      const server$ = parseCount(text, { units });
      const script = await page.evaluate<{ ok: boolean; value?: number | null }>(
        `window.mimamoriParseCount(${JSON.stringify(text)}, ${JSON.stringify(units)})`,
      );
      expect({ text, ok: script.ok, value: script.ok ? script.value : undefined }).toEqual({
        text,
        ok: server$.ok,
        value: server$.ok ? server$.value : undefined,
      });
    }
    // And on the page: 「12 5」 is refused by the server, so the total says so instead of adding 125.
    await page.getByLabel('高齢者世帯').fill('12 5');
    await page.getByLabel('障害のある人のある世帯').fill('5');
    await page.getByLabel('ひとり親で子育て中の世帯').fill('');
    await page.getByLabel('その他の世帯').fill('');
    await expect.poll(() => page.locator('#watched-total').innerText()).toBe('（数字を確認してください）');
    await page.getByLabel('高齢者世帯').fill('１２５世帯');
    await expect.poll(() => page.locator('#watched-total').innerText()).toBe('130');
  });

  it('warns a few minutes before the idle timeout while a form is open', { timeout: 60_000 }, async () => {
    const page = await newPage({ clock: true });
    await signInOnPage(page, server.baseUrl, 'district-e01', TEST_PASSWORD);
    await page.goto(`${server.baseUrl}/districts/E01/reports/${monthsAgo(7)}`);
    expect(await page.locator('#idle-warning').count()).toBe(0);
    await page.clock.fastForward('24:00');
    expect(await page.locator('#idle-warning').count()).toBe(0);
    await page.clock.fastForward('01:30');
    await page.locator('#idle-warning').waitFor();
    expect(await page.locator('#idle-warning').innerText()).toContain('自動的にログアウトします');
    await shoot(page, 'idle-warning');
  });
});
