import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, SCREENSHOT_DIR, startServer, type RunningServer, signInOnPage } from '../support/browser.js';
import { seedSmallCity, TEST_PASSWORD } from '../support/app.js';
import { createPlan } from '../../src/plans/repository.js';
import { createCaseStudy } from '../../src/caseStudies/repository.js';
import { createSalon } from '../../src/salons/repository.js';
import { allSalons } from './helpers.js';

const VIEWPORTS = [
  { name: 'tablet', width: 820, height: 1180 },
  { name: 'desktop', width: 1280, height: 900 },
] as const;

describe.skipIf(!browserAvailable)('district registers in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let districtId: number;

  beforeAll(async () => {
    server = await startServer();
    districtId = (await seedSmallCity(server.database)).d1;
    browser = await launchBrowser();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(login: string, viewport: { width: number; height: number }) {
    const context = await browser.newContext({ viewport, locale: 'ja-JP' });
    const page = await context.newPage();
    await signInOnPage(page, server.baseUrl, login, TEST_PASSWORD);
    return { context, page };
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

  it('a district user adds a salon with a wareki date and sees it in the list', async () => {
    const { context, page } = await signIn('district-e01', VIEWPORTS[0]);
    await page.getByRole('link', { name: 'サロン', exact: true }).first().click();
    await page.waitForURL(`${server.baseUrl}/districts/E01/salons`);
    await page.getByRole('link', { name: 'サロンを登録する' }).click();
    await page.getByLabel('サロンの名前（必須）').fill('ふれあいサロン東一');
    await page.getByLabel('会場').fill('東一市民センター');
    await page.getByLabel('開設日（必須）').fill('令和６年４月１日');
    await page.getByLabel('立ち上げ助成金を申請した').check();
    await page.getByRole('button', { name: '登録する' }).click();
    await page.waitForURL(`${server.baseUrl}/districts/E01/salons`);
    await expect.poll(() => page.locator('.flash').innerText()).toContain('ふれあいサロン東一');
    const row = page.locator('table.register-table tbody tr', { hasText: 'ふれあいサロン東一' });
    expect(await row.count()).toBe(1);
    const text = await row.innerText();
    expect(text).toContain('東一市民センター');
    expect(text).toContain('令和6年4月1日');
    expect(text).toContain('あり');
    expect(allSalons(server.database)).toMatchObject([{ name: 'ふれあいサロン東一', openedOn: '2024-04-01', subsidyApplied: true }]);
    await context.close();
  }, 60_000);

  it('asks before deleting, and deletes only when confirmed', async () => {
    const salon = createSalon(
      server.database.db,
      districtId,
      { name: '間違えたサロン', venue: '', openedOn: '2024-05-01', closedOn: null, subsidyApplied: false },
      null,
    );
    const { context, page } = await signIn('district-e01', VIEWPORTS[1]);
    await page.goto(`${server.baseUrl}/districts/E01/salons/${salon.id}/edit`);
    page.once('dialog', (d) => void d.dismiss());
    await page.getByRole('button', { name: 'このサロンを削除する' }).click();
    expect(allSalons(server.database).some((s) => s.id === salon.id)).toBe(true);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'このサロンを削除する' }).click();
    await page.waitForURL(`${server.baseUrl}/districts/E01/salons`);
    expect(allSalons(server.database).some((s) => s.id === salon.id)).toBe(false);
    await context.close();
  }, 60_000);

  it('takes screenshots of every register page at tablet and desktop sizes', async () => {
    const db = server.database.db;
    const salon = createSalon(
      db,
      districtId,
      { name: '東一いきいきサロン', venue: '東一小学校 ふれあいルーム', openedOn: '2019-06-01', closedOn: null, subsidyApplied: true },
      null,
    );
    createSalon(db, districtId, { name: '旧・ひまわりサロン', venue: '自治会館', openedOn: '2012-04-01', closedOn: '2024-03-31', subsidyApplied: false }, null);
    const plan = createPlan(db, districtId, { generation: 2, formulatedFy: 2024, firstFy: 2025, lastFy: 2029 }, null);
    createPlan(db, districtId, { generation: 1, formulatedFy: 2019, firstFy: 2020, lastFy: 2024 }, null);
    const cs = createCaseStudy(
      db,
      districtId,
      {
        fiscalYear: 2024,
        title: '見守り活動から始まった買い物支援',
        body: '見守り訪問の中で、買い物に困っている高齢の方が多いことが分かりました。\n\nそこで、福祉協力員が週に一度、\n  地域の商店まで一緒に歩いて出かける取組を始めました。\n\n参加した方からは「外に出るのが楽しみになった」という声が寄せられています。',
      },
      null,
    );
    for (const vp of VIEWPORTS) {
      const { context, page } = await signIn('district-e01', vp);
      const base = `${server.baseUrl}/districts/E01`;
      const pages: [string, string][] = [
        ['salons-list', `${base}/salons`],
        ['salons-new', `${base}/salons/new`],
        ['salons-edit', `${base}/salons/${salon.id}/edit`],
        ['salons-close', `${base}/salons/${salon.id}/close`],
        ['plans-list', `${base}/plans`],
        ['plans-edit', `${base}/plans/${plan.id}/edit`],
        ['case-studies-list', `${base}/case-studies`],
        ['case-studies-show', `${base}/case-studies/${cs.id}`],
        ['case-studies-edit', `${base}/case-studies/${cs.id}/edit`],
      ];
      for (const [name, url] of pages) {
        const res = await page.goto(url);
        expect(res?.status(), url).toBe(200);
        await shot(page, `registers-${name}-${vp.name}`);
      }
      // A failed form: messages beside the fields and a summary at the top.
      await page.goto(`${base}/salons/new`);
      await page.getByLabel('開設日（必須）').fill('令和6年2月30日');
      await page.getByLabel('閉鎖日').fill('きのう');
      await page.getByRole('button', { name: '登録する' }).click();
      await page.locator('.error-summary').waitFor();
      expect(await page.locator('.field-error').count()).toBe(3);
      await shot(page, `registers-salons-errors-${vp.name}`);
      await page.goto(`${base}/plans/new`);
      await page.getByLabel('策定年度（必須）').fill('R9');
      await page.getByLabel('推進期間の最初の年度（必須）').fill('R8');
      await page.getByLabel('推進期間の最後の年度（必須）').fill('R7');
      await page.getByRole('button', { name: '登録する' }).click();
      await page.locator('.error-summary').waitFor();
      await shot(page, `registers-plans-errors-${vp.name}`);
      await context.close();
    }
  }, 180_000);

  it('shows the conflict page when two people edit the same case study', async () => {
    const cs = createCaseStudy(server.database.db, districtId, { fiscalYear: 2024, title: '同時に直す事例', body: '最初の本文です。' }, null);
    const url = `${server.baseUrl}/districts/E01/case-studies/${cs.id}/edit`;
    const a = await signIn('district-e01', VIEWPORTS[0]);
    const b = await signIn('ward-east', VIEWPORTS[0]);
    await a.page.goto(url);
    await b.page.goto(url);
    await a.page.getByLabel('本文（必須）').fill('Aさんが直した本文です。');
    await a.page.getByRole('button', { name: '変更を保存する' }).click();
    await a.page.waitForURL(`${server.baseUrl}/districts/E01/case-studies`);
    await b.page.getByLabel('本文（必須）').fill('Bさんが直した本文です。\n二行目。');
    const response = b.page.waitForResponse((r) => r.url() === url && r.request().method() === 'POST');
    await b.page.getByRole('button', { name: '変更を保存する' }).click();
    expect((await response).status()).toBe(409);
    await b.page.locator('#conflict').waitFor();
    expect(await b.page.locator('#conflict').innerText()).toContain('Aさんが直した本文です。');
    expect(await b.page.getByLabel('本文（必須）').inputValue()).toBe('Bさんが直した本文です。\n二行目。');
    await shot(b.page, 'registers-case-studies-conflict-tablet');
    await b.page.setViewportSize(VIEWPORTS[1]);
    await shot(b.page, 'registers-case-studies-conflict-desktop');
    await a.context.close();
    await b.context.close();
  }, 120_000);
});
