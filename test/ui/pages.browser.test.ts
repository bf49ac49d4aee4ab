/**
 * Every page of every demo role at a tablet (768 × 1024) and an office PC (1280 × 900):
 * nothing wider than the viewport, every "must fit" table (data-fit) inside it, sideways
 * scrolling only inside a marked scroll box (data-scroll), no header squeezed to one character
 * a line, and axe-core (WCAG 2.1 A/AA) with 0 violations, also on error states.
 *
 * UI_SCREENSHOTS=<folder> saves a full-page screenshot of every page at both sizes there.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, startServer, type RunningServer, signInOnPage } from '../support/browser.js';
import { DEMO_PASSWORD } from '../../src/demo/demoCity.js';
import { DEMO_DISTRICT, DEMO_LOGINS, formStatesOf, pagesOf, type DemoRole, type FormState } from './pages.js';
import { currentMonth, previousMonth } from '../../src/domain/fiscalYear.js';

const SIZES = [
  { name: '768', width: 768, height: 1024 },
  { name: '1280', width: 1280, height: 900 },
] as const;
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PROBE_PATH = fileURLToPath(new URL('./probe.js', import.meta.url));
const SHOTS = process.env.UI_SCREENSHOTS;

interface LayoutFacts {
  viewport: number;
  scrollWidth: number;
  fitTables: { name: string; left: number; right: number }[];
  unmarkedScrollers: string[];
  squeezedHeaders: string[];
}

/** Measures the layout in the page: overflow of the document, tables and scroll boxes, header breaks, captions. */
async function layoutFacts(page: Page): Promise<LayoutFacts> {
  await page.addScriptTag({ path: PROBE_PATH });
  return page.evaluate<LayoutFacts>('mimamoriLayoutFacts()');
}

