import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser, SCREENSHOT_DIR, startServer, type RunningServer, signInOnPage } from '../support/browser.js';

describe.skipIf(!browserAvailable)('trend table in Chromium, as each demo user', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(login: string) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
    const page = await context.newPage();
    await signInOnPage(page, server.baseUrl, login, 'mimamori-demo');
    return { context, page };
  }

  it('city staff see the R1–R5 citywide table of seed 000 with computed labels', async () => {
    const { context, page } = await signIn('demo-city');
    await page.getByRole('link', { name: '推移表', exact: true }).first().click();
    await page.goto(`${server.baseUrl}/trends?scope=city&from=R1&to=R5`);
    const headers = await page.locator('table.trend-table thead th').allInnerTexts();
    expect(headers.map((h) => h.trim())).toEqual(['項目', 'R1', 'R2', 'R3', 'R4', 'R5', '傾向']);
    const first = page.locator('tr[data-row="1"]');
    await expect.poll(() => first.innerText()).toContain('125,407');
    const text = await first.innerText();
    for (const n of ['125,407', '136,262', '135,812', '132,844', '133,382', 'ほぼ横ばい']) expect(text).toContain(n);
    expect(await page.locator('tr[data-row="3"]').innerText()).toContain('コロナ禍で正確な統計不可');
    expect(await page.locator('tr[data-row="2"]').innerText()).toContain('やや増加');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'trends-city-r1-r5.png'), fullPage: true });
    await context.close();
  });

  it('ward staff open their ward table; district staff their district', async () => {
    const ward = await signIn('demo-ward');
    await ward.page.goto(`${server.baseUrl}/trends`);
    expect(await ward.page.locator('h1').innerText()).toContain('門司区');
    expect(await ward.page.locator('table.trend-table tbody tr').count()).toBe(7);
    await ward.context.close();

    const district = await signIn('demo-district');
    await district.page.goto(`${server.baseUrl}/trends`);
    expect(await district.page.locator('h1').innerText()).toContain('田野浦校区');
    await district.page.setViewportSize({ width: 820, height: 1180 });
    await district.page.screenshot({ path: join(SCREENSHOT_DIR, 'trends-district-tablet.png'), fullPage: true });
    await district.context.close();
  });
});
