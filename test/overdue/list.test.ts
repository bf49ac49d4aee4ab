import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { districts, successionEvents, successionLinks } from '../../src/db/schema.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { monthsOfFiscalYear } from '../../src/domain/fiscalYear.js';
import { addDistrict, createTestApp, monthlyValues, seedSmallCity, signedIn, type TestContext } from '../support/app.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

// FY2024 (令和6年度) is long past: every unreported month of it is overdue whatever today is.
const FY = 2024;

function report(districtId: number, months: readonly string[]) {
  for (const month of months) saveMonthlyReport(ctx.database.db, { districtId, month, values: monthlyValues({ watched_elderly: 3 }), userId: null });
}

function succession(label: string, firstMonth: string, predecessors: number[], successors: number[]) {
  const db = ctx.database.db;
  const ev = db.insert(successionEvents).values({ label, firstMonth, createdAt: new Date().toISOString() }).returning().get();
  for (const d of predecessors) db.insert(successionLinks).values({ eventId: ev.id, side: 'predecessor', districtId: d }).run();
  for (const d of successors) db.insert(successionLinks).values({ eventId: ev.id, side: 'successor', districtId: d }).run();
}

let e03: number;
let e04: number;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  const months = monthsOfFiscalYear(FY);
  // E01 misses June and November; E02 reports every month; W01 (西区) reports nothing.
  report(
    ids.d1,
    months.filter((m) => m !== '2024-06' && m !== '2024-11'),
  );
  report(ids.d2, months);
  // E04 ends with September (its successor E03 reports from October): E04 misses September, E03 reports nothing.
  e03 = addDistrict(ctx.database, { code: 'E03', name: '東三校区', wardId: ids.wardA, kana: 'ひがしさん' });
  e04 = addDistrict(ctx.database, { code: 'E04', name: '東四校区', wardId: ids.wardA, kana: 'ひがしよん' });
  report(e04, ['2024-04', '2024-05', '2024-06', '2024-07', '2024-08']);
  succession('東四から東三へ', '2024-10', [e04], [e03]);
  // A district formed in FY2025 owes nothing for FY2024.
  addDistrict(ctx.database, { code: 'E05', name: '東五校区', wardId: ids.wardA, kana: 'ひがしご', activeFrom: 2025 });
  ctx.database.db
    .update(districts)
    .set({ contactName: '田中 花子', contactPhone: '093-123-4567', contactEmail: 'tanaka@example.jp' })
    .where(eq(districts.id, ids.d1))
    .run();
});
afterEach(async () => {
  await ctx.close();
});

/** The <tr> of a district on the page. */
function rowOf(body: string, code: string): string {
  const m = new RegExp(`<tr>\\s*<th scope="row">[^<]*<span class="code">${code}</span>[\\s\\S]*?</tr>`).exec(body);
  return m ? m[0] : '';
}

