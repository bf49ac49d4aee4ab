import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, SCREENSHOT_DIR, startServer, type RunningServer, signInOnPage } from '../support/browser.js';
import { DEMO_PASSWORD } from '../../src/demo/demoCity.js';
import { currentFiscalYear, warekiShort } from '../../src/domain/fiscalYear.js';

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'tablet', width: 820, height: 1180 },
] as const;

describe.skipIf(!browserAvailable)('the demo city in Chromium, as demo-city', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const context = await browser.newContext({ viewport: VIEWPORTS[0], locale: 'ja-JP' });
    page = await context.newPage();
    await signInOnPage(page, server.baseUrl, 'demo-city', DEMO_PASSWORD);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The fiscal-year column headings (項目 comes first; 傾向 and any extra columns after). */
  async function yearHeaders(): Promise<string[]> {
    const all = (await page.locator('table.trend-table thead th').allInnerTexts()).map((h) => h.trim());
    expect(all[0]).toBe('項目');
    return all.slice(1, all.indexOf('傾向'));
  }

  async function screenshots(name: string): Promise<void> {
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${viewport.name}.png`), fullPage: true });
    }
  }

  it('shows the city trend table by default over the last five finished years, R6 on from monthly reports', async () => {
    const lastFinished = currentFiscalYear() - 1;
    await page.goto(`${server.baseUrl}/trends`);
    expect(await yearHeaders()).toEqual([4, 3, 2, 1, 0].map((back) => warekiShort(lastFinished - back)));
    // The last column is a rollup of generated reports: a figure, not a published one.
    const lastCell = page.locator('tr[data-row="1"] td.num').last();
    expect(await lastCell.innerText()).toMatch(/^\d{3},\d{3}$/);
    expect(await page.locator('tfoot').innerText()).toMatch(/1\d\d \/ 1\d\d/);
    await screenshots('demo-trends-default');
  });

  it('shows seed 000 for R1–R5', async () => {
    await page.goto(`${server.baseUrl}/trends?scope=city&from=2019&to=2023`);
    expect(await yearHeaders()).toEqual(['R1', 'R2', 'R3', 'R4', 'R5']);
    const watched = await page.locator('tr[data-row="1"]').innerText();
    for (const n of ['125,407', '136,262', '135,812', '132,844', '133,382', 'ほぼ横ばい']) expect(watched).toContain(n);
    expect(await page.locator('tr[data-row="3"]').innerText()).toContain('コロナ禍で正確な統計不可');
    // ④⑥⑦ roll up to the printed figures, so no difference is pointed out to the city user.
    for (const row of ['4', '6', '7']) expect(await page.locator(`tr[data-row="${row}"] .diff`).count()).toBe(0);
    await screenshots('demo-trends-r1-r5');
  });

  it('shows the household-category table with published and generated years', async () => {
    await page.goto(`${server.baseUrl}/trends/households?scope=city&from=2019&to=2025`);
    const cooperators = await page.locator('tr[data-row="welfare_cooperators"]').innerText();
    expect(cooperators).toContain('6,830');
    expect(cooperators).toMatch(/6,[3-9]\d\d/);
    await screenshots('demo-households');
  });
});
