import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser, startServer, signInOnPage, type RunningServer } from '../support/browser.js';
import { seedSmallCity, TEST_PASSWORD } from '../support/app.js';
import { createPlanSchedule } from '../../src/plans/schedules.js';
import { agendaSheets } from '../../src/db/schema.js';

const FOOTNOTE = '小地域福祉活動計画はＲ６年度１校(地)区策定予定で、残り２校(地)区';

describe.skipIf(!browserAvailable)('「引用できる数」 in the agenda editor', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    const ids = await seedSmallCity(server.database);
    createPlanSchedule(server.database.db, ids.d1, { scheduledFy: 2024, note: '' }, null);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A new sheet for R1–R5 with one text section (added through the editor's own button). */
  async function editorWithSection(javaScriptEnabled: boolean) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP', javaScriptEnabled });
    const page = await context.newPage();
    await signInOnPage(page, server.baseUrl, 'city', TEST_PASSWORD);
    await page.goto(`${server.baseUrl}/agendas/new`);
    await page.fill('#from', 'R1');
    await page.fill('#to', 'R5');
    await page.getByRole('button', { name: '文章の項目を追加' }).click();
    await page.waitForSelector('textarea[name="s0.body"]');
    return { context, page };
  }

  it('puts a sentence where the cursor was, and says so; nothing is saved until 保存する', async () => {
    const { context, page } = await editorWithSection(true);
    const body = page.locator('textarea[name="s0.body"]');
    await body.fill('前の文。');
    await body.click();
    await page.keyboard.press('End');
    const item = page.locator('.narrative-quote[data-key="planFootnote"]');
    await expect(item.locator('.quote-text').textContent()).resolves.toBe(FOOTNOTE);
    await item.getByRole('button', { name: 'カーソルの位置に入れる' }).click();
    expect(await body.inputValue()).toBe(`前の文。${FOOTNOTE}`);
    expect(await page.locator('.narrative-status').textContent()).toContain('「本文」に入れました。');
    // Into a row's footnote field too, when that was the last field used.
    const rowFootnote = page.locator('input[name="t0.r.4.footnote"]');
    await rowFootnote.click();
    await item.getByRole('button', { name: 'カーソルの位置に入れる' }).click();
    expect(await rowFootnote.inputValue()).toBe(FOOTNOTE);
    expect(server.database.db.select().from(agendaSheets).all()).toHaveLength(0);
    await context.close();
  });

  it('without JavaScript the sentences are plain text and no button shows', async () => {
    const { context, page } = await editorWithSection(false);
    const item = page.locator('.narrative-quote[data-key="planFootnote"]');
    expect(await item.locator('.quote-text').textContent()).toBe(FOOTNOTE);
    expect(await item.getByRole('button').count()).toBe(0);
    await context.close();
  });
});