describe('期限超過の一覧 (/completeness/overdue)', () => {
  it('lists, for the ward user’s ward, the overdue months in wareki with due dates and the contacts', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    const res = await ward.get(`/completeness/overdue?fy=${FY}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('期限超過の一覧（東区・令和6年度）');
    const e01 = rowOf(res.body, 'E01');
    expect(e01).toContain('東一校区');
    expect(e01).toContain('担当者：田中 花子');
    expect(e01).toContain('電話：093-123-4567');
    expect(e01).toContain('メール：tanaka@example.jp');
    expect(e01).toContain('令和6年6月（令和6年7月10日まで）');
    expect(e01).toContain('令和6年11月（令和6年12月10日まで）');
    expect(e01.match(/<li>/g)).toHaveLength(2);
    // A district that reported every month is not listed; nor one that did not exist that year; nor another ward's.
    expect(rowOf(res.body, 'E02')).toBe('');
    expect(rowOf(res.body, 'E05')).toBe('');
    expect(res.body).not.toContain('西一校区');
    expect(res.body).toContain('期限を過ぎて未報告の月が、3校(地)区でのべ<strong>9</strong>か月分あります。');
  });

  it('respects succession bounds: months that are 対象外 are not overdue', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    const res = await ward.get(`/completeness/overdue?fy=${FY}`);
    const e03row = rowOf(res.body, 'E03');
    expect(e03row).toContain('担当者：未登録');
    expect(e03row).toContain('電話：未登録');
    expect(e03row).toContain('メール：未登録');
    expect(e03row.match(/<li>/g)).toHaveLength(6);
    expect(e03row).toContain('令和6年10月');
    expect(e03row).not.toContain('令和6年9月');
    const e04row = rowOf(res.body, 'E04');
    expect(e04row.match(/<li>/g)).toHaveLength(1);
    expect(e04row).toContain('令和6年9月');
  });

  it('refuses a ward user another ward (403) and district users (403)', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    expect((await ward.get(`/completeness/overdue?ward=${ids.wardB}`)).statusCode).toBe(403);
    expect((await ward.get(`/completeness/overdue.csv?ward=${ids.wardB}`)).statusCode).toBe(403);
    const district = await signedIn(ctx.app, 'district-e01');
    expect((await district.get('/completeness/overdue')).statusCode).toBe(403);
    expect((await district.get('/completeness/overdue.csv')).statusCode).toBe(403);
  });

  it('lets a city user choose a ward, or see every ward grouped', async () => {
    const city = await signedIn(ctx.app, 'city');
    const west = await city.get(`/completeness/overdue?fy=${FY}&ward=${ids.wardB}`);
    expect(west.statusCode).toBe(200);
    expect(west.body).toContain(`<option value="${ids.wardB}" selected>西区</option>`);
    expect(rowOf(west.body, 'W01').match(/<li>/g)).toHaveLength(12);
    expect(west.body).not.toContain('東一校区');
    const all = await city.get(`/completeness/overdue?fy=${FY}`);
    expect(all.body).toContain('<h2>東区</h2>');
    expect(all.body).toContain('<h2>西区</h2>');
    expect(all.body.indexOf('東一校区')).toBeLessThan(all.body.indexOf('<h2>西区</h2>'));
    expect(all.body.indexOf('西一校区')).toBeGreaterThan(all.body.indexOf('<h2>西区</h2>'));
    expect((await city.get('/completeness/overdue?ward=999999')).statusCode).toBe(404);
  });

  it('prints on A4 portrait: a print stylesheet, 印刷する only for script, the header/footer hint', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    const res = await ward.get(`/completeness/overdue?fy=${FY}`);
    expect(res.body).toMatch(/<link[^>]+href="\/(static\/)?overdue\.css"/);
    expect(res.body).toContain('<button type="button" class="secondary" data-print hidden>印刷する</button>');
    expect(res.body).toContain('『ヘッダーとフッター』を外し、用紙をA4縦にしてください');
    const cssHref = res.body.match(/href="([^"]*overdue\.css)"/)?.[1];
    if (!cssHref) throw new Error('no link to overdue.css');
    const css = await ward.get(cssHref);
    expect(css.statusCode).toBe(200);
    expect(css.body).toMatch(/@media print\s*{[\s\S]*@page\s*{\s*size:\s*A4 portrait/);
  });

  it('is linked from the ward home and from /completeness', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    expect((await ward.get('/')).body).toContain('href="/completeness/overdue"');
    expect((await ward.get('/completeness')).body).toMatch(/href="\/completeness\/overdue[^"]*"/);
  });
});

describe('期限超過の CSV (/completeness/overdue.csv)', () => {
  it('downloads UTF-8 with BOM, one row per district and month, Japanese headers, blank contacts left empty', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    const res = await ward.get(`/completeness/overdue.csv?fy=${FY}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(String(res.headers['content-disposition'])).toContain('attachment');
    const raw = res.rawPayload;
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = raw.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('区,校(地)区コード,校(地)区,担当者名,電話,メール,未報告の月,報告期限');
    expect(lines).toContain('東区,E01,東一校区,田中 花子,093-123-4567,tanaka@example.jp,令和6年6月,令和6年7月10日');
    expect(lines).toContain('東区,E04,東四校区,,,,令和6年9月,令和6年10月10日');
    expect(lines).toHaveLength(1 + 9);
    expect(lines.some((l) => l.includes('W01'))).toBe(false);
  });
});
