/**
 * A month range is read from the covering month index alone (issue 9: "the
 * range query looks up each row through monthly_reports_month_idx"): the
 * completeness counts of a national city and a year's rollup input never
 * visit the table's rows (EXPLAIN QUERY PLAN).
 */
import { describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import * as schema from '../../src/db/schema.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { reportedDistrictMonths, wardMonthCounts } from '../../src/completeness/repository.js';
import { yearRowsFromRecords } from '../../src/figures/recompute.js';
import { ROLLUP_QUERIES } from '../../src/figures/rollupInput.js';
import { monthlyValues } from '../support/app.js';
import { smallCity } from './support.js';

/** The query plans of the statements that read monthly_reports while `run` runs (only those `keep` accepts). */
function plans(sqlite: Database.Database, run: () => unknown, keep: (source: string) => boolean = () => true): string[] {
  const sources: string[] = [];
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = (source: string) => {
    if (/monthly_reports/.test(source) && /month"?\s*(>=|between|BETWEEN)/i.test(source) && keep(source)) sources.push(source);
    return prepare(source);
  };
  try {
    run();
  } finally {
    sqlite.prepare = prepare;
  }
  const fill = (source: string) => source.replace(/\?/g, "'2023-04'");
  return sources.map((s) => (prepare(`EXPLAIN QUERY PLAN ${fill(s)}`).all() as { detail: string }[]).map((r) => r.detail).join(' | '));
}

describe('the covering month index', () => {
  it('serves the completeness counts and a year of rollup input without visiting rows', async () => {
    const city = await smallCity();
    const { db, sqlite } = city.database;
    try {
      for (const [districtId, month] of [
        [city.d1, '2023-04'],
        [city.d2, '2023-05'],
        [city.d3, '2024-01'],
      ] as const) {
        saveMonthlyReport(db, { districtId, month, values: monthlyValues({ watched_elderly: 3 }), userId: 1 });
      }
      const found = [
        ...plans(sqlite, () => wardMonthCounts(db, 2023, '2023-04', '2024-03')),
        ...plans(sqlite, () => reportedDistrictMonths(db, '2023-04', '2024-03')),
        // The loader prepares its statements once per connection (a fresh Drizzle connection over the same
        // file prepares its own); a whole year is read by the one without a district condition.
        ...plans(
          sqlite,
          () => yearRowsFromRecords(drizzle(sqlite, { schema }), 2023),
          (source) => source === ROLLUP_QUERIES.reports.all,
        ),
      ];
      expect(found.length).toBe(3);
      for (const plan of found) expect(plan).toMatch(/SEARCH monthly_reports USING COVERING INDEX monthly_reports_month_idx/);
      expect(wardMonthCounts(db, 2023, '2023-04', '2024-03').reported.get(`${city.wardA}:2023-05`)).toBe(1);
    } finally {
      sqlite.close();
    }
  });
});
