import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { fiscalYearOfMonth } from '../../src/domain/fiscalYear.js';
import { monthReviewOf } from '../../src/reviews/repository.js';
import { monthsAgo, storeReport } from '../monthlyReports/helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

// Two months of one fiscal year that are over.
const m1 = monthsAgo(1);
const m2 = fiscalYearOfMonth(monthsAgo(2)) === fiscalYearOfMonth(m1) ? monthsAgo(2) : monthsAgo(13);
const fy = fiscalYearOfMonth(m1);
const state = (d: number, m: string) => monthReviewOf(ctx.database.db, d, m).state;
const cell = (html: string, code: string, month: string) => {
  const row = html.slice(html.indexOf(`data-code="${code}"`));
  const start = row.indexOf(`data-month="${month}"`);
  return row.slice(row.lastIndexOf('<td', start), row.indexOf('</td>', start));
};

describe('completeness grid with review states', () => {
  it('shows 提出済み / 確認済み / 差し戻し and accepts checked cells at once', async () => {
    storeReport(ctx.database, ids.d1, m1);
    storeReport(ctx.database, ids.d2, m1);
    storeReport(ctx.database, ids.d1, m2);
    const ward = await signedIn(ctx.app, 'ward-east');
    await ward.get(`/districts/E01/reports/${m2}`);
    await ward.post(`/districts/E01/reports/${m2}/review`, { decision: 'return', comment: '確認してください' });

    const page = await ward.get(`/completeness?fy=${fy}`);
    expect(page.statusCode).toBe(200);
    expect(cell(page.body, 'E01', m1)).toContain('data-review="submitted"');
    expect(cell(page.body, 'E01', m1)).toContain(`name="item" value="${ids.d1}:${m1}"`);
    expect(cell(page.body, 'E01', m2)).toContain('data-review="returned"');
    expect(cell(page.body, 'E01', m2)).not.toContain('type="checkbox"');
    expect(page.body).toContain('この月の提出済みをすべて確認済みにする');

    const res = await ward.post('/completeness/review', { item: [`${ids.d1}:${m1}`, `${ids.d2}:${m1}`], fy: String(fy) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/completeness?fy=${fy}`);
    expect([state(ids.d1, m1), state(ids.d2, m1), state(ids.d1, m2)]).toEqual(['accepted', 'accepted', 'returned']);
    const after = await ward.get(`/completeness?fy=${fy}`);
    expect(after.body).toContain('2か月分の報告を確認済みにしました。');
    expect(cell(after.body, 'E01', m1)).toContain('data-review="accepted"');
  });

  it('accepts every submitted month of one month in the ward with one button, and not other wards', async () => {
    storeReport(ctx.database, ids.d1, m1);
    storeReport(ctx.database, ids.d2, m1);
    storeReport(ctx.database, ids.d3, m1);
    storeReport(ctx.database, ids.d1, m2);
    const ward = await signedIn(ctx.app, 'ward-east');
    await ward.get(`/completeness?fy=${fy}`);
    expect((await ward.post('/completeness/review', { month: m1, fy: String(fy) })).statusCode).toBe(303);
    expect([state(ids.d1, m1), state(ids.d2, m1), state(ids.d3, m1), state(ids.d1, m2)]).toEqual(['accepted', 'accepted', 'submitted', 'submitted']);
    // Another ward's district cannot be accepted by checking it either.
    const res = await ward.post('/completeness/review', { item: [`${ids.d3}:${m1}`] });
    expect(res.statusCode).toBe(403);
    expect(state(ids.d3, m1)).toBe('submitted');
  });

  it('is refused to district users', async () => {
    storeReport(ctx.database, ids.d1, m1);
    const district = await signedIn(ctx.app, 'district-e01');
    const res = await district.post('/completeness/review', { item: [`${ids.d1}:${m1}`] });
    expect(res.statusCode).toBe(403);
    expect(state(ids.d1, m1)).toBe('submitted');
  });
});
