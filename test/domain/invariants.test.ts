/**
 * Issue 13: the domain invariants are written once (src/domain/invariants.ts)
 * and the forms and the imports give the same answer in the same words: a
 * salon closes on or after it opened (閉鎖日, the form's word, in both), a
 * plan's period runs forward and it is formulated by its last year, and a
 * month that has not started cannot be reported.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database$ } from '../../src/db/index.js';
import { monthNotStartedProblems, planPeriodProblems, salonDateProblems } from '../../src/domain/invariants.js';
import { parseClosingForm, parseSalonForm } from '../../src/salons/form.js';
import { parsePlanForm } from '../../src/plans/form.js';
import { importCsv, type ImportResult } from '../../src/imports/importCsv.js';
import { seedSmallCity } from '../support/app.js';
import { csv, freshDatabase, HEADERS, rowCounts } from '../imports/support.js';

const CLOSED_BEFORE_OPENING = '閉鎖日は開設日と同じ日か、それより後の日付にしてください。';
const PERIOD_BACKWARDS = '推進期間の最後の年度は、最初の年度と同じか、それより後の年度にしてください。';
const FORMULATED_AFTER = '策定年度は、推進期間の最後の年度と同じか、それより前の年度にしてください。';

describe('the invariants themselves', () => {
  it('let a salon close on the day it opened or later, never before', () => {
    expect(salonDateProblems('2024-04-01', '2024-04-01')).toEqual([]);
    expect(salonDateProblems('2024-04-01', null)).toEqual([]);
    expect(salonDateProblems(undefined, '2024-03-31')).toEqual([]);
    expect(salonDateProblems('2024-04-01', '2024-03-31')).toEqual([{ field: 'closed_on', message: CLOSED_BEFORE_OPENING }]);
  });
  it('keep a plan period forward and formulated by its last year', () => {
    expect(planPeriodProblems({ formulatedFy: 2024, firstFy: 2024, lastFy: 2024 })).toEqual([]);
    expect(planPeriodProblems({ formulatedFy: 2023, firstFy: 2026, lastFy: 2024 })).toEqual([{ field: 'last_fy', message: PERIOD_BACKWARDS }]);
    expect(planPeriodProblems({ formulatedFy: 2027, firstFy: 2024, lastFy: 2026 })).toEqual([{ field: 'formulated_fy', message: FORMULATED_AFTER }]);
    expect(planPeriodProblems({ formulatedFy: null, firstFy: 2026, lastFy: undefined })).toEqual([]);
  });
  it('refuse a month after the one that holds today, in words for the form and for a file', () => {
    expect(monthNotStartedProblems('2026-12', '2026-12-31', 'entry')).toEqual([]);
    expect(monthNotStartedProblems('2027-01', '2026-12-31', 'entry')).toEqual([
      { field: 'month', message: '令和9年1月はまだ始まっていないため、入力できません。月が始まってから入力してください。' },
    ]);
    expect(monthNotStartedProblems('2027-01', '2026-12-31', 'import')[0]?.message).toBe(
      '令和9年1月はまだ始まっていないため、取り込めません。月が始まってから入力してください。',
    );
  });
});

describe('forms and imports give the same answer', () => {
  let database: Database$;
  beforeEach(async () => {
    database = await freshDatabase();
    await seedSmallCity(database);
  });
  afterEach(() => database.sqlite.close());

  const errorsOf = (result: ImportResult) => (result.ok ? [] : result.errors);

  it('a salon closed before it opened: beside 閉鎖日 on the form and in the file, in the same words', () => {
    const form = parseSalonForm({ name: 'ひだまり', venue: '', opened_on: '2024-04-01', closed_on: '2024-03-31' });
    expect(form.ok === false && form.errors).toEqual({ closed_on: CLOSED_BEFORE_OPENING });
    const closing = parseClosingForm({ closed_on: '2024-03-31' }, '2024-04-01');
    expect(closing.ok === false && closing.errors).toEqual({ closed_on: CLOSED_BEFORE_OPENING });
    const before = rowCounts(database);
    const result = importCsv(database.db, 'salons', csv([HEADERS.salons, 'E01,ひだまり,,2024-04-01,2024-03-31,0']), { now: new Date('2026-11-30T00:00:00Z') });
    expect(errorsOf(result)).toEqual([{ line: 2, column: 'closed_on', message: CLOSED_BEFORE_OPENING }]);
    expect(rowCounts(database)).toEqual(before);
  });

  it('a plan formulated after its last year: refused by the form and now by the import too', () => {
    const form = parsePlanForm({ generation: '1', formulated_fy: '2027', first_fy: '2024', last_fy: '2026' });
    expect(form.ok === false && form.errors).toEqual({ formulated_fy: FORMULATED_AFTER });
    const result = importCsv(database.db, 'plans', csv([HEADERS.plans, 'E01,1,R9,R6,R8', 'E02,1,R6,R8,R6']), { now: new Date('2026-11-30T00:00:00Z') });
    expect(errorsOf(result)).toEqual([
      { line: 2, column: 'formulated_fy', message: FORMULATED_AFTER },
      { line: 3, column: 'last_fy', message: PERIOD_BACKWARDS },
    ]);
    const backwards = parsePlanForm({ generation: '1', formulated_fy: '2024', first_fy: '2026', last_fy: '2024' });
    expect(backwards.ok === false && backwards.errors).toEqual({ last_fy: PERIOD_BACKWARDS });
  });
});
