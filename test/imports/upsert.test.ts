import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import type { Database$ } from '../../src/db/index.js';
import { auditEvents } from '../../src/db/schema.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { getMonthlyReport, saveMonthlyReport, valuesOf } from '../../src/monthlyReports/repository.js';
import { closeFiscalYear } from '../../src/fiscalYears/repository.js';
import { seedSmallCity } from '../support/app.js';
import { auditCount, csv, emptyValues, HEADERS, rowCounts, smallCityWithCityUser } from './support.js';

let database: Database$;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
let cityUserId: number;

beforeEach(async () => {
  ({ database, ids, cityUserId } = await smallCityWithCityUser());
});
afterEach(() => database.sqlite.close());

const monthly = (...rows: string[]) => csv([HEADERS.monthly, ...rows]);

describe('monthly rows upsert by district and month', () => {
  it('creates, then updates, then reports identical data as unchanged; every write is audited', () => {
    const first = monthly('E01,2024-04,100,10,,,,5,1,,', 'E01,2024-05,101,10,,,,2,,,');
    expect(importCsv(database.db, 'monthly', first, { userId: cityUserId })).toMatchObject({ ok: true, counts: { created: 2, updated: 0, unchanged: 0 } });

    const second = monthly('E01,2024-04,100,10,,,,5,1,,', 'E01,2024-05,105,10,,,,2,,,訂正', 'E02,2024-05,40,,,,,,,,');
    expect(importCsv(database.db, 'monthly', second, { userId: cityUserId })).toMatchObject({ ok: true, counts: { created: 1, updated: 1, unchanged: 1 } });
    const may = getMonthlyReport(database.db, ids.d1, '2024-05')!;
    expect(valuesOf(may)).toMatchObject({ watched_elderly: 105, note: '訂正' });
    expect(may.version).toBe(2);

    expect(importCsv(database.db, 'monthly', second, { userId: cityUserId })).toMatchObject({ ok: true, counts: { created: 0, updated: 0, unchanged: 3 } });

    const events = database.db.select().from(auditEvents).where(eq(auditEvents.entity, 'monthly_report')).orderBy(asc(auditEvents.id)).all();
    expect(events.map((e) => [e.action, e.districtId, e.month, e.userId])).toEqual([
      ['create', ids.d1, '2024-04', cityUserId],
      ['create', ids.d1, '2024-05', cityUserId],
      ['update', ids.d1, '2024-05', cityUserId],
      ['create', ids.d2, '2024-05', cityUserId],
    ]);
    const correction = events[2];
    if (!correction) throw new Error('no third audit event');
    expect(JSON.parse(correction.before!)).toMatchObject({ watched_elderly: 101, note: null });
    expect(JSON.parse(correction.after!)).toMatchObject({ watched_elderly: 105, note: '訂正' });
  });

  it('a blank cell in the file clears a value (the file states the whole month)', () => {
    importCsv(database.db, 'monthly', monthly('E01,2024-04,100,10,,,,5,,,'), {});
    importCsv(database.db, 'monthly', monthly('E01,2024-04,100,,,,,5,,,'), {});
    expect(getMonthlyReport(database.db, ids.d1, '2024-04')?.watchedDisability).toBeNull();
  });

  it('keeps a plausibility flag on a value the file leaves as it was', () => {
    const values = { ...emptyValues(), watched_elderly: 900, mutual_aid_cases: 4 };
    saveMonthlyReport(database.db, { districtId: ids.d1, month: '2024-04', values, userId: null, flaggedFields: ['watched_elderly', 'mutual_aid_cases'] });
    importCsv(database.db, 'monthly', monthly('E01,2024-04,900,,,,,5,,,'), {});
    expect(JSON.parse(getMonthlyReport(database.db, ids.d1, '2024-04')!.flaggedFields!)).toEqual(['watched_elderly']);
  });
});

describe('dry run', () => {
  it('counts what would change and writes nothing', () => {
    importCsv(database.db, 'monthly', monthly('E01,2024-04,100,,,,,,,,'), {});
    const before = rowCounts(database);
    const audits = auditCount(database);
    const result = importCsv(database.db, 'monthly', monthly('E01,2024-04,101,,,,,,,,', 'E02,2024-04,5,,,,,,,,', 'W01,2024-04,6,,,,,,,,'), { dryRun: true });
    expect(result).toMatchObject({ ok: true, counts: { created: 2, updated: 1, unchanged: 0 } });
    expect(rowCounts(database)).toEqual(before);
    expect(auditCount(database)).toBe(audits);
    expect(getMonthlyReport(database.db, ids.d1, '2024-04')?.watchedElderly).toBe(100);
  });

  it('reports the same errors as a real run', () => {
    const result = importCsv(database.db, 'monthly', monthly('E01,2024-04,-1,,,,,,,,'), { dryRun: true });
    expect(result.ok).toBe(false);
  });
});

describe('closed fiscal years', () => {
  beforeEach(() => closeFiscalYear(database.db, 2023, cityUserId));

  it('refuses months of a closed year without force, naming the line', () => {
    const before = rowCounts(database);
    const result = importCsv(database.db, 'monthly', monthly('E01,2024-04,1,,,,,,,,', 'E01,2024-03,1,,,,,,,,'), {});
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.errors.map((e) => [e.line, e.column])).toEqual([[3, 'month']]);
    expect(result.ok === false && result.errors.at(0)?.message).toContain('令和5年度は年度確定済み');
    expect(rowCounts(database)).toEqual(before);
  });

  it('writes them with force', () => {
    const result = importCsv(database.db, 'monthly', monthly('E01,2024-04,1,,,,,,,,', 'E01,2024-03,1,,,,,,,,'), { force: true });
    expect(result).toMatchObject({ ok: true, counts: { created: 2, updated: 0, unchanged: 0 } });
    expect(getMonthlyReport(database.db, ids.d1, '2024-03')?.watchedElderly).toBe(1);
  });
});
