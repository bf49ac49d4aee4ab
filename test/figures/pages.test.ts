/**
 * Closing a year freezes it on the pages too (DESIGN §7): a salon or plan
 * dated in a closed year is refused with a message naming the year, and the
 * trend table keeps the closed year's figures of record.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../src/db/schema.js';
import { closeFiscalYear } from '../../src/fiscalYears/repository.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { createTestApp, monthlyValues, seedSmallCity, signedIn, type TestContext } from '../support/app.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  const { db } = ctx.database;
  saveMonthlyReport(db, { districtId: ids.d1, month: '2023-06', values: monthlyValues({ watched_elderly: 80, mutual_aid_cases: 4 }), userId: null });
  const city = db.select().from(users).where(eq(users.login, 'city')).get()!;
  closeFiscalYear(db, 2023, city.id);
});
afterEach(async () => ctx.close());

describe('a closed year on the pages', () => {
  it('refuses a salon opened in the closed year, naming it, and keeps the trend table as it was', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post('/districts/E01/salons/new', {
      name: 'さかのぼり',
      venue: '',
      opened_on: '2023-07-01',
      closed_on: '',
      subsidy_applied: '0',
      version: '0',
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('令和5年度は年度確定済みのため、変更できません。');
    const plan = await client.post('/districts/E01/plans/new', { generation: '1', formulated_fy: '2023', first_fy: '2024', last_fy: '2026', version: '0' });
    expect(plan.statusCode).toBe(409);
    expect(plan.body).toContain('令和5年度は年度確定済み');
    const ok = await client.post('/districts/E01/salons/new', {
      name: 'まえから',
      venue: '',
      opened_on: '2022-07-01',
      closed_on: '',
      subsidy_applied: '0',
      version: '0',
    });
    expect(ok.statusCode).toBe(303);
    const city = await signedIn(ctx.app, 'city');
    const api = await city.get('/api/trends?from=2022&to=2024&scope=city');
    expect(api.statusCode).toBe(200);
    const salons = api
      .json<{ rows: { item: number | string; values: { fiscalYear: number; value: number | null }[] }[] }>()
      .rows.find((r) => String(r.item) === '6')!;
    // The backdated salon counts in the open years around the closed one, not in it.
    expect(salons.values.map((v) => [v.fiscalYear, v.value])).toEqual([
      [2022, 1],
      [2023, 0],
      [2024, 1],
    ]);
  });
});
