import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, SCREENSHOT_DIR, startServer, type RunningServer, signInOnPage } from '../support/browser.js';
import { seedSmallCity, TEST_PASSWORD } from '../support/app.js';

/* The sign-in and password pages as people see them, at office-PC and tablet sizes. */

const SIZES = [
  { name: 'desktop', viewport: { width: 1280, height: 900 } },
  { name: 'tablet', viewport: { width: 820, height: 1180 } },
] as const;

describe.skipIf(!browserAvailable)('sign-in and password pages in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    await seedSmallCity(server.database);
    browser = await launchBrowser();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function fontSize(page: Page, selector: string): Promise<number> {
    return page.evaluate<number>(`parseFloat(getComputedStyle(document.querySelector(${JSON.stringify(selector)})).fontSize)`);
  }

  it('sign-in: wrong password, then refused for a while (429) with a plain message', { timeout: 180_000 }, async () => {
    for (const size of SIZES) {
      server.app.signInThrottle.reset();
      const context = await browser.newContext({ viewport: size.viewport, locale: 'ja-JP' });
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/login`);
      expect(await fontSize(page, '#login')).toBeGreaterThanOrEqual(16);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `auth-login-${size.name}.png`), fullPage: true });
      let status = 0;
      for (let i = 0; i < 6; i++) {
        await page.locator('#login').fill('district-e01');
        await page.locator('#password').fill(`wrong-${i}`);
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'),
          page.locator('main form button[type="submit"]').click(),
        ]);
        status = response.status();
        await page.waitForLoadState('load');
        if (i === 0) {
          expect(status).toBe(401);
          await expect.poll(() => page.locator('[role="alert"]').innerText()).toContain('ログインIDまたはパスワードが違います');
          expect(await page.locator('#login').inputValue()).toBe('district-e01');
          await page.screenshot({ path: join(SCREENSHOT_DIR, `auth-login-wrong-${size.name}.png`), fullPage: true });
        }
      }
      expect(status).toBe(429);
      expect(await page.locator('[role="alert"]').innerText()).toContain('しばらくログインを受け付けません');
      await page.screenshot({ path: join(SCREENSHOT_DIR, `auth-login-throttled-${size.name}.png`), fullPage: true });
      await context.close();
    }
    server.app.signInThrottle.reset();
  });

  it('password change: errors beside the fields and on top, then success', { timeout: 180_000 }, async () => {
    for (const size of SIZES) {
      const context = await browser.newContext({ viewport: size.viewport, locale: 'ja-JP' });
      const page = await context.newPage();
      await signInOnPage(page, server.baseUrl, 'ward-east', size.name === 'desktop' ? TEST_PASSWORD : 'とても ながい あいことば');
      await page.getByRole('link', { name: 'パスワード変更' }).click();
      await page.waitForURL(`${server.baseUrl}/account/password`);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `account-password-${size.name}.png`), fullPage: true });

      await page.locator('#current_password').fill('not-it');
      await page.locator('#new_password').fill('short');
      await page.locator('#new_password_confirm').fill('shorter');
      await page.locator('main form button[type="submit"]').click();
      await page.waitForLoadState('load');
      await expect.poll(() => page.locator('.error-summary').innerText()).toContain('今のパスワードが違います');
      expect(await page.locator('#new_password-error').innerText()).toContain('8文字以上');
      expect(await page.locator('#current_password').getAttribute('aria-invalid')).toBe('true');
      await page.screenshot({ path: join(SCREENSHOT_DIR, `account-password-errors-${size.name}.png`), fullPage: true });

      const current = size.name === 'desktop' ? TEST_PASSWORD : 'とても ながい あいことば';
      const next = size.name === 'desktop' ? 'とても ながい あいことば' : TEST_PASSWORD;
      await page.locator('#current_password').fill(current);
      await page.locator('#new_password').fill(next);
      await page.locator('#new_password_confirm').fill(next);
      await page.locator('main form button[type="submit"]').click();
      await page.waitForURL(`${server.baseUrl}/`);
      expect(await page.locator('.flash').innerText()).toContain('パスワードを変更しました');
      await page.screenshot({ path: join(SCREENSHOT_DIR, `account-password-done-${size.name}.png`) });
      await context.close();
    }
  });
});
