import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, monthlyValues, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { loadSeed000, NOT_AVAILABLE } from '../agendas/support.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  loadSeed000(ctx.database.db);
  saveMonthlyReport(ctx.database.db, { districtId: ids.d1, month: '2023-06', values: monthlyValues({ mutual_aid_cases: 41 }), userId: null });
});
afterEach(async () => ctx.close());

describe('GET /charts/trend.svg', () => {
  it('returns the bare SVG with the line, wareki labels and values', async () => {
    const client = await signedIn(ctx.app, 'city');
    const res = await client.get('/charts/trend.svg?scope=city&item=1&from=2019&to=2023');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(res.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(res.body).toMatch(/<path class="series" d="M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){4}"/);
    for (const label of ['R1', 'R2', 'R3', 'R4', 'R5']) expect(res.body).toContain(`>${label}</text>`);
    expect(res.body).toContain('>125,407</text>');
    expect(res.body).toContain('① ふれあいネットワーク活動の見守り世帯数（全市）');
  });

  it('notes the not-available year as a gap', async () => {
    const client = await signedIn(ctx.app, 'city');
    const res = await client.get('/charts/trend.svg?scope=city&item=3&from=R1&to=R5');
    expect(res.body).toContain(`※ R2：${NOT_AVAILABLE}`);
    expect(res.body).toContain('>R2※</text>');
  });

  it('draws a household row for a district', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.get('/charts/trend.svg?scope=district:E01&item=watched_total&from=2022&to=2023');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('計（東一校区）');
  });

  it('checks the scope and the parameters', async () => {
    const district = await signedIn(ctx.app, 'district-e01');
    expect((await district.get('/charts/trend.svg?scope=city&item=1')).statusCode).toBe(403);
    expect((await district.get('/charts/trend?scope=district:W01&item=1')).statusCode).toBe(403);
    const city = await signedIn(ctx.app, 'city');
    expect((await city.get('/charts/trend.svg?scope=city&item=8')).statusCode).toBe(422);
    expect((await city.get('/charts/trend?scope=city')).statusCode).toBe(422);
    expect((await city.get('/charts/trend?scope=city&item=1&from=R9x')).statusCode).toBe(422);
    expect((await city.get('/charts/trend?scope=district:NONE&item=1')).statusCode).toBe(404);
  });
});

describe('GET /charts/trend', () => {
  it('shows the chart inline, the values and a way back', async () => {
    const client = await signedIn(ctx.app, 'city');
    const res = await client.get('/charts/trend?scope=district:E01&item=2&from=2019&to=2023');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="line-chart"');
    expect(res.body).toContain('>41</text>');
    expect(res.body).toContain('href="/trends?scope=district%3AE01&amp;from=2019&amp;to=2023');
    expect(res.body).not.toMatch(/<script(?! src=)/);
  });
});

describe('trend pages', () => {
  it('show a sparkline per row, linked to its chart', async () => {
    const client = await signedIn(ctx.app, 'city');
    const res = await client.get('/trends?scope=city&from=2019&to=2023');
    expect(res.body.match(/<svg [^>]*class="sparkline no-print"/g)).toHaveLength(7);
    for (const item of [1, 2, 3, 4, 5, 6, 7])
      expect(res.body).toContain(`/charts/trend?scope=city&amp;from=2019&amp;to=2023&amp;basis=yoy&amp;flat=0.05&amp;strong=0.2&amp;item=${item}`);
    const households = await client.get('/trends/households?scope=city&from=2019&to=2023');
    expect(households.body.match(/class="sparkline no-print"/g)).toHaveLength(6);
    expect(households.body).toContain('item=watched_elderly');
  });
});
