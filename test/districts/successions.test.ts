import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { auditEvents, districts, districtYearFigures, plans, salons, successionEvents } from '../../src/db/schema.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { createSalon } from '../../src/salons/repository.js';
import { createPlan } from '../../src/plans/repository.js';
import { splitCodes } from '../../src/successions/routes.js';
import { warekiMonthToIso } from '../../src/domain/dates.js';
import { createTestApp, monthlyValues, seedSmallCity, signedIn, type Client, type TestContext } from '../support/app.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => {
  await ctx.close();
});

const db = () => ctx.database.db;
const districtByCode = (code: string) => db().select().from(districts).where(eq(districts.code, code)).get()!;
const figureRow = (districtId: number, fy: number) =>
  db()
    .select()
    .from(districtYearFigures)
    .where(and(eq(districtYearFigures.districtId, districtId), eq(districtYearFigures.fiscalYear, fy)))
    .get();

/** Hidden inputs of a page, as the browser would post them back. */
function hiddenFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    if (m[1] !== '_csrf')
      out[m[1]!] = m[2]!
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>');
  }
  return out;
}

/** Adds a district through the page, as a city user does before recording a merge. */
async function addDistrictOnPage(city: Client, code: string, name: string, kana: string, wardId: number) {
  await city.get('/districts/new');
  const res = await city.post('/districts/new', { code, name, kana, ward: String(wardId), active_from: '令和6年度' });
  expect(res.statusCode).toBe(303);
  return districtByCode(code).id;
}

describe('reading what people type on the succession page', () => {
  it('reads a first month written in an era, and leaves other writings to the service', () => {
    expect(warekiMonthToIso('令和6年10月')).toBe('2024-10');
    expect(warekiMonthToIso('Ｒ６．１０')).toBe('2024-10');
    expect(warekiMonthToIso('令和元年5月')).toBe('2019-05');
    expect(warekiMonthToIso('平成31年4月')).toBe('2019-04');
    expect(warekiMonthToIso('2024-10')).toBe('2024-10');
    expect(warekiMonthToIso('令和6年13月')).toBe('令和6年13月');
  });

  it('splits codes on spaces, commas and 、 with full-width letters folded', () => {
    expect(splitCodes(' Ｅ０１、E02,  W01 ')).toEqual(['E01', 'E02', 'W01']);
    expect(splitCodes('')).toEqual([]);
  });
});