/** Runs axe-core with the WCAG 2.1 A/AA rules and returns one line per violation. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate<string[]>(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} } })
    .then((result) => result.violations.map((v) => v.id + ': ' + v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)).join(' ')))`);
}

/** Checks the page as it is now at both sizes; returns what is wrong, prefixed with the page's name. */
async function checkPage(page: Page, name: string, role: string): Promise<string[]> {
  const problems: string[] = [];
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    const at = `${role} ${name} @${size.name}`;
    const f = await layoutFacts(page);
    if (f.scrollWidth > f.viewport) problems.push(`${at}: page is ${f.scrollWidth}px wide in a ${f.viewport}px viewport`);
    for (const t of f.fitTables) {
      if (t.right > f.viewport + 0.5 || t.left < -0.5)
        problems.push(`${at}: table "${t.name}" spans ${Math.round(t.left)}–${Math.round(t.right)}px, outside ${f.viewport}px`);
    }
    for (const s of f.unmarkedScrollers) problems.push(`${at}: "${s}" scrolls sideways outside a marked scroll box`);
    for (const h of f.squeezedHeaders) problems.push(`${at}: ${h}`);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${role}-${name}-${size.name}.png`), fullPage: true, timeout: 120_000 });
    // axe-core at the tablet size, for every role on every page it can open: a page shared by
    // roles shows each a different menu, different links and (ward, city) different columns.
    if (size.name === '768') {
      for (const v of await axeViolations(page)) problems.push(`${at}: axe ${v}`);
    }
  }
  return problems;
}

describe.skipIf(!browserAvailable)('every page fits a tablet and a PC, and passes axe-core (WCAG 2.1 A/AA)', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
  });

  async function newPage(): Promise<Page> {
    // bypassCSP: the app's CSP (rightly) refuses the injected axe-core script.
    const context = await browser.newContext({ viewport: SIZES[0], locale: 'ja-JP', bypassCSP: true });
    contexts.push(context);
    return context.newPage();
  }

  /** Opens the state's page, types its fields into its form and submits it as the browser would (without script's confirm()). */
  async function submitState(page: Page, state: FormState): Promise<number> {
    await page.goto(server.baseUrl + state.page);
    const form = page.locator(`form[action="${state.action}"]`).first();
    for (const [name, value] of Object.entries(state.fields)) {
      const field = form.locator(`[name="${name}"]`).first();
      // A hidden field (a stale version, for the conflict pages) is set as a page opened earlier would carry it.
      if ((await field.getAttribute('type')) === 'hidden') await field.evaluate((el, v) => ((el as unknown as { value: string }).value = v), value);
      else await field.fill(value);
    }
    const [response] = await Promise.all([page.waitForNavigation(), form.evaluate((f) => (f as unknown as { submit(): void }).submit())]);
    return response?.status() ?? 0;
  }

  for (const role of ['district', 'ward', 'city'] as DemoRole[]) {
    it.concurrent(`the error states and confirmation pages of the ${role} user`, { timeout: 900_000 }, async () => {
      const page = await newPage();
      await signInOnPage(page, server.baseUrl, DEMO_LOGINS[role], DEMO_PASSWORD);
      const fetchHtml = async (url: string) => (await page.request.get(server.baseUrl + url)).text();
      const states = await formStatesOf(role, fetchHtml);
      expect(states.length).toBeGreaterThanOrEqual(role === 'city' ? 8 : 4);
      const problems: string[] = [];
      for (const state of states) {
        const status = await submitState(page, state);
        if (status !== state.status) {
          problems.push(`${role} ${state.name}: answered ${status}, expected ${state.status}`);
          continue;
        }
        if (state.status === 422) {
          expect(await page.locator('.error-summary').count(), `${role} ${state.name}`).toBeGreaterThan(0);
          expect(await page.title(), `${role} ${state.name}`).toMatch(/^エラー：/);
        }
        problems.push(...(await checkPage(page, state.name, role)));
      }
      expect(problems).toEqual([]);
    });
  }

  for (const role of ['district', 'ward', 'city'] as DemoRole[]) {
    // The roles run side by side (one browser, a context each) to keep the suite quick.
    it.concurrent(`every page of the ${role} user`, { timeout: 900_000 }, async () => {
      const page = await newPage();
      await signInOnPage(page, server.baseUrl, DEMO_LOGINS[role], DEMO_PASSWORD);
      const fetchHtml = async (url: string) => (await page.request.get(server.baseUrl + url)).text();
      const pages = await pagesOf(role, fetchHtml);
      expect(pages.length).toBeGreaterThan(10);
      const problems: string[] = [];
      for (const p of pages) {
        const response = await page.goto(server.baseUrl + p.url);
        if (!response || response.status() !== 200) {
          problems.push(`${role} ${p.name}: ${p.url} answered ${response?.status()}`);
          continue;
        }
        problems.push(...(await checkPage(page, p.name, role)));
      }
      expect(problems).toEqual([]);
    });
  }

  it('focus is high-contrast (yellow with a dark bar), on links, buttons and fields', { timeout: 30_000 }, async () => {
    const page = await newPage();
    await page.goto(`${server.baseUrl}/login`);
    const focused = async (selector: string) => {
      await page.focus(selector);
      return page.evaluate<{ background: string; outline: string; shadow: string }>(
        `(() => { const s = getComputedStyle(document.activeElement); return { background: s.backgroundColor, outline: s.outlineColor, shadow: s.boxShadow }; })()`,
      );
    };
    const yellow = 'rgb(255, 221, 0)';
    const button = await focused('button[type=submit]');
    expect(button.background).toBe(yellow);
    expect(button.shadow).toContain('rgb(11, 12, 12)');
    const field = await focused('input[name=login]');
    expect(field.outline).toBe(yellow);
    expect(field.shadow).toContain('rgb(11, 12, 12)');
    const skip = await focused('a.skip');
    expect(skip.background).toBe(yellow);
  });

  it('the error states: a monthly form with an error, the sign-in page with an error', { timeout: 60_000 }, async () => {
    const page = await newPage();
    const problems: string[] = [];
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('ログインID').fill('demo-district');
    await page.getByLabel('パスワード').fill('not-the-password');
    await page.getByRole('button', { name: 'ログインする' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.error-summary, .field-error').count()).toBeGreaterThan(0);
    problems.push(...(await checkPage(page, 'login-error', 'anyone')));

    await signInOnPage(page, server.baseUrl, DEMO_LOGINS.district, DEMO_PASSWORD);
    await page.goto(`${server.baseUrl}/districts/${DEMO_DISTRICT}/reports/${previousMonth(currentMonth())}`);
    await page.locator('input.count').first().fill('たくさん');
    await Promise.all([page.waitForNavigation(), page.locator('form button.primary[type=submit]').first().click()]);
    expect(await page.locator('.error-summary').count()).toBe(1);
    problems.push(...(await checkPage(page, 'monthly-form-error', 'district')));
    expect(problems).toEqual([]);
  });
});
