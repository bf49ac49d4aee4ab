import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser, signInOnPage, startServer, type RunningServer } from '../support/browser.js';
import { seedSmallCity, TEST_PASSWORD } from '../support/app.js';
import { agendaSheets, sessions } from '../../src/db/schema.js';
import { RESUMED_MESSAGE, TIMEOUT_MESSAGE } from '../../src/auth/pendingForms.js';

/*
 * Issue 12 / DESIGN §7 in Chromium, for the agenda editor (the longest city form):
 * typing posted after the session ended comes back after signing in again.
 * (The monthly form and a case study: test/monthlyReports/forms.browser.test.ts.)
 */
describe.skipIf(!browserAvailable)('the agenda editor loses nothing after a timeout, in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    await seedSmallCity(server.database);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a new sheet posted after the session ended comes back with its text after signing in again', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, locale: 'ja-JP' });
    try {
      const page = await context.newPage();
      await signInOnPage(page, server.baseUrl, 'city', TEST_PASSWORD);
      await page.goto(`${server.baseUrl}/agendas/new`);
      const section = Array.from({ length: 12 }, (_, i) => `${i + 1}. 見守り訪問の広がりについて、区ごとの様子をまとめました。`).join('\n');
      await page.getByLabel('見出し', { exact: true }).first().fill('議題（２）イ 見守りの広がり');
      await page.getByRole('button', { name: '文章の項目を追加' }).click();
      await page.waitForLoadState('load');
      const added = page.locator('.section-editor').last();
      await added.getByLabel('見出し').fill('見守り訪問の広がり');
      await added.getByLabel('本文').fill(section);
      server.database.db.delete(sessions).run();
      await page.getByRole('button', { name: '保存する' }).first().click();

      await page.waitForURL(/\/login\?/);
      expect(await page.locator('#timeout-notice').innerText()).toBe(TIMEOUT_MESSAGE);
      await page.getByLabel('ログインID').fill('city');
      await page.getByLabel('パスワード').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: 'ログインする' }).click();

      await page.waitForURL(/\/agendas\/new\?resume=/);
      await expect.poll(() => page.getByText(RESUMED_MESSAGE).count()).toBe(1);
      expect(await page.getByLabel('見出し', { exact: true }).first().inputValue()).toBe('議題（２）イ 見守りの広がり');
      const resumed = page.locator('.section-editor').last();
      expect(await resumed.getByLabel('見出し').inputValue()).toBe('見守り訪問の広がり');
      expect(await resumed.getByLabel('本文').inputValue()).toBe(section);
      expect(server.database.db.select().from(agendaSheets).all()).toHaveLength(0);

      await page.getByRole('button', { name: '保存する' }).first().click();
      await page.waitForURL(/\/agendas\/\d+\/edit$/);
      expect(
        server.database.db
          .select()
          .from(agendaSheets)
          .all()
          .map((s) => s.heading),
      ).toEqual(['議題（２）イ 見守りの広がり']);
    } finally {
      await context.close();
    }
  });
});
