import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, addDistrict, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { currentFiscalYear, currentMonth, previousMonth, warekiLong } from '../../src/domain/fiscalYear.js';
import { isOverdue, todayInJapan } from '../../src/domain/due.js';
import { activeYearsText, matchesSearch, searchKey } from '../../src/districts/routes.js';
import { textOf, values } from './helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

/** The HTML of one district's row. */
function rowOf(html: string, code: string): string {
  const m = new RegExp(`<tr data-code="${code}"[\\s\\S]*?</tr>`).exec(html);
  if (!m) throw new Error(`no row for ${code}`);
  return m[0];
}

function codesIn(html: string): string[] {
  return [...html.matchAll(/<tr data-code="([^"]+)"/g)].map((m) => {
    const code = m[1];
    if (code === undefined) throw new Error('table row without a code');
    return code;
  });
}

describe('GET /districts', () => {
  it('lists every district for city staff in ward then kana order, with links', async () => {
    addDistrict(ctx.database, { code: 'E00', name: '東あさひ校区', wardId: ids.wardA, kana: 'ひがしあさひ' });
    const city = await signedIn(ctx.app, 'city');
    const res = await city.get('/districts');
    expect(res.statusCode).toBe(200);
    // 東区 (sort 1) before 西区; inside 東区 by kana: ひがしあさひ < ひがしいち < ひがしに
    expect(codesIn(res.body)).toEqual(['E00', 'E01', 'E02', 'W01']);
    const row = rowOf(res.body, 'E01');
    expect(row).toContain(`href="/districts/E01/years/${currentFiscalYear()}"`);
    expect(row).toContain('href="/districts/E01/history"');
    expect(row).toContain('東区');
  });

  it('shows only the own ward to ward staff', async () => {
    const ward = await signedIn(ctx.app, 'ward-west');
    const res = await ward.get('/districts');
    expect(res.statusCode).toBe(200);
    expect(codesIn(res.body)).toEqual(['W01']);
    expect(res.body).not.toContain('東一校区');
  });

  it('filters by ward and by name or kana (full-width and katakana typed)', async () => {
    const city = await signedIn(ctx.app, 'city');
    expect(codesIn((await city.get(`/districts?ward=${ids.wardB}`)).body)).toEqual(['W01']);
    expect(codesIn((await city.get(`/districts?q=${encodeURIComponent('東二')}`)).body)).toEqual(['E02']);
    expect(codesIn((await city.get(`/districts?q=${encodeURIComponent('ヒガシ')}`)).body)).toEqual(['E01', 'E02']);
    expect(codesIn((await city.get(`/districts?q=${encodeURIComponent('ｗ０１')}`)).body)).toEqual(['W01']);
    const none = await city.get(`/districts?q=${encodeURIComponent('みつからない')}`);
    expect(codesIn(none.body)).toEqual([]);
    expect(none.body).toContain('条件に合う校(地)区はありません');
    // An empty select means all wards.
    expect(codesIn((await city.get('/districts?ward=&q=')).body)).toHaveLength(3);
  });

  it("shows last month's and this month's status", async () => {
    const { db } = ctx.database;
    const lastMonth = previousMonth(currentMonth());
    saveMonthlyReport(db, { districtId: ids.d1, month: lastMonth, values: values({ mutual_aid_cases: 3 }), userId: null });
    // A row with only a note is not a report of figures.
    saveMonthlyReport(db, { districtId: ids.d2, month: lastMonth, values: values({ note: 'メモだけ' }), userId: null });
    const city = await signedIn(ctx.app, 'city');
    const res = await city.get('/districts');
    const [e01Last] = [...rowOf(res.body, 'E01').matchAll(/<span class="status (\w+)"/g)].map((m) => m[1]);
    expect(e01Last).toBe('reported');
    const expectedMissing = isOverdue(lastMonth, todayInJapan(), 10) ? 'overdue' : 'pending';
    const e02 = [...rowOf(res.body, 'E02').matchAll(/<span class="status (\w+)"/g)].map((m) => m[1]);
    expect(e02[0]).toBe(expectedMissing);
    // This month is never overdue yet.
    expect(e02[1]).toBe('pending');
    expect(textOf(rowOf(res.body, 'E01'))).toContain('報告済み');
  });

  it('shows the active years of a merged district and links to its last year', async () => {
    const last = currentFiscalYear() - 2;
    addDistrict(ctx.database, { code: 'E09', name: '旧東校区', wardId: ids.wardA, kana: 'きゅうひがし', activeTo: last });
    const city = await signedIn(ctx.app, 'city');
    const row = rowOf((await city.get('/districts')).body, 'E09');
    expect(textOf(row)).toContain(`〜${warekiLong(last)}`);
    expect(row).toContain(`/districts/E09/years/${last}`);
    expect(textOf(row)).toContain('対象外');
  });

  it('escapes district names', async () => {
    addDistrict(ctx.database, { code: 'X1', name: '<img src=x onerror=alert(1)>', wardId: ids.wardA });
    const city = await signedIn(ctx.app, 'city');
    const res = await city.get('/districts');
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('district search helpers', () => {
  it('folds katakana, full-width letters and spaces', () => {
    expect(searchKey('ヒガシ　イチ')).toBe('ひがしいち');
    expect(searchKey('Ｅ０１')).toBe('e01');
    expect(matchesSearch({ name: '田野浦校区', kana: 'たのうら', code: '101' }, 'タノウラ')).toBe(true);
    expect(matchesSearch({ name: '田野浦校区', kana: 'たのうら', code: '101' }, '小森江')).toBe(false);
  });

  it('writes active years in wareki', () => {
    expect(activeYearsText({ activeFrom: null, activeTo: null })).toBe('');
    expect(activeYearsText({ activeFrom: null, activeTo: 2022 })).toBe('〜令和4年度');
    expect(activeYearsText({ activeFrom: 2023, activeTo: null })).toBe('令和5年度〜');
    expect(activeYearsText({ activeFrom: 2018, activeTo: 2022 })).toBe('平成30年度〜令和4年度');
  });
});
