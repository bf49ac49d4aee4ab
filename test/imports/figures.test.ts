/**
 * Imports at the speed of SQLite (issue 9 item 5) and the figures of record:
 * one transaction, rows written without a savepoint each, every row audited
 * exactly as the form's write path audits it, and the stored figures of every
 * touched district-year recomputed once at the end.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import type { Database$ } from '../../src/db/index.js';
import { auditEvents, monthlyReports } from '../../src/db/schema.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { storedYears } from '../../src/figures/recompute.js';
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

describe('monthly import and the stored figures', () => {
  it('stores every touched district-year as a full recompute would, across several years', () => {
    const rows: string[] = [];
    for (const code of ['E01', 'E02', 'W01']) {
      for (const month of ['2022-04', '2022-12', '2023-03', '2023-04', '2024-02', '2024-03']) rows.push(`${code},${month},${month.length},2,,1,9,3,1,5,`);
    }
    expect(importCsv(database.db, 'monthly', csv([HEADERS.monthly, ...rows]), { userId: cityUserId })).toMatchObject({ ok: true, counts: { created: 18 } });
    const years = storedYears(database.db);
    expect(years).toEqual(expect.arrayContaining([2022, 2023]));
    expect(storedFigures(database, years)).toEqual(expectedFigures(database, years));
    // A second file that changes one month updates that district-year only.
    const before = storedFigures(database, years);
    importCsv(database.db, 'monthly', csv([HEADERS.monthly, 'E02,2023-04,1,1,1,1,1,40,0,0,']), { userId: cityUserId });
    const after = storedFigures(database, years);
    const changed = [...after.keys()].filter((k) => JSON.stringify(after.get(k)) !== JSON.stringify(before.get(k)));
    expect(changed).toEqual([`2023:${ids.d2}`]);
    expect(after).toEqual(expectedFigures(database, years));
  });

  it('audits each row with the same content as a save from the form', () => {
    const values = { watched_elderly: 120, watched_disability: 3, mutual_aid_cases: 7, coordination_meetings: 1, note: '自治会と合同' };
    saveMonthlyReport(database.db, { districtId: ids.d1, month: '2024-04', values: monthlyValues(values), userId: cityUserId });
    importCsv(database.db, 'monthly', csv([HEADERS.monthly, 'E02,2024-04,120,3,,,,7,1,,自治会と合同']), { userId: cityUserId });
    importCsv(database.db, 'monthly', csv([HEADERS.monthly, 'E02,2024-04,121,3,,,,7,1,,自治会と合同']), { userId: cityUserId });
    saveMonthlyReport(database.db, { districtId: ids.d1, month: '2024-04', values: monthlyValues({ ...values, watched_elderly: 121 }), userId: cityUserId });
    const events = database.db.select().from(auditEvents).where(eq(auditEvents.entity, 'monthly_report')).orderBy(asc(auditEvents.id)).all();
    const form = events.filter((e) => e.districtId === ids.d1);
    const file = events.filter((e) => e.districtId === ids.d2);
    expect(file.map((e) => [e.action, e.before, e.after, e.detail, e.userId])).toEqual(form.map((e) => [e.action, e.before, e.after, e.detail, e.userId]));
    const row = database.db.select().from(monthlyReports).where(eq(monthlyReports.districtId, ids.d2)).get()!;
    expect(row).toMatchObject({ version: 2, updatedBy: cityUserId, correctedByWard: false, flaggedFields: null });
  });

  it('a refused import leaves the stored figures as they were', () => {
    importCsv(database.db, 'monthly', csv([HEADERS.monthly, 'E01,2024-04,1,,,,,2,,,']), {});
    const before = storedFigures(database);
    const bad = importCsv(database.db, 'monthly', csv([HEADERS.monthly, 'E01,2024-05,5,,,,,9,,,', 'E99,2024-05,1,,,,,,,,']), {});
    expect(bad.ok).toBe(false);
    expect(importCsv(database.db, 'monthly', csv([HEADERS.monthly, 'E02,2024-05,5,,,,,9,,,']), { dryRun: true }).ok).toBe(true);
    expect(storedFigures(database)).toEqual(before);
  });
});

describe('reading files without quotes', () => {
  it('gives the same records and column-count errors as the CSV parser does for a file with quotes', () => {
    const plain = [
      HEADERS.monthly,
      'E01,2024-04,1,,,,,2,,,メモ',
      'E01,2024-05,1,,,,,2,,',
      '',
      '  ',
      'E01,2024-06,1,,,,,2,,,,',
      'E01,2024-07, 3 ,,,,,2,,,\u3000',
    ];
    const quoted = plain.map((l, i) => (i === 1 ? l.replace('メモ', '"メモ"') : l));
    const a = importCsv(database.db, 'monthly', csv(plain), { dryRun: true });
    const b = importCsv(database.db, 'monthly', csv(quoted), { dryRun: true });
    expect(a.ok).toBe(false);
    expect(a).toEqual(b);
    if (!a.ok) expect(a.errors.map((e) => e.line)).toEqual([3, 6]);
    const good = [HEADERS.monthly, 'E01,2024-04,1,,,,,2,,,メモ', '', 'E01,2024-07, 3 ,,,,,2,,,\u3000'];
    const c = importCsv(database.db, 'monthly', csv(good), { dryRun: true });
    const d = importCsv(database.db, 'monthly', csv(good.map((l, i) => (i === 1 ? l.replace('メモ', '"メモ"') : l))), { dryRun: true });
    expect(c).toMatchObject({ ok: true, counts: { created: 2, updated: 0, unchanged: 0 } });
    expect(c).toEqual(d);
  });
});
