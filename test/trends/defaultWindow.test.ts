import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, monthlyValues, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { upsertPublishedFigure } from '../../src/publishedFigures/repository.js';
import { defaultWindow, fiscalYearsWithData, resolveScope } from '../../src/trends/repository.js';
import { dataYearQueries } from '../../src/figures/dataYears.js';
import type { TrendsJson } from '../support/json.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  const { db } = ctx.database;
  const save = (districtId: number, month: string) =>
    saveMonthlyReport(db, { districtId, month, values: monthlyValues({ watched_elderly: 10 }), userId: null });
  save(ids.d1, '2018-04'); // FY2018, 東区
  save(ids.d1, '2020-03'); // FY2019 (March belongs to the year before)
  save(ids.d3, '2021-06'); // FY2021, 西区
  save(ids.d2, '2026-05'); // FY2026, the current year in these checks
});
afterEach(async () => ctx.close());

const scope = (key: string) => resolveScope(ctx.database.db, key)!;

describe('the default trend window', () => {
  it('ends at the latest year with data before the current one, for each kind of scope', () => {
    const { db } = ctx.database;
    expect(defaultWindow(db, scope('city'), 2026)).toEqual({ fromFy: 2017, toFy: 2021 });
    expect(defaultWindow(db, scope('ward:東区'), 2026)).toEqual({ fromFy: 2015, toFy: 2019 });
    expect(defaultWindow(db, scope('ward:西区'), 2026)).toEqual({ fromFy: 2017, toFy: 2021 });
    expect(defaultWindow(db, scope('district:E01'), 2026)).toEqual({ fromFy: 2015, toFy: 2019 });
    expect(defaultWindow(db, scope('district:E01'), 2019)).toEqual({ fromFy: 2014, toFy: 2018 });
    // Nothing before the current year: the year before it.
    expect(defaultWindow(db, scope('district:E02'), 2026)).toEqual({ fromFy: 2021, toFy: 2025 });
    // A published figure counts as data.
    upsertPublishedFigure(db, { item: '1', fiscalYear: 2023, scopeType: 'city', scopeId: 0, value: 5, note: null }, null);
    expect(defaultWindow(db, scope('city'), 2026)).toEqual({ fromFy: 2019, toFy: 2023 });
    expect(defaultWindow(db, scope('city'), 2023)).toEqual({ fromFy: 2017, toFy: 2021 });
  });

  it('lists every year with data, ascending', () => {
    const { db } = ctx.database;
    upsertPublishedFigure(db, { item: '1', fiscalYear: 2016, scopeType: 'ward', scopeId: ids.wardA, value: 5, note: null }, null);
    expect(fiscalYearsWithData(db, scope('city'))).toEqual([2018, 2019, 2021, 2026]);
    expect(fiscalYearsWithData(db, scope('ward:東区'))).toEqual([2016, 2018, 2019, 2026]);
    expect(fiscalYearsWithData(db, scope('district:W01'))).toEqual([2021]);
    expect(fiscalYearsWithData(db, scope('district:E02'))).toEqual([2026]);
  });

  it('is found through indexes, never by scanning the monthly reports', () => {
    const queries = dataYearQueries(ctx.database.db);
    for (const [name, query] of Object.entries(queries)) {
      const { sql, params } = query.toSQL();
      const values: Record<string, string | number> = {
        before: '2024-04',
        from: '2024-04',
        district: 1,
        ward: 1,
        scopeType: 'city',
        scopeId: 0,
        beforeFy: 2024,
      };
      const args = params.map((p) => (typeof p === 'object' && p !== null && 'name' in p ? values[(p as { name: string }).name] : p));
      const plan = (ctx.database.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail);
      if (name.startsWith('published')) continue; // a small table of published figures
      expect(
        plan.some((d) => /^SCAN monthly_reports\b/.test(d) && !/INDEX/.test(d)),
        `${name}: ${plan.join(' | ')}`,
      ).toBe(false);
      expect(
        plan.some((d) => /monthly_reports.*INDEX/.test(d)),
        `${name}: ${plan.join(' | ')}`,
      ).toBe(true);
    }
  });

  it('drives the trend page when no year is given', async () => {
    const client = await signedIn(ctx.app, 'city');
    const res = await client.get('/api/trends?scope=city');
    expect(res.statusCode).toBe(200);
    const years = res.json<TrendsJson>().fiscalYears;
    // The current fiscal year is real time here: the window ends before it, at a year with data.
    expect(years).toHaveLength(5);
    expect([2021, 2026]).toContain(years[4]);
  });
});
