/**
 * A monthly import reads the stored rows of its district-months in bulk, not
 * one lookup per row (issue 9 item 5), and still updates, keeps and creates
 * rows exactly as before, with the figures of a full recompute; the larger
 * page cache it takes is given back afterwards.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { asc, eq } from 'drizzle-orm';
import type { Database$ } from '../../src/db/index.js';
import { monthlyReports } from '../../src/db/schema.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { storedYears } from '../../src/figures/recompute.js';
import { monthlyValues, seedSmallCity } from '../support/app.js';
import { expectedFigures, storedFigures } from '../figures/support.js';
import { countStatementRuns, csv, HEADERS, smallCityWithCityUser } from './support.js';

let database: Database$;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
let cityUserId: number;

beforeEach(async () => {
  ({ database, ids, cityUserId } = await smallCityWithCityUser());
});
afterEach(() => database.sqlite.close());

/** Counts how often a statement reading one monthly report by district and month runs while `run` runs. */
function singleRowLookups<T>(sqlite: Database.Database, run: () => T): { result: T; lookups: number } {
  const oneRow = /from\s+"?monthly_reports"?\s+where\s+"?(monthly_reports"?\.)?"?district_id"?\s*=\s*\?\s+and\s+"?(monthly_reports"?\.)?"?month"?\s*=\s*\?/i;
  const { result, runs } = countStatementRuns(sqlite, oneRow, 'get', run);
  return { result, lookups: runs };
}

describe('a monthly import', () => {
  it('reads the stored rows in bulk and writes the same rows and figures as before', () => {
    const { db, sqlite } = database;
    saveMonthlyReport(db, { districtId: ids.d1, month: '2023-05', values: monthlyValues({ watched_elderly: 7, note: 'そのまま' }), userId: cityUserId });
    saveMonthlyReport(db, { districtId: ids.d2, month: '2023-06', values: monthlyValues({ watched_elderly: 8 }), userId: cityUserId });
    const rows: string[] = [];
    for (const code of ['E01', 'E02', 'W01']) {
      for (const month of ['2023-04', '2023-05', '2023-06', '2024-01', '2024-04'])
        rows.push(`${code},${month},${code === 'E01' && month === '2023-05' ? 7 : 11},1,,,,2,1,,${code === 'E01' && month === '2023-05' ? 'そのまま' : ''}`);
    }
    const { result, lookups } = singleRowLookups(sqlite, () =>
      importCsv(db, 'monthly', csv([HEADERS.monthly, ...rows]), { userId: cityUserId, now: new Date('2024-06-15T00:00:00Z') }),
    );
    expect(result).toMatchObject({ ok: true, counts: { created: 13, updated: 2, unchanged: 0 } });
    expect(lookups).toBe(0);
    // E01 2023-05 gained counts (updated); E02 2023-06 was replaced (updated); the rest created.
    const e01May = db.select().from(monthlyReports).where(eq(monthlyReports.month, '2023-05')).orderBy(asc(monthlyReports.districtId)).all()[0]!;
    expect([e01May.watchedElderly, e01May.watchedDisability, e01May.note, e01May.version]).toEqual([7, 1, 'そのまま', 2]);
    const years = storedYears(db);
    expect(years).toEqual(expect.arrayContaining([2023, 2024]));
    expect(storedFigures(database, years)).toEqual(expectedFigures(database, years));
  });

  it('gives the page cache back after a large file, whether it was written or refused', () => {
    const { db, sqlite } = database;
    const before = sqlite.pragma('cache_size', { simple: true });
    const rows: string[] = [];
    for (let y = 1995; y < 2024; y++) {
      for (let m = 1; m <= 12; m++) for (const code of ['E01', 'E02', 'W01']) rows.push(`${code},${y}-${String(m).padStart(2, '0')},1,,,,,,,,`);
    }
    expect(rows.length).toBeGreaterThan(1_000);
    const ok = importCsv(db, 'monthly', csv([HEADERS.monthly, ...rows]), { userId: cityUserId, now: new Date('2024-06-15T00:00:00Z') });
    expect(ok).toMatchObject({ ok: true });
    expect(sqlite.pragma('cache_size', { simple: true })).toBe(before);
    const refused = importCsv(db, 'monthly', csv([HEADERS.monthly, ...rows.map((r) => r.replace(/^E01,/, 'X99,'))]), { userId: cityUserId });
    expect(refused.ok).toBe(false);
    expect(sqlite.pragma('cache_size', { simple: true })).toBe(before);
  });
});
