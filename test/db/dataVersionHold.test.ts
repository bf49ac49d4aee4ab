/**
 * The data-version hold (migration 0015, src/imports/dataVersionHold.ts): inside
 * one write transaction, rows written to monthly_reports and
 * district_year_figures do not bump the data version each; the holder bumps it
 * once. Other connections never see the hold, and every other write still bumps.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { withDataVersionHeld } from '../../src/imports/dataVersionHold.js';
import { seedSmallCity } from '../support/app.js';

let dir: string;
let database: Database$;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
const others: Database.Database[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mimamori-hold-'));
  database = await openDatabase(join(dir, 'app.db'));
  ids = await seedSmallCity(database);
});
afterEach(() => {
  for (const c of others.splice(0)) c.close();
  database.sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

const versionOf = (sqlite: Database.Database) => sqlite.prepare('SELECT version FROM data_version WHERE id = 1').pluck().get() as number;
const holds = (sqlite: Database.Database) => sqlite.prepare('SELECT count(*) FROM data_version_hold').pluck().get() as number;

function insertReport(sqlite: Database.Database, districtId: number, month: string): void {
  sqlite
    .prepare("INSERT INTO monthly_reports (district_id, month, watched_elderly, updated_at) VALUES (?, ?, 1, '2024-01-01T00:00:00Z')")
    .run(districtId, month);
}

function insertFigures(sqlite: Database.Database, districtId: number, wardId: number, fiscalYear: number): void {
  sqlite
    .prepare(
      `INSERT INTO district_year_figures (fiscal_year, district_id, ward_id, active, months_reported, regular_meeting_months, computed_at)
       VALUES (?, ?, ?, 1, 0, 6, '2024-01-01T00:00:00Z')`,
    )
    .run(fiscalYear, districtId, wardId);
}

describe('the data-version hold', () => {
  it('turns many bumps of monthly rows and stored figures into one, and leaves no hold behind', () => {
    const { sqlite } = database;
    const was = versionOf(sqlite);
    sqlite.transaction(() => {
      withDataVersionHeld(sqlite, () => {
        for (const month of ['2024-04', '2024-05', '2024-06']) insertReport(sqlite, ids.d1, month);
        sqlite.prepare("UPDATE monthly_reports SET watched_elderly = 2 WHERE month = '2024-05'").run();
        sqlite.prepare("DELETE FROM monthly_reports WHERE month = '2024-06'").run();
        insertFigures(sqlite, ids.d1, ids.wardA, 2024);
        sqlite.prepare('UPDATE district_year_figures SET months_reported = 2').run();
        expect(versionOf(sqlite)).toBe(was);
      });
    })();
    expect(versionOf(sqlite)).toBe(was + 1);
    expect(holds(sqlite)).toBe(0);
    // Without the hold, each row bumps again.
    insertReport(sqlite, ids.d2, '2024-04');
    sqlite.prepare('DELETE FROM district_year_figures').run();
    expect(versionOf(sqlite)).toBe(was + 3);
  });

  it('is never seen by another connection, and a rolled-back write leaves neither hold nor bump', () => {
    const { sqlite } = database;
    const reader = new Database(join(dir, 'app.db'), { readonly: true });
    others.push(reader);
    const was = versionOf(sqlite);
    expect(() =>
      sqlite.transaction(() => {
        withDataVersionHeld(sqlite, () => {
          insertReport(sqlite, ids.d1, '2024-04');
          expect(holds(sqlite)).toBe(1);
          expect(holds(reader)).toBe(0);
          throw new Error('the import fails');
        });
      })(),
    ).toThrow('the import fails');
    expect(holds(sqlite)).toBe(0);
    expect(versionOf(sqlite)).toBe(was);
    expect(sqlite.prepare('SELECT count(*) FROM monthly_reports').pluck().get()).toBe(0);
  });

  it('releases the hold when the write throws inside a transaction that goes on, so later rows bump again', () => {
    const { sqlite } = database;
    const was = versionOf(sqlite);
    sqlite.transaction(() => {
      withDataVersionHeld(sqlite, () => insertReport(sqlite, ids.d1, '2024-04'));
      expect(() =>
        withDataVersionHeld(sqlite, () => {
          throw new Error('refused');
        }),
      ).toThrow('refused');
      const before = versionOf(sqlite);
      insertReport(sqlite, ids.d2, '2024-05');
      expect(versionOf(sqlite)).toBe(before + 1);
    })();
    expect(holds(sqlite)).toBe(0);
    expect(versionOf(sqlite)).toBeGreaterThan(was);
  });

  it('is only taken inside a write transaction', () => {
    expect(() => withDataVersionHeld(database.sqlite, () => 1)).toThrow(/トランザクション/);
  });
});
