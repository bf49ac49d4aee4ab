/**
 * The save path does only its own work (issue 9, items 6 and 8): after the
 * first save on a connection, a monthly save compiles no SQL statement and
 * makes one synced commit (counted in the WAL); the single district-year it
 * recomputes with prepared statements is what a full recompute gives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walCommits } from '../db/walCommits.js';
import type Database from 'better-sqlite3';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { recomputeDistrictYears, storedYears } from '../../src/figures/recompute.js';
import { recomputeDistrictYearsFast } from '../../src/figures/fastRecompute.js';
import { closeFiscalYear } from '../../src/fiscalYears/repository.js';
import { monthlyValues } from '../support/app.js';
import { expectedFigures, smallCity, storedFigures } from './support.js';

/**
 * Counts the statements compiled, the transaction functions built (better-sqlite3's `transaction`,
 * behind every Drizzle transaction) and the commits written (read in the WAL file) while `run` runs.
 */
function counting<T>(sqlite: Database.Database, path: string, run: () => T): { result: T; prepared: string[]; wrappers: number; commits: number } {
  const prepared: string[] = [];
  let wrappers = 0;
  const prepare = sqlite.prepare.bind(sqlite);
  const transaction = sqlite.transaction.bind(sqlite);
  sqlite.prepare = (source: string) => {
    prepared.push(source);
    return prepare(source);
  };
  sqlite.transaction = ((fn: Parameters<typeof sqlite.transaction>[0]) => {
    wrappers++;
    return transaction(fn);
  }) as typeof sqlite.transaction;
  const before = walCommits(path);
  try {
    return { result: run(), prepared, wrappers, commits: walCommits(path) - before };
  } finally {
    sqlite.prepare = prepare;
    sqlite.transaction = transaction;
  }
}

describe('a monthly save', () => {
  it('compiles no statement after the first save and commits once, with the figures of a full recompute', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimamori-fastsave-'));
    const path = join(dir, 'city.db');
    const city = await smallCity(path);
    const { db, sqlite } = city.database;
    // The WAL is never reset while the test counts its commits.
    sqlite.pragma('wal_autocheckpoint = 0');
    try {
      saveMonthlyReport(db, { districtId: city.d1, month: '2023-04', values: monthlyValues({ watched_elderly: 10 }), userId: 1 });
      // Another district, another year (stored whole the first time), an update, a blank save.
      const writes = [
        { districtId: city.d2, month: '2023-05', values: monthlyValues({ watched_elderly: 4, coordination_meetings: 1 }) },
        { districtId: city.d1, month: '2023-04', values: monthlyValues({ watched_elderly: 12, mutual_aid_cases: 3 }) },
        { districtId: city.d3, month: '2024-01', values: monthlyValues({ well_club_participants: 7 }) },
        { districtId: city.d1, month: '2023-04', values: monthlyValues() },
      ];
      for (const w of writes) {
        const { result, prepared, wrappers, commits } = counting(sqlite, path, () => saveMonthlyReport(db, { ...w, userId: 1 }));
        expect(result.status).toBe('saved');
        expect(prepared).toEqual([]);
        // Its transaction runs on statements prepared once: no Drizzle transaction object, no wrapper built per save.
        expect(wrappers).toBe(0);
        expect(commits).toBe(1);
      }
      const years = storedYears(db);
      expect(years).toContain(2023);
      expect(storedFigures(city.database, years)).toEqual(expectedFigures(city.database, years));
    } finally {
      sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('recomputes like recomputeDistrictYears, and leaves closed years and unstored years to the same rules', async () => {
    const city = await smallCity();
    const { db, sqlite } = city.database;
    try {
      for (const [districtId, month, n] of [
        [city.d1, '2022-06', 5],
        [city.d2, '2022-07', 6],
        [city.d1, '2023-06', 8],
      ] as const) {
        saveMonthlyReport(db, { districtId, month, values: monthlyValues({ watched_elderly: n, coordination_meetings: 1 }), userId: 1 });
      }
      closeFiscalYear(db, 2022, 1);
      const frozen = storedFigures(city.database, [2022]);
      // Change the records behind the figures' back, then recompute both ways.
      sqlite.prepare("UPDATE monthly_reports SET watched_elderly = 99 WHERE month IN ('2022-06', '2023-06')").run();
      const pairs = [city.d1, city.d2, city.d3].flatMap((districtId) => [2022, 2023, 2025].map((fiscalYear) => ({ districtId, fiscalYear })));
      const fast = db.transaction((tx) => recomputeDistrictYearsFast(tx, pairs));
      const again = db.transaction((tx) => recomputeDistrictYears(tx, pairs));
      expect(fast.map((c) => `${c.fiscalYear}:${c.districtId}:${c.kind}`).sort()).toEqual([
        '2023:1:updated',
        '2025:1:created',
        '2025:2:created',
        '2025:3:created',
      ]);
      expect(again).toEqual([]);
      expect(storedFigures(city.database, [2022])).toEqual(frozen);
      expect(storedFigures(city.database, [2023, 2025])).toEqual(expectedFigures(city.database, [2023, 2025]));
    } finally {
      sqlite.close();
    }
  });
});
