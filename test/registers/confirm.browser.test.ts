import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { browserAvailable, launchBrowser, startServer, type RunningServer, signInOnPage } from '../support/browser.js';
import { seedSmallCity, TEST_PASSWORD } from '../support/app.js';
import { agendaSheets, closedFiscalYears, salons, users } from '../../src/db/schema.js';
import { createSalon } from '../../src/salons/repository.js';
import { createAgendaSheet } from '../../src/agendas/repository.js';
import { defaultTable } from '../../src/agendas/content.js';
import { storeReport, typicalValues } from '../monthlyReports/helpers.js';

/*
 * Issue 12, finding 6: without JavaScript, no click destroys data. Every
 * destructive or irreversible action first shows a server-rendered confirmation
 * page with a red button and 「やめて戻る」; 印刷する appears only where script runs.
 */
const SHOTS = '/tmp/shots/h6';
const SIZES = { w768: { width: 768, height: 1024 }, w1280: { width: 1280, height: 900 } } as const;
const WARNING_RED = 'rgb(179, 38, 30)';

describe.skipIf(!browserAvailable)('confirmation pages without JavaScript, in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let ids: Awaited<ReturnType<typeof seedSmallCity>>;
  let salonId: number;
  let sheetId: number;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startServer();
    ids = await seedSmallCity(server.database);
    const { db } = server.database;
    salonId = createSalon(
      db,
      ids.d1,
      { name: 'ふれあいサロン', venue: '市民センター', openedOn: '2024-04-01', closedOn: null, subsidyApplied: false },
      null,
    ).id;
    storeReport(server.database, ids.d1, '2023-05', typicalValues());
    sheetId = createAgendaSheet(
      db,
      { heading: '見守り活動の推移', subheading: '', fromFy: 2019, toFy: 2023, content: { tables: [defaultTable('items')], sections: [] } },
      null,
    ).id;
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  async function signIn(login: string, javaScript = false): Promise<Page> {
    const context = await browser.newContext({ viewport: SIZES.w768, locale: 'ja-JP', javaScriptEnabled: javaScript });
    contexts.push(context);
    const page = await context.newPage();
    await signInOnPage(page, server.baseUrl, login, TEST_PASSWORD);
    return page;
  }

  async function shoot(page: Page, name: string) {
    for (const [size, viewport] of Object.entries(SIZES)) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage: true });
    }
    await page.setViewportSize(SIZES.w768);
  }

  /** What the test reads of an element in the page (the test program has no DOM types). */
  interface StyledElement {
    ownerDocument: { defaultView: { getComputedStyle: (el: StyledElement) => { backgroundColor: string } } | null };
  }
  /** On a confirmation page: its heading, and its red button. */
  async function expectConfirmation(page: Page, heading: RegExp, button: string) {
    expect(await page.locator('h1').innerText()).toMatch(heading);
    const red = page.getByRole('button', { name: button, exact: true });
    expect(await red.evaluate((el: StyledElement) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor)).toBe(WARNING_RED);
    expect(await page.getByRole('link', { name: 'やめて戻る' }).count()).toBe(1);
  }

  it('deleting a salon asks on its own page; やめて戻る keeps it', { timeout: 60_000 }, async () => {
    const page = await signIn('district-e01');
    const salonRow = () => server.database.db.select().from(salons).where(eq(salons.id, salonId)).get();
    await page.goto(`${server.baseUrl}/districts/E01/salons/${salonId}/edit`);
    await page.getByRole('button', { name: 'このサロンを削除する' }).click();
    await expectConfirmation(page, /サロン「ふれあいサロン」を削除しますか/, '削除する');
    expect(salonRow()).toBeDefined();
    await shoot(page, 'confirm-salon-delete');
    await page.getByRole('link', { name: 'やめて戻る' }).click();
    expect(salonRow()).toBeDefined();

    await page.getByRole('button', { name: 'このサロンを削除する' }).click();
    await page.getByRole('button', { name: '削除する', exact: true }).click();
    await page.waitForURL(`${server.baseUrl}/districts/E01/salons`);
    expect(salonRow()).toBeUndefined();

    // The history names the deleted salon's dates in wareki, as every other page does.
    await page.goto(`${server.baseUrl}/districts/E01/history`);
    const deleted = await page.locator('.history-entry', { hasText: 'ふれあいサロン' }).first().innerText();
    expect(deleted).toContain('令和6年4月1日');
    expect(deleted).not.toContain('2024-04-01');
    await shoot(page, 'history');
  });

  it('closing a fiscal year goes through a confirmation page from a secondary button', { timeout: 60_000 }, async () => {
    const page = await signIn('city');
    await page.goto(`${server.baseUrl}/fiscal-years`);
    // No row of primary buttons: each year's button is a secondary one.
    expect(await page.locator('button.primary', { hasText: '年度確定する' }).count()).toBe(0);
    await shoot(page, 'fiscal-years');
    await page.locator('tr[data-fy="2023"] button', { hasText: '年度確定する' }).click();
    await expectConfirmation(page, /令和5年度を年度確定しますか/, '年度確定する');
    expect(server.database.db.select().from(closedFiscalYears).all()).toHaveLength(0);
    await shoot(page, 'confirm-fiscal-year-close');
    await page.getByRole('button', { name: '年度確定する', exact: true }).click();
    await page.waitForURL(`${server.baseUrl}/fiscal-years`);
    expect(server.database.db.select().from(closedFiscalYears).all()).toHaveLength(1);

    await page.locator('tr[data-fy="2023"] button', { hasText: '再開する' }).click();
    await expectConfirmation(page, /令和5年度の年度確定を取り消しますか/, '年度確定を取り消す');
    await page.getByRole('button', { name: '年度確定を取り消す' }).click();
    await page.waitForURL(`${server.baseUrl}/fiscal-years`);
    expect(server.database.db.select().from(closedFiscalYears).all()).toHaveLength(0);
  });

  it('suspending a user goes through a confirmation page', { timeout: 60_000 }, async () => {
    const page = await signIn('city');
    await page.goto(`${server.baseUrl}/users`);
    const target = server.database.db.select().from(users).where(eq(users.login, 'district-w01')).get()!;
    await page.locator(`form[action="/users/${target.id}/disable"] button`).click();
    await expectConfirmation(page, /district-w01.*を停止しますか/, '停止する');
    expect(server.database.db.select().from(users).where(eq(users.id, target.id)).get()!.disabled).toBe(false);
    await shoot(page, 'confirm-user-disable');
    await page.getByRole('button', { name: '停止する', exact: true }).click();
    await page.waitForURL(`${server.baseUrl}/users`);
    expect(server.database.db.select().from(users).where(eq(users.id, target.id)).get()!.disabled).toBe(true);
  });

  it('finalising and unfinalising an agenda sheet go through confirmation pages', { timeout: 60_000 }, async () => {
    const page = await signIn('city');
    const sheet = () => server.database.db.select().from(agendaSheets).where(eq(agendaSheets.id, sheetId)).get()!;
    await page.goto(`${server.baseUrl}/agendas/${sheetId}/edit`);
    await page.getByRole('button', { name: '確定する', exact: true }).click();
    await expectConfirmation(page, /「見守り活動の推移」を確定しますか/, '確定する');
    expect(sheet().finalizedAt).toBeNull();
    await shoot(page, 'confirm-agenda-finalize');
    await page.getByRole('button', { name: '確定する', exact: true }).click();
    await page.waitForURL(`${server.baseUrl}/agendas/${sheetId}/edit`);
    expect(sheet().finalizedAt).not.toBeNull();

    await page.getByRole('button', { name: '確定を解除する' }).click();
    await expectConfirmation(page, /確定を解除しますか/, '確定を解除する');
    await page.getByRole('button', { name: '確定を解除する' }).click();
    await page.waitForURL(`${server.baseUrl}/agendas/${sheetId}/edit`);
    expect(sheet().finalizedAt).toBeNull();
  });

  it('印刷する is shown, with the A4 hint, only where script runs', { timeout: 60_000 }, async () => {
    const noScript = await signIn('city');
    await noScript.goto(`${server.baseUrl}/agendas/${sheetId}/print`);
    expect(await noScript.getByRole('button', { name: '印刷する' }).count()).toBe(0);
    expect(await noScript.locator('.print-hint').isVisible()).toBe(false);

    const withScript = await signIn('city', true);
    await withScript.goto(`${server.baseUrl}/agendas/${sheetId}/print`);
    await withScript.getByRole('button', { name: '印刷する' }).waitFor();
    expect(await withScript.locator('.print-hint').innerText()).toBe('印刷の設定で『ヘッダーとフッター』を外し、用紙をA4縦にしてください。');
    await shoot(withScript, 'agenda-print-toolbar');
  });

  it('links a district’s salons, plans and case studies for ward staff', { timeout: 60_000 }, async () => {
    const page = await signIn('ward-east');
    await page.goto(`${server.baseUrl}/districts`);
    await page.getByRole('link', { name: '東一校区のサロン' }).click();
    await page.waitForURL(`${server.baseUrl}/districts/E01/salons`);
    await page.goto(`${server.baseUrl}/districts/E01/years/2023`);
    await page.getByRole('link', { name: '取組事例' }).click();
    await page.waitForURL(`${server.baseUrl}/districts/E01/case-studies`);
    await page.goto(`${server.baseUrl}/districts`);
    await shoot(page, 'districts-links');
    await page.goto(`${server.baseUrl}/districts/E01/years/2023`);
    await shoot(page, 'district-year-links');
  });
});
