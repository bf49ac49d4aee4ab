import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { desc } from 'drizzle-orm';
import { caseStudies, salons } from '../../src/db/schema.js';
import { browserAvailable, launchBrowser, SCREENSHOT_DIR, startServer, type RunningServer, signInOnPage } from '../support/browser.js';
import { seedSmallCity, TEST_PASSWORD } from '../support/app.js';

/*
 * Nothing typed executes in the browser: payloads stored through the real
 * forms are shown as text on every page that shows them, no dialog opens, no
 * script runs, and no element is injected.
 */

const SCRIPT = '<script>window.__xss=1</script>';
const ATTRIBUTE = '"><img src=x onerror="window.__xss=1">';
const JS_URL = 'javascript:alert(1)';
const ALL = `${SCRIPT}\n${ATTRIBUTE}\n${JS_URL}`;

describe.skipIf(!browserAvailable)('stored payloads never execute (Chromium)', () => {
  let server: RunningServer;
  let browser: Browser;
  const dialogs: string[] = [];
  const violations: string[] = [];

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

  async function signIn(login: string, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, locale: 'ja-JP' });
    const page = await context.newPage();
    page.on('dialog', async (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      await d.dismiss();
    });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await signInOnPage(page, server.baseUrl, login, TEST_PASSWORD);
    return { context, page };
  }

  /** Submits the main form of the page and waits for the answer. */
  async function submit(page: Page): Promise<void> {
    await Promise.all([page.waitForLoadState('load'), page.locator('main form[method="post"] button[type="submit"].primary').first().click()]);
    await page.waitForLoadState('load');
  }

  async function expectInert(page: Page, url: string): Promise<void> {
    await page.goto(`${server.baseUrl}${url}`);
    await page.waitForLoadState('load');
    await page.waitForTimeout(50);
    // Evaluated in the page (as a string: this project's TypeScript has no DOM types).
    const state = await page.evaluate(`({
      xss: window.__xss,
      injectedImages: document.querySelectorAll('img[src="x"], img[onerror]').length,
      injectedScripts: [...document.scripts].filter((s) => !s.src || !new URL(s.src).pathname.startsWith('/static/')).length,
      jsLinks: [...document.querySelectorAll('a[href], area[href], form[action], iframe[src]')].filter((e) =>
        /^\\s*javascript:/i.test(e.getAttribute('href') ?? e.getAttribute('action') ?? e.getAttribute('src') ?? ''),
      ).length,
    })`);
    expect(state, url).toEqual({ xss: undefined, injectedImages: 0, injectedScripts: 0, jsLinks: 0 });
  }

  it('stores the payloads through the real forms and renders them as text everywhere', { timeout: 240_000 }, async () => {
    const { context, page } = await signIn('district-e01');

    // A monthly report with the payloads in its note.
    await page.goto(`${server.baseUrl}/districts/E01/reports/2024-04`);
    await page.locator('#watched_elderly').fill('120');
    await page.locator('#note').fill(ALL);
    await submit(page);
    expect(page.url()).toContain('/districts/E01');

    // A salon named with them.
    await page.goto(`${server.baseUrl}/districts/E01/salons/new`);
    await page.locator('#name').fill(ATTRIBUTE);
    await page.locator('#venue').fill(JS_URL);
    await page.locator('#opened_on').fill('2024-04-01');
    await submit(page);
    expect(page.url()).toMatch(/\/districts\/E01\/salons$/);

    // A case study titled and written with them.
    await page.goto(`${server.baseUrl}/districts/E01/case-studies/new`);
    const fy = page.locator('#fiscal_year');
    if ((await fy.evaluate((e: { tagName: string }) => e.tagName)) === 'SELECT') await fy.selectOption({ index: 1 });
    else await fy.fill('2024');
    await page.locator('#title').fill(SCRIPT);
    await page.locator('#body').fill(ALL);
    await submit(page);

    const salon = server.database.db.select().from(salons).orderBy(desc(salons.id)).get()!;
    const caseStudy = server.database.db.select().from(caseStudies).orderBy(desc(caseStudies.id)).get()!;
    expect(salon.name).toBe(ATTRIBUTE);
    expect(caseStudy.title).toBe(SCRIPT);
    expect(caseStudy.body).toBe(ALL);

    const pages = [
      '/',
      '/districts/E01',
      '/districts/E01/years/2024',
      '/districts/E01/reports/2024-04',
      '/districts/E01/history',
      '/districts/E01/salons',
      `/districts/E01/salons/${salon.id}/edit`,
      `/districts/E01/salons/${salon.id}/close`,
      '/districts/E01/case-studies',
      `/districts/E01/case-studies/${caseStudy.id}`,
      `/districts/E01/case-studies/${caseStudy.id}/edit`,
    ];
    for (const url of pages) await expectInert(page, url);

    // The text is shown as typed, not swallowed.
    await page.goto(`${server.baseUrl}/districts/E01/case-studies/${caseStudy.id}`);
    const text = await page.locator('main').innerText();
    expect(text).toContain(SCRIPT);
    expect(text).toContain(JS_URL);
    await page.goto(`${server.baseUrl}/districts/E01/reports/2024-04`);
    expect(await page.locator('#note').inputValue()).toBe(ALL);
    await page.goto(`${server.baseUrl}/districts/E01/salons/${salon.id}/edit`);
    expect(await page.locator('#name').inputValue()).toBe(ATTRIBUTE);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'security-xss-salon-edit.png'), fullPage: true });
    await context.close();

    // Ward and city staff see the same records on their pages.
    const ward = await signIn('ward-east');
    for (const url of [
      '/districts',
      '/districts/E01',
      '/districts/E01/history',
      '/districts/E01/salons',
      `/districts/E01/case-studies/${caseStudy.id}`,
      '/completeness',
    ]) {
      await expectInert(ward.page, url);
    }
    await ward.context.close();
    const city = await signIn('city');
    for (const url of ['/agendas', '/agendas/new', '/users', '/published-figures']) await expectInert(city.page, url);
    await city.context.close();

    expect(dialogs).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('a payload in the URL (next=, query strings) does not execute either', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    for (const url of [
      `/login?next=${encodeURIComponent(JS_URL)}`,
      `/login?next=${encodeURIComponent(`/"><script>window.__xss=1</script>`)}`,
      `/login?next=${encodeURIComponent('//example.invalid/')}`,
    ]) {
      await page.goto(`${server.baseUrl}${url}`);
      expect(await page.evaluate('window.__xss')).toBeUndefined();
      const next = await page.locator('input[name="next"]').inputValue();
      expect(next.startsWith('/') && !next.startsWith('//')).toBe(true);
    }
    // Signing in with a hostile next= stays on this site.
    await page.goto(`${server.baseUrl}/login?next=${encodeURIComponent('//example.invalid/')}`);
    await page.locator('#login').fill('city');
    await page.locator('#password').fill(TEST_PASSWORD);
    await page.locator('main form button[type="submit"]').click();
    await page.waitForLoadState('load');
    expect(new URL(page.url()).origin).toBe(server.baseUrl);
    await context.close();
    expect(dialogs).toEqual([]);
  });
});
