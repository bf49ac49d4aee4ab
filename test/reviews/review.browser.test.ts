import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser, SCREENSHOT_DIR, signInOnPage, startServer, type RunningServer } from '../support/browser.js';
import { seedSmallCity, TEST_PASSWORD } from '../support/app.js';
import { monthLabelLong } from '../../src/domain/fiscalYear.js';
import { monthReviewOf } from '../../src/reviews/repository.js';
import { monthsAgo, storeReport } from '../monthlyReports/helpers.js';

/* 区社協の確認 in Chromium: the ward returns a month, the district corrects and resubmits, the ward accepts. */

describe.skipIf(!browserAvailable)('review of a month in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let ids: Awaited<ReturnType<typeof seedSmallCity>>;
  const month = monthsAgo(1);
  const comment = '高齢者世帯の数が先月と大きく違います。確認してください。';

  beforeAll(async () => {
    server = await startServer();
    ids = await seedSmallCity(server.database);
    storeReport(server.database, ids.d1, month);
    browser = await launchBrowser();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('return with a comment → the district sees it, corrects and saves → the ward accepts', { timeout: 180_000 }, async () => {
    const reportUrl = `${server.baseUrl}/districts/E01/reports/${month}`;
    const wardContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
    const ward = await wardContext.newPage();
    await signInOnPage(ward, server.baseUrl, 'ward-east', TEST_PASSWORD);
    await ward.goto(reportUrl);
    await expect.poll(() => ward.locator('#review').innerText()).toContain('提出済み');
    // An empty comment is refused beside the field.
    await ward.getByRole('button', { name: '差し戻す' }).click();
    await ward.waitForLoadState('load');
    expect(await ward.locator('#review-comment-error').innerText()).toContain('差し戻す理由を入力してください');
    await ward.getByLabel(/差し戻す理由/).fill(comment);
    await ward.getByRole('button', { name: '差し戻す' }).click();
    await ward.waitForURL(reportUrl);
    await expect.poll(() => ward.locator('#review').innerText()).toContain('差し戻し');
    await ward.screenshot({ path: join(SCREENSHOT_DIR, 'review-returned-ward-1280.png'), fullPage: true });
    expect(monthReviewOf(server.database.db, ids.d1, month).state).toBe('returned');

    const districtContext = await browser.newContext({ viewport: { width: 768, height: 1024 }, locale: 'ja-JP' });
    const district = await districtContext.newPage();
    await signInOnPage(district, server.baseUrl, 'district-e01', TEST_PASSWORD);
    expect(await district.locator('#returned-months').innerText()).toContain(comment);
    await district.screenshot({ path: join(SCREENSHOT_DIR, 'review-home-district-768.png'), fullPage: true });
    await district.getByRole('link', { name: `${monthLabelLong(month)}の報告を直す` }).click();
    await district.waitForURL(reportUrl);
    expect(await district.locator('#review-returned').innerText()).toContain(comment);
    await district.screenshot({ path: join(SCREENSHOT_DIR, 'review-form-district-768.png'), fullPage: true });
    await district.locator('#watched_elderly').fill('1010');
    await district.getByRole('button', { name: '保存する' }).click();
    await district.waitForLoadState('load');
    expect(monthReviewOf(server.database.db, ids.d1, month).state).toBe('submitted');
    await district.goto(`${server.baseUrl}/`);
    expect(await district.locator('#returned-months').count()).toBe(0);

    await ward.goto(reportUrl);
    await expect.poll(() => ward.locator('#review').innerText()).toContain('提出済み');
    await ward.getByRole('button', { name: '確認済みにする' }).click();
    await ward.waitForURL(reportUrl);
    await expect.poll(() => ward.locator('#review').innerText()).toContain('確認済み');
    expect(monthReviewOf(server.database.db, ids.d1, month).state).toBe('accepted');
    await ward.screenshot({ path: join(SCREENSHOT_DIR, 'review-accepted-ward-1280.png'), fullPage: true });
    await wardContext.close();
    await districtContext.close();
  });
});