describe('統合・分割の記録 (/successions)', () => {
  it('records a merge from the page: confirmation first, then the event, active years, moved salons and plans, and the figures follow', async () => {
    const salon = createSalon(db(), ids.d1, { name: 'ひだまりサロン', venue: '公民館', openedOn: '2020-04-01', closedOn: null, subsidyApplied: true }, null);
    createPlan(db(), ids.d2, { generation: 1, formulatedFy: 2022, firstFy: 2022, lastFy: 2026 }, null);
    for (const month of ['2024-04', '2024-09']) {
      saveMonthlyReport(db(), { districtId: ids.d1, month, values: monthlyValues({ watched_elderly: 200 }), userId: null });
      saveMonthlyReport(db(), { districtId: ids.d2, month, values: monthlyValues({ watched_elderly: 100 }), userId: null });
    }
    const city = await signedIn(ctx.app, 'city');
    const e03 = await addDistrictOnPage(city, 'E03', '東三校区', 'ひがしさん', ids.wardA);

    // Step 1: the ward's districts as checkboxes.
    const form = await city.get(`/successions/new?ward=${ids.wardA}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('id="pre-E01"');
    expect(form.body).toContain('id="suc-E03"');

    // Step 2: what will happen; nothing recorded yet.
    const ask = await city.post('/successions/new', {
      label: '東三校区の統合',
      first_month: '令和6年10月',
      ward: String(ids.wardA),
      predecessor: ['E01', 'E02'],
      successor: 'E03',
      next: '1',
    });
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('「東三校区の統合」を記録しますか');
    expect(ask.body).toContain('元の校(地)区は令和6年9月分まで報告し');
    expect(ask.body).toContain('サロン「ひだまりサロン」');
    expect(ask.body).toContain('第一次小地域福祉活動計画');
    expect(db().select().from(successionEvents).all()).toEqual([]);
    expect(districtByCode('E01').activeTo).toBeNull();
    expect(db().select().from(salons).all()).toHaveLength(1);

    // Record.
    const done = await city.post('/successions/new', hiddenFields(ask.body));
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/successions');
    const [event] = db().select().from(successionEvents).all();
    expect(event).toMatchObject({ label: '東三校区の統合', firstMonth: '2024-10' });
    expect(districtByCode('E01').activeTo).toBe(2024);
    expect(districtByCode('E02').activeTo).toBe(2024);
    expect(districtByCode('E03').activeFrom).toBe(2024);
    // The salon opened before the event: its history stays with E01, and E03 carries it on from October.
    const salonRows = db().select().from(salons).all();
    expect(salonRows.find((s) => s.id === salon.id)).toMatchObject({ districtId: ids.d1, closedOn: '2024-10-01' });
    expect(salonRows.find((s) => s.id !== salon.id)).toMatchObject({ districtId: e03, name: 'ひだまりサロン', openedOn: '2024-10-01', closedOn: null });
    expect(
      db()
        .select()
        .from(plans)
        .all()
        .some((p) => p.districtId === e03 && p.lastFy === 2026),
    ).toBe(true);
    expect(db().select().from(auditEvents).where(eq(auditEvents.entity, 'succession')).all()).toHaveLength(1);
    expect(db().select().from(auditEvents).where(eq(auditEvents.action, 'move')).all().length).toBeGreaterThanOrEqual(2);
    // Year-end figures belong to the successor.
    expect(figureRow(e03, 2024)).toMatchObject({ salonsOpen: 1, planActive: 1 });
    expect(figureRow(ids.d1, 2024)?.salonsOpen ?? 0).toBe(0);
    expect(figureRow(ids.d1, 2025)?.active ?? 0).toBe(0);

    // The list shows it, in wareki.
    const list = await city.get('/successions');
    expect(list.body).toContain('「東三校区の統合」を記録しました。');
    expect(list.body).toContain('令和6年10月');
    expect(list.body).toContain('<a href="/districts/E01">東一校区</a>');
    expect(list.body).toContain('<a href="/districts/E03">東三校区</a>');

    // Each district's page names the other side of the event, with links.
    const successorPage = await city.get('/districts/E03/years/2024');
    expect(successorPage.body).toContain('前身の校(地)区');
    expect(successorPage.body).toContain('<a href="/districts/E01">東一校区</a>');
    expect(successorPage.body).toContain('<a href="/districts/E02">東二校区</a>');
    const predecessorPage = await city.get('/districts/E01/years/2024');
    expect(predecessorPage.body).toContain('後継の校(地)区');
    expect(predecessorPage.body).toContain('<a href="/districts/E03">東三校区</a>（令和6年10月から）');
    const unrelated = await city.get('/districts/W01/years/2024');
    expect(unrelated.body).not.toContain('前身の校(地)区');
  });

  it('a split lets each salon go to the successor chosen for it', async () => {
    const salon = createSalon(db(), ids.d1, { name: '新しいサロン', venue: '', openedOn: '2024-11-01', closedOn: null, subsidyApplied: false }, null);
    const city = await signedIn(ctx.app, 'city');
    await addDistrictOnPage(city, 'E03', '東三校区', 'ひがしさん', ids.wardA);
    const e04 = await addDistrictOnPage(city, 'E04', '東四校区', 'ひがしよん', ids.wardA);
    const ask = await city.post('/successions/new', {
      label: '東一校区の分割',
      first_month: '2024-10',
      ward: '',
      predecessor_codes: 'E01',
      successor_codes: 'E03、E04',
    });
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain(`<select id="move:salon:${salon.id}" name="move:salon:${salon.id}">`);
    // The confirmation step is valid HTML (html-validate's recommended rules, as test/ui checks every other page).
    const report = await new HtmlValidate(new FileSystemConfigLoader()).validateString(ask.body, join(process.cwd(), 'succession-confirm.html'));
    expect(report.results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`))).toEqual([]);
    const done = await city.post('/successions/new', { ...hiddenFields(ask.body), [`move:salon:${salon.id}`]: 'E04' });
    expect(done.statusCode).toBe(303);
    // Opened after the first month: moved whole.
    expect(db().select().from(salons).where(eq(salons.id, salon.id)).get()).toMatchObject({ districtId: e04 });
  });

  it('refuses wrong input beside the fields, keeps what was typed, and records nothing', async () => {
    const city = await signedIn(ctx.app, 'city');
    await city.get('/successions/new');
    const res = await city.post('/successions/new', {
      label: '',
      first_month: 'そのうち',
      ward: String(ids.wardA),
      predecessor: 'E01',
      successor_codes: 'ZZ9',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/<title>エラー：/);
    expect(res.body).toContain('統合・分割の名前を入力してください');
    expect(res.body).toContain('月は 2024-10 または 2024/10 のように入力してください。');
    expect(res.body).toContain('校(地)区コード ZZ9 の校(地)区はありません。');
    expect(res.body).toContain('value="そのうち"');
    expect(res.body).toContain('value="ZZ9"');
    expect(res.body).toMatch(/id="pre-E01" name="predecessor" value="E01" checked/);
    expect(db().select().from(successionEvents).all()).toEqual([]);
  });

  it('「戻って直す」 returns to the first step with everything chosen', async () => {
    const city = await signedIn(ctx.app, 'city');
    await addDistrictOnPage(city, 'E03', '東三校区', 'ひがしさん', ids.wardA);
    const ask = await city.post('/successions/new', {
      label: '統合A',
      first_month: '2024-10',
      ward: String(ids.wardA),
      predecessor: ['E01', 'E02'],
      successor: 'E03',
    });
    expect(ask.statusCode).toBe(200);
    const back = await city.post('/successions/new', { ...hiddenFields(ask.body), back: '1' });
    expect(back.statusCode).toBe(200);
    expect(back.body).toContain('value="統合A"');
    expect(back.body).toMatch(/id="pre-E02" name="predecessor" value="E02" checked/);
    expect(back.body).toMatch(/id="suc-E03" name="successor" value="E03" checked/);
    expect(db().select().from(successionEvents).all()).toEqual([]);
  });
});
