import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, SCREENSHOT_DIR, startServer, type RunningServer, signInOnPage } from '../support/browser.js';
import { addDistrict, seedSmallCity, TEST_PASSWORD } from '../support/app.js';
import { caseStudies } from '../../src/db/schema.js';
import { createDemoAgendaSheet, SEED_CASE_STUDIES } from '../../src/agendas/demo.js';
import { createPlanSchedule } from '../../src/plans/schedules.js';
import { createAgendaSheet, duplicateAgendaSheet } from '../../src/agendas/repository.js';
import { defaultTable } from '../../src/agendas/content.js';
import { formatCount } from '../../src/domain/numbers.js';
import { loadSeed000, NOT_AVAILABLE, SEED_000, SEED_000_LABELS } from './support.js';

const ROW_TITLES = [
  ['ふれあいネットワーク', '活動の見守り世帯数'],
  ['ふれあいネットワーク', '活動の助け合い件数'],
  ['連絡調整会議を定例的に', '開催する校(地)区数'],
  ['小地域福祉活動計画策定', '校(地)区数'],
  ['ウェルクラブ活動等の', '参加者数'],
  ['サロン開設数'],
  ['小地域福祉活動計画推進', '校(地)区数'],
];
const CIRCLED = ['①', '②', '③', '④', '⑤', '⑥', '⑦'];
// Words of the site's navigation and toolbar that must never reach paper
// (ホーム alone: case study ① says ホームページ).
const SCREEN_ONLY = [
  /ホーム(?!ページ)/,
  /ログアウト/,
  /推移表/,
  /パスワード変更/,
  /議題シート/,
  /印刷する/,
  /一覧へ戻る/,
  /確定済み/,
  /みまもり/,
  /CSV/,
  /Excel/,
];

function pdfText(file: string, args: string[] = []): string {
  return execFileSync('pdftotext', [...args, file, '-'], { encoding: 'utf8' });
}

function pageCount(file: string): number {
  return Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
}

/** Finds `tokens` one after another in `text`; returns the position after each, or fails naming the missing one. */
function expectInOrder(text: string, tokens: string[]): number[] {
  const positions: number[] = [];
  let at = 0;
  for (const token of tokens) {
    const found = text.indexOf(token, at);
    expect(found, `「${token}」 after position ${at}`).toBeGreaterThanOrEqual(0);
    at = found + token.length;
    positions.push(found);
  }
  return positions;
}

