import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, monthlyValues, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { upsertPublishedFigure } from '../../src/publishedFigures/repository.js';
import type { ApiErrorJson, TrendsJson } from '../support/json.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

const values = monthlyValues;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  const { db } = ctx.database;
  // FY2023: E01 reports 100 watched households in March, 10 aid cases in two months; W01 reports 50 households.
  saveMonthlyReport(db, { districtId: ids.d1, month: '2023-04', values: values({ watched_elderly: 90, mutual_aid_cases: 4 }), userId: null });
  saveMonthlyReport(db, { districtId: ids.d1, month: '2024-03', values: values({ watched_elderly: 95, watched_other: 5, mutual_aid_cases: 6 }), userId: null });
  saveMonthlyReport(db, { districtId: ids.d3, month: '2023-09', values: values({ watched_elderly: 50 }), userId: null });
  // FY2024: E01 110 households; W01 did not report.
  saveMonthlyReport(db, { districtId: ids.d1, month: '2025-02', values: values({ watched_elderly: 110, mutual_aid_cases: 12 }), userId: null });
  upsertPublishedFigure(db, { item: '3', fiscalYear: 2022, scopeType: 'city', scopeId: 0, value: null, note: 'コロナ禍で正確な統計不可' }, null);
  upsertPublishedFigure(db, { item: '1', fiscalYear: 2022, scopeType: 'city', scopeId: 0, value: 140, note: null }, null);
});
afterEach(async () => ctx.close());

describe('GET /api/trends', () => {
  it('returns rows with values, origins and labels for the city', async () => {
    const client = await signedIn(ctx.app, 'city');
    const res = await client.get('/api/trends?from=2022&to=2024&scope=city');
    expect(res.statusCode).toBe(200);
    const body = res.json<TrendsJson>();
    expect(body.scope).toBe('city');
    expect(body.fiscalYears).toEqual([2022, 2023, 2024]);
    expect(body.rows).toHaveLength(7);
    const watched = body.rows[0]!;
    expect(watched.item).toBe(1);
    expect(watched.values).toEqual([
      { fiscalYear: 2022, value: 140, origin: 'published', note: null, districtsReported: 0 },
      { fiscalYear: 2023, value: 150, origin: 'rollup', note: null, districtsReported: 2 },
      { fiscalYear: 2024, value: 110, origin: 'rollup', note: null, districtsReported: 1 },
    ]);
    // yoy: (110 − 150) / 150 = −26.7 % → 減少
    expect(watched.trend).toMatchObject({ basis: 'yoy', level: 'down', arrow: '↘', text: '減少' });
    expect(watched.trend.change).toBeCloseTo(-40 / 150, 10);
    const aid = body.rows[1]!;
    expect(aid.values.map((v) => v.value)).toEqual([null, 10, 12]);
    const meetings = body.rows[2]!;
    expect(meetings.values[0]).toMatchObject({ value: null, origin: 'published', note: 'コロナ禍で正確な統計不可' });
  });

  it('honours basis and thresholds given as fractions', async () => {
    const client = await signedIn(ctx.app, 'city');
    // ② 10 → 12 is +20 %: with strong = 0.25 it is only やや増加.
    const res = await client.get('/api/trends?from=2023&to=2024&scope=city&basis=span&flat=0.05&strong=0.25');
    expect(res.json<TrendsJson>().rows[1]!.trend).toMatchObject({ basis: 'span', level: 'slightup', text: 'やや増加' });
  });

  it('accepts wareki years and a ward scope', async () => {
    const client = await signedIn(ctx.app, 'ward-east');
    const res = await client.get(`/api/trends?from=R5&to=R6&scope=${encodeURIComponent('ward:東区')}`);
    expect(res.statusCode).toBe(200);
    expect(res.json<TrendsJson>().rows[0]!.values.map((v) => v.value)).toEqual([100, 110]);
  });

  it('answers 401 without a session', async () => {
    const res = await new Client(ctx.app).get('/api/trends?from=2019&to=2023&scope=city');
    expect(res.statusCode).toBe(401);
  });

  it('refuses a district user asking for another district, and a ward user another ward', async () => {
    const district = await signedIn(ctx.app, 'district-e01');
    expect((await district.get('/api/trends?scope=district:W01')).statusCode).toBe(403);
    expect((await district.get('/api/trends?scope=district:E02')).statusCode).toBe(403);
    expect((await district.get('/api/trends?scope=city')).statusCode).toBe(403);
    expect((await district.get('/api/trends?scope=district:E01&from=2023&to=2024')).statusCode).toBe(200);
    const ward = await signedIn(ctx.app, 'ward-east');
    expect((await ward.get(`/api/trends?scope=${encodeURIComponent('ward:西区')}`)).statusCode).toBe(403);
    expect((await ward.get('/api/trends?scope=district:W01')).statusCode).toBe(403);
    expect((await ward.get('/api/trends?scope=city')).statusCode).toBe(200);
  });

  it('rejects malformed parameters with a Japanese message', async () => {
    const client = await signedIn(ctx.app, 'city');
    const bad = await client.get('/api/trends?from=abc&scope=city');
    expect(bad.statusCode).toBe(422);
    expect(bad.json<ApiErrorJson>().error).toContain('年度');
    expect((await client.get('/api/trends?from=2024&to=2020')).statusCode).toBe(422);
    expect((await client.get('/api/trends?basis=median')).statusCode).toBe(422);
    expect((await client.get('/api/trends?scope=ward:存在しない区')).statusCode).toBe(404);
  });
});

describe('trend pages', () => {
  it('shows published marks, the not-available reason and reporting districts', async () => {
    const client = await signedIn(ctx.app, 'city');
    const res = await client.get('/trends?from=2022&to=2024');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('コロナ禍で正確な統計不可');
    expect(res.body).toContain('公表値');
    expect(res.body).toMatch(/<th scope="col" class="num">R4<\/th>/);
    // 2 of 3 districts reported in FY2023
    expect(res.body).toContain('2 / 3');
  });

  it('shows the household-category table', async () => {
    const client = await signedIn(ctx.app, 'city');
    const res = await client.get('/trends/households?from=2023&to=2024');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('高齢者世帯');
    expect(res.body).toContain('福祉協力員');
  });

  it('gives a district user their own district by default and 403 for another', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const own = await client.get('/trends');
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('東一校区');
    const other = await client.get('/trends?scope=district:W01');
    expect(other.statusCode).toBe(403);
    expect(other.body).toContain('権限がありません');
    expect(other.body).not.toContain('西一校区</h1>');
  });

  it('escapes names that people typed', async () => {
    const { db } = ctx.database;
    const { districts } = await import('../../src/db/schema.js');
    db.insert(districts).values({ code: 'X1', name: '<script>alert(1)</script>', kana: 'x', wardId: ids.wardA }).run();
    const client = await signedIn(ctx.app, 'city');
    const res = await client.get('/trends?scope=district:X1');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
