/**
 * A monthly import writes the audit events of the rows it creates in one
 * statement at the end (issue 9 item 5: "audit rows written in bulk"), and the
 * data version once for the whole file: each created row still gets exactly one
 * event, with the content a save from the form writes, whatever its note holds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import type { Database$ } from '../../src/db/index.js';
import { auditEvents, monthlyReports } from '../../src/db/schema.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { monthlyValues, seedSmallCity } from '../support/app.js';
import { expectedFigures, storedFigures } from '../figures/support.js';
import { csv, HEADERS, smallCityWithCityUser } from './support.js';

let database: Database$;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
let cityUserId: number;

beforeEach(async () => {
  ({ database, ids, cityUserId } = await smallCityWithCityUser());
});
afterEach(() => database.sqlite.close());

const version = () => database.sqlite.prepare('SELECT version FROM data_version WHERE id = 1').pluck().get() as number;
const events = () => database.db.select().from(auditEvents).where(eq(auditEvents.entity, 'monthly_report')).orderBy(asc(auditEvents.id)).all();

/** A CSV cell as a spreadsheet quotes it. */
const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`;

// Notes whose JSON needs escaping (quotes, a backslash, a line break, a tab), non-ASCII text, and none.
const NOTES = ['"引用"と\\記号', '一行目\n二行目', 'タブ\tのあと', '絵文字😀と①', 'カンマ,あり', '<b>&amp;</b>', null];
const MONTHS = ['2023-04', '2023-05', '2023-06', '2023-07', '2023-08', '2023-09', '2023-10'];

describe('the audit events of a monthly import', () => {
  it('gives each created row one event with the content the form writes, notes of every kind included', () => {
    const rows = NOTES.map((note, i) => `E02,${MONTHS[i]},${10 + i},${i},,,,${i + 1},1,,${note === null ? '' : quoted(note)}`);
    expect(importCsv(database.db, 'monthly', csv([HEADERS.monthly, ...rows]), { userId: cityUserId })).toMatchObject({
      ok: true,
      counts: { created: NOTES.length },
    });
    // The same values saved from the form for the other district: the reference for each event.
    NOTES.forEach((note, i) => {
      const values = monthlyValues({ watched_elderly: 10 + i, watched_disability: i, mutual_aid_cases: i + 1, coordination_meetings: 1, note });
      saveMonthlyReport(database.db, { districtId: ids.d1, month: MONTHS[i]!, values, userId: cityUserId });
    });
    const all = events();
    const file = all.filter((e) => e.districtId === ids.d2);
    const form = all.filter((e) => e.districtId === ids.d1);
    expect(file).toHaveLength(NOTES.length);
    expect(file.map((e) => [e.action, e.month, e.before, e.after, e.detail, e.userId, e.actor])).toEqual(
      form.map((e) => [e.action, e.month, e.before, e.after, e.detail, e.userId, e.actor]),
    );
    // Each event names its own row, in file order.
    const stored = database.db.select().from(monthlyReports).where(eq(monthlyReports.districtId, ids.d2)).orderBy(asc(monthlyReports.id)).all();
    expect(file.map((e) => [e.entityId, e.month])).toEqual(stored.map((r) => [String(r.id), r.month]));
    expect(stored.map((r) => r.note)).toEqual(NOTES);
  });

  it('audits created and updated rows of one file once each, and writes no event per created row', () => {
    saveMonthlyReport(database.db, { districtId: ids.d1, month: '2023-05', values: monthlyValues({ watched_elderly: 1 }), userId: cityUserId });
    const before = events().length;
    const rows: string[] = [];
    for (const code of ['E01', 'E02', 'W01']) for (const month of MONTHS) rows.push(`${code},${month},${month === '2023-05' ? 2 : 3},,,,,,,,`);
    // Runs of the per-row audit INSERT (… VALUES …) while the import runs.
    const perRow = /^\s*insert\s+into\s+"?audit_events"?[^]*\bvalues\b/i;
    let runs = 0;
    const prepare = database.sqlite.prepare.bind(database.sqlite);
    database.sqlite.prepare = ((source: string) => {
      const statement = prepare(source);
      if (perRow.test(source)) {
        const run = statement.run.bind(statement);
        statement.run = (...params: unknown[]) => {
          runs++;
          return run(...params);
        };
      }
      return statement;
    }) as typeof database.sqlite.prepare;
    let result;
    try {
      result = importCsv(database.db, 'monthly', csv([HEADERS.monthly, ...rows]), { userId: cityUserId });
    } finally {
      database.sqlite.prepare = prepare;
    }
    expect(result).toMatchObject({ ok: true, counts: { created: 20, updated: 1, unchanged: 0 } });
    // The update's event is the only one written row by row; the 20 created rows' come in one statement.
    expect(runs).toBe(1);
    const added = events().slice(before);
    expect(added).toHaveLength(21);
    expect(added.filter((e) => e.action === 'update').map((e) => [e.districtId, e.month])).toEqual([[ids.d1, '2023-05']]);
    const keys = added.filter((e) => e.action === 'create').map((e) => `${e.districtId}|${e.month}`);
    expect(new Set(keys).size).toBe(20);
    const reports = database.db.select().from(monthlyReports).all();
    for (const e of added) expect(reports.find((r) => String(r.id) === e.entityId)).toMatchObject({ districtId: e.districtId, month: e.month });
    expect(storedFigures(database, [2023])).toEqual(expectedFigures(database, [2023]));
  });

  it('moves the data version once for a whole file, and not at all for a refused file or a dry run', () => {
    const rows: string[] = [];
    for (const code of ['E01', 'E02', 'W01']) for (const month of MONTHS) rows.push(`${code},${month},5,,,,,,,,`);
    const file = csv([HEADERS.monthly, ...rows]);
    let was = version();
    expect(importCsv(database.db, 'monthly', file, { userId: cityUserId, dryRun: true })).toMatchObject({ ok: true, counts: { created: 21 } });
    expect(version()).toBe(was);
    expect(importCsv(database.db, 'monthly', csv([HEADERS.monthly, ...rows, 'E99,2023-04,1,,,,,,,,']), { userId: cityUserId }).ok).toBe(false);
    expect(version()).toBe(was);
    expect(importCsv(database.db, 'monthly', file, { userId: cityUserId })).toMatchObject({ ok: true, counts: { created: 21 } });
    // 21 rows and the stored figures they touch: one bump (a bump per row would be 21 and more).
    expect(version()).toBe(was + 1);
    expect(database.sqlite.prepare('SELECT count(*) FROM data_version_hold').pluck().get()).toBe(0);
    // Writes after the import bump the version as before.
    was = version();
    saveMonthlyReport(database.db, { districtId: ids.d1, month: '2023-11', values: monthlyValues({ watched_elderly: 1 }), userId: cityUserId });
    expect(version()).toBeGreaterThan(was);
  });
});
