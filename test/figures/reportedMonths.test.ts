import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { COUNT_FIELDS } from '../../src/domain/catalogue.js';
import { getMonthlyReport, saveMonthlyReport, valuesOf, type MonthlyValues } from '../../src/monthlyReports/repository.js';
import { reportedCounts, reportedVersion } from '../../src/figures/reportedMonths.js';
import { addDistrict, addWard } from '../support/app.js';

/*
 * What a ward's review and the indicator import read of a district-month, below both features
 * (src/figures/reportedMonths.ts): the same answers the monthly reports' own repository gives.
 */

let database: Database$;
let districtId: number;

beforeEach(async () => {
  database = await openDatabase(':memory:');
  districtId = addDistrict(database, { code: 'E01', name: '東一', wardId: addWard(database, '東区') });
});
afterEach(() => database.sqlite.close());

const blank = (): MonthlyValues => ({ ...(Object.fromEntries(COUNT_FIELDS.map((f) => [f, null])) as MonthlyValues), note: null });

describe('a district-month as the figures read it', () => {
  it('has no reported version and no counts before anything is saved', () => {
    expect(reportedVersion(database.db, districtId, '2024-04')).toBeNull();
    expect(reportedCounts(database.db, districtId, '2024-04')).toBeUndefined();
  });

  it('a note alone is no report of figures; a count makes the version the reported one', () => {
    saveMonthlyReport(database.db, { districtId, month: '2024-04', values: { ...blank(), note: '集計中' }, userId: null });
    expect(reportedVersion(database.db, districtId, '2024-04')).toBeNull();
    expect(reportedCounts(database.db, districtId, '2024-04')).toEqual(Object.fromEntries(COUNT_FIELDS.map((f) => [f, null])));
    saveMonthlyReport(database.db, { districtId, month: '2024-04', values: { ...blank(), mutual_aid_cases: 12, note: '集計中' }, userId: null });
    const stored = getMonthlyReport(database.db, districtId, '2024-04')!;
    expect(reportedVersion(database.db, districtId, '2024-04')).toBe(stored.version);
    expect(stored.version).toBe(2);
  });

  it('reads the counts by field name, as the monthly repository does', () => {
    const values = { ...blank() };
    COUNT_FIELDS.forEach((f, i) => (values[f] = 10 * (i + 1)));
    saveMonthlyReport(database.db, { districtId, month: '2024-05', values, userId: null });
    const { note: _note, ...counts } = valuesOf(getMonthlyReport(database.db, districtId, '2024-05')!);
    expect(reportedCounts(database.db, districtId, '2024-05')).toEqual(counts);
    expect(reportedCounts(database.db, districtId, '2024-06')).toBeUndefined();
  });
});
