import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, SCREENSHOT_DIR, startServer, type RunningServer, signInOnPage } from '../support/browser.js';
import { isFiscalYearClosed } from '../../src/fiscalYears/repository.js';

const DESKTOP = { width: 1280, height: 900 };
const TABLET = { width: 820, height: 1180 };
// Each test drives several pages of a 130-district city; allow for a busy machine.
const SLOW = 120_000;

describe.skipIf(!browserAvailable)('admin pages in Chromium on the demo city', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(login: string, viewport = DESKTOP): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'ja-JP' });
    const page = await context.newPage();
    await signInOnPage(page, server.baseUrl, login, 'mimamori-demo');
    return page;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true });

  it(
    'city staff see every district with its status, and can narrow by ward',
    async () => {
      const page = await signIn('demo-city');
      await page.goto(`${server.baseUrl}/districts`);
      const rows = page.locator('table.district-list tbody tr');
      expect(await rows.count()).toBeGreaterThan(100);
      expect(await page.locator('tr[data-code] .status').first().innerText()).toMatch(/報告済み|未報告|期限超過|対象外/);
      await shot(page, 'admin-districts-city-desktop.png');
      await page.getByLabel('区', { exact: true }).selectOption({ label: '門司区' });
      await page.getByRole('button', { name: '絞り込む' }).click();
      await page.waitForURL(/ward=/);
      const wards = await page.locator('table.district-list tbody tr td:first-child').allInnerTexts();
      expect(new Set(wards.map((w) => w.trim()))).toEqual(new Set(['門司区']));
      await page.context().close();
    },
    SLOW,
  );

  it(
    'city staff read the completeness grid with a sticky header and citywide percentages',
    async () => {
      const page = await signIn('demo-city');
      await page.goto(`${server.baseUrl}/completeness?fy=2025`);
      expect(await page.locator('tr[data-total="city"]').count()).toBe(1);
      expect(await page.locator('tbody[data-ward]').count()).toBe(7);
      expect(await page.locator('tr[data-total="city"] td.count').first().innerText()).toMatch(/\d+\/\d+\s*\d+\.\d%/);
      // Scrolling down the long grid keeps the month header at the top of the window and the citywide row at the bottom.
      await page.evaluate('window.scrollTo(0, 2500)');
      const header = await page.locator('.completeness-grid thead th').nth(1).boundingBox();
      const footer = await page.locator('tr[data-total="city"] th').boundingBox();
      expect(header && Math.abs(header.y) < 4).toBe(true);
      expect(footer && Math.abs(footer.y + footer.height - DESKTOP.height) < 4).toBe(true);
      // All twelve months and the overdue column fit the width of an office screen.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(DESKTOP.width);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'admin-completeness-city-scrolled.png') });
      await page.evaluate('window.scrollTo(0, 0)');
      await shot(page, 'admin-completeness-city-desktop.png');
      await page.context().close();
    },
    SLOW,
  );

  it(
    'ward staff see only their ward on the completeness grid, also on a tablet',
    async () => {
      const page = await signIn('demo-ward', TABLET);
      await page.goto(`${server.baseUrl}/completeness`);
      expect(await page.locator('tbody[data-ward]').count()).toBe(1);
      expect(await page.locator('tbody[data-ward]').getAttribute('data-ward')).toBe('門司区');
      expect(await page.locator('tr[data-total="city"]').count()).toBe(0);
      // The twelve months fit a tablet held upright.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(TABLET.width);
      await shot(page, 'admin-completeness-ward-tablet.png');
      await page.setViewportSize(DESKTOP);
      await shot(page, 'admin-completeness-ward-desktop.png');
      await page.context().close();
    },
    SLOW,
  );

  it(
    'city staff see published figures beside the rollup, and the users and years pages',
    async () => {
      const page = await signIn('demo-city');
      await page.goto(`${server.baseUrl}/published-figures?scope=city&from=2021&to=2025`);
      expect(await page.locator('table.figure-grid[data-table="items"] tbody tr').count()).toBe(7);
      expect(await page.locator('tr[data-row="3"] td[data-fy="2021"]').innerText()).toContain('127');
      await shot(page, 'admin-published-figures-desktop.png');
      await page.locator('tr[data-row="1"] td[data-fy="2023"] a.edit').click();
      await page.waitForURL(/published-figures\/edit/);
      await shot(page, 'admin-published-figure-edit-desktop.png');

      await page.goto(`${server.baseUrl}/users`);
      expect(await page.locator('tr[data-login="demo-ward"]').innerText()).toContain('門司区');
      await shot(page, 'admin-users-desktop.png');
      await page.goto(`${server.baseUrl}/users/new`);
      await page.locator('input[name="role"][value="ward"]').check();
      expect(await page.locator('[data-role-field="district"]').isHidden()).toBe(true);
      expect(await page.locator('[data-role-field="ward"]').isVisible()).toBe(true);
      await shot(page, 'admin-users-new-desktop.png');
      await page.getByRole('button', { name: '追加する' }).click();
      expect(await page.locator('.error-summary').innerText()).toContain('ログインID');
      await shot(page, 'admin-users-new-errors-desktop.png');

      await page.goto(`${server.baseUrl}/settings`);
      await shot(page, 'admin-settings-desktop.png');
      await page.context().close();
    },
    SLOW,
  );

  it(
    'city staff close a year after the confirm dialog, and reopen it',
    async () => {
      const page = await signIn('demo-city');
      await page.goto(`${server.baseUrl}/fiscal-years`);
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.accept();
      });
      await page.locator('tr[data-fy="2024"] button', { hasText: '年度確定する' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('.flash').innerText()).toContain('令和6年度を年度確定しました');
      expect(dialogs[0]).toContain('令和6年度を年度確定します');
      expect(isFiscalYearClosed(server.database.db, 2024)).toBe(true);
      await shot(page, 'admin-fiscal-years-desktop.png');
      await page.locator('tr[data-fy="2024"] button', { hasText: '再開する' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('.flash').innerText()).toContain('取り消しました');
      expect(isFiscalYearClosed(server.database.db, 2024)).toBe(false);
      await page.context().close();
    },
    SLOW,
  );
});