describe.skipIf(!browserAvailable)('agenda sheet printed from Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let demoId: number;
  let draftId: number;
  let manyTablesId: number;

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    server = await startServer();
    const ids = await seedSmallCity(server.database);
    const { db } = server.database;
    loadSeed000(db);
    // The two districts of seed 000's case studies, with the text they wrote.
    const now = new Date().toISOString();
    for (const seed of SEED_CASE_STUDIES) {
      const districtId = addDistrict(server.database, { code: seed.districtName === '田野浦校区' ? 'M01' : 'T01', name: seed.districtName, wardId: ids.wardA });
      db.insert(caseStudies).values({ districtId, fiscalYear: seed.fiscalYear, title: seed.title, body: seed.body, createdAt: now, updatedAt: now }).run();
      // Both scheduled to formulate their plan in R6: the ※ footnote under ④ is counted from these.
      createPlanSchedule(db, districtId, { scheduledFy: 2024, note: '' }, null);
    }
    demoId = createDemoAgendaSheet(db, null);
    draftId = duplicateAgendaSheet(db, demoId, 1).id;
    const tables = [defaultTable('items'), defaultTable('households'), defaultTable('items'), defaultTable('households')];
    tables.forEach((t, i) => (t.heading = `表その${i + 1}`));
    manyTablesId = createAgendaSheet(db, { heading: '表が多いシート', subheading: '', fromFy: 2019, toFy: 2023, content: { tables, sections: [] } }, null).id;

    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
    page = await context.newPage();
    await signInOnPage(page, server.baseUrl, 'city', TEST_PASSWORD);
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  async function printToPdf(url: string, name: string): Promise<string> {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(server.baseUrl + url);
    await page.emulateMedia({ media: 'print' });
    const file = join(SCREENSHOT_DIR, `${name}.pdf`);
    await page.pdf({ path: file, format: 'A4', preferCSSPageSize: true, printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    return file;
  }

  it('prints the demo sheet like seed 000: the whole table on page one, every figure and label in order, no navigation', async () => {
    const file = await printToPdf(`/agendas/${demoId}/print`, 'agenda-demo');
    const first = pdfText(file, ['-layout', '-f', '1', '-l', '1']);
    const all = pdfText(file, ['-layout']);

    expectInOrder(first, [
      '議題（１）ア 小地域福祉活動の状況',
      '（地域での見守り・助け合いのためのネットワークづくり）',
      '１ 前年度までの推移',
      'R1',
      'R2',
      'R3',
      'R4',
      'R5',
    ]);
    // Row by row: ①, the five figures (half-width, thousands separators) and the printed label.
    const tokens = CIRCLED.flatMap((c, i) => [c, ...SEED_000[String(i + 1)]!.map((v) => (v === null ? 'コロナ禍で正' : formatCount(v))), SEED_000_LABELS[i]!]);
    const positions = expectInOrder(first, tokens);
    const rowStarts = CIRCLED.map((_, i) => positions[i * 7]!);
    // Each row's title sits with its row (the layout may put it above or below the figures' line).
    ROW_TITLES.forEach((parts, i) => {
      const from = i === 0 ? first.indexOf('R5') : positions[i * 7 - 1]!;
      const to = i + 1 < CIRCLED.length ? rowStarts[i + 1]! : first.indexOf('※ 小地域');
      const segment = first.slice(from, to);
      for (const part of parts) expect(segment, `row ${CIRCLED[i]} title`).toContain(part);
    });
    // 2 of the 5 districts (none has a plan) are scheduled for R6; 3 remain.
    expect(first.slice(positions[positions.length - 1])).toContain('※ 小地域福祉活動計画はＲ６年度２校(地)区策定予定で、残り３校(地)区');
    // The not-available reason is printed whole in its cell.
    expect(pdfText(file, ['-raw', '-f', '1', '-l', '1']).replace(/\s+/g, '')).toContain(NOT_AVAILABLE);

    // Then the sections and case studies, in order.
    expectInOrder(all.replace(/[ \t]+/g, ' '), [
      '２ ふれあいネットワーク活動（見守り・話し合い・助け合い）の状況（項目①～③）',
      '【取組事例①】',
      '田野浦校区社会福祉協議会では',
      '【取組事例②】',
      '西戸畑地区社会福祉協議会では',
      '３ 地域共生社会実現のための活動の状況（項目④～⑦）',
      '４ 小地域福祉活動支援事業と生活困窮者自立支援・重層的支援体制整備との関係性',
    ]);
    for (const word of SCREEN_ONLY) expect(all, `${word} must not be on paper`).not.toMatch(word);
    expect(pageCount(file)).toBeLessThanOrEqual(3);

    execFileSync('pdftoppm', ['-png', '-r', '80', file, join(SCREENSHOT_DIR, 'agenda-demo-page')]);
  }, 120_000);

  it('keeps each table whole on one page when several do not fit on the first', async () => {
    const file = await printToPdf(`/agendas/${manyTablesId}/print`, 'agenda-many-tables');
    const pages = pageCount(file);
    expect(pages).toBeGreaterThan(1);
    const texts = Array.from({ length: pages }, (_, i) => pdfText(file, ['-layout', '-f', String(i + 1), '-l', String(i + 1)]));
    for (const [i, lastRow] of [
      ['1', '⑦'],
      ['2', '計'],
      ['3', '⑦'],
      ['4', '計'],
    ] as const) {
      const onPage = texts.findIndex((t) => t.includes(`表その${i}`));
      expect(onPage, `表その${i}`).toBeGreaterThanOrEqual(0);
      const text = texts[onPage]!;
      const start = text.indexOf(`表その${i}`);
      const next = text.indexOf(`表その${Number(i) + 1}`);
      const rest = text.slice(start, next > start ? next : undefined);
      expect(rest, `表その${i} ends on the page it starts`).toContain(lastRow);
      expect(rest).toContain('R5');
    }
    execFileSync('pdftoppm', ['-png', '-r', '50', file, join(SCREENSHOT_DIR, 'agenda-many-tables-page')]);
  }, 120_000);

  it('shows the print view, the editor, the finalised sheet and a chart on desktop and tablet', async () => {
    const views: [string, string, string][] = [
      ['agenda-print', `/agendas/${demoId}/print`, '133,382'],
      ['agenda-editor', `/agendas/${draftId}/edit`, '計算した傾向'],
      ['agenda-finalized', `/agendas/${demoId}/edit`, '確定済み'],
      ['agenda-list', '/agendas', '議題（１）ア 小地域福祉活動の状況'],
      ['chart-item3', '/charts/trend?scope=city&item=3&from=R1&to=R5', 'コロナ禍で正確な統計不可'],
      ['trends-sparklines', '/trends?scope=city&from=R1&to=R5', '133,382'],
    ];
    for (const [name, url, text] of views) {
      for (const [width, height, device] of [
        [1280, 900, 'desktop'],
        [820, 1180, 'tablet'],
      ] as const) {
        await page.setViewportSize({ width, height });
        await page.goto(server.baseUrl + url);
        await expect.poll(() => page.locator('main').innerText()).toContain(text);
        await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${device}.png`), fullPage: true });
      }
    }
    // The editor's first rows, close up: the computed label beside the override fields.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.baseUrl}/agendas/${draftId}/edit`);
    const firstTable = page.locator('fieldset.table-editor').first();
    await firstTable.screenshot({ path: join(SCREENSHOT_DIR, 'agenda-editor-table.png') });
    const row2 = await page.locator('tbody.row-group').nth(1).innerText();
    expect(row2).toContain('やや増加');
    expect(await page.locator('[name="t0.r.2.text"]').inputValue()).toBe('増加');
    // The chart is an SVG drawn on the server, with no script of its own.
    await page.goto(`${server.baseUrl}/charts/trend?scope=city&item=1&from=R1&to=R5`);
    expect(await page.locator('svg.line-chart path.series').count()).toBe(1);
    expect(await page.locator('script:not([src])').count()).toBe(0);
  }, 240_000);
});
