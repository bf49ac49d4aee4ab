/**
 * Figures of record (issue 9, DESIGN §4 and §7): every write stores the
 * district-years it touches in the same transaction, ward and city values are
 * one SQL aggregate over them, and a closed year's figures never change.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { districtYearFigures } from '../../src/db/schema.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { closeSalon, createSalon, deleteSalon, updateSalon } from '../../src/salons/repository.js';
import { createPlan, deletePlan, updatePlan } from '../../src/plans/repository.js';
import { updateSetting } from '../../src/settings/repository.js';
import { closeFiscalYear, reopenFiscalYear } from '../../src/fiscalYears/repository.js';
import { explainScopeFigures, loadScopeFigures } from '../../src/figures/repository.js';
import { rebuildFigures } from '../../src/figures/rebuild.js';
import { storeMissingYears } from '../../src/figures/recompute.js';
import { rollupHouseholds, rollupYear } from '../../src/domain/rollup.js';
import { loadRollupInput, loadTrendTable, resolveScope } from '../../src/trends/repository.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { ConflictError } from '../../src/errors.js';
import { csv, HEADERS } from '../imports/support.js';
import { monthlyValues } from '../support/app.js';
import { expectedFigures, smallCity, storedFigures, type SmallCity } from './support.js';

const YEARS = [2022, 2023, 2024];
let city: SmallCity;

beforeEach(async () => {
  city = await smallCity();
});
afterEach(() => city.database.sqlite.close());

function save(districtId: number, month: string, partial: Parameters<typeof monthlyValues>[0]) {
  const result = saveMonthlyReport(city.database.db, { districtId, month, values: monthlyValues(partial), userId: null });
  if (result.status === 'conflict') throw new Error('conflict');
  return result;
}

function row(districtId: number, fy: number) {
  return city.database.db
    .select()
    .from(districtYearFigures)
    .where(eq(districtYearFigures.fiscalYear, fy))
    .all()
    .find((r) => r.districtId === districtId);
}

/** A few months, a salon and a plan in each district. */
function seed() {
  const { db } = city.database;
  save(city.d1, '2023-04', {
    watched_elderly: 100,
    watched_other: 5,
    welfare_cooperators: 30,
    mutual_aid_cases: 4,
    coordination_meetings: 1,
    well_club_participants: 12,
  });
  save(city.d1, '2024-03', { watched_elderly: 110, watched_disability: 3, mutual_aid_cases: 6, coordination_meetings: 2 });
  save(city.d2, '2023-06', { watched_single_parent: 7, mutual_aid_cases: 1 });
  save(city.d3, '2023-05', { watched_elderly: 50, coordination_meetings: 1, well_club_participants: 3 });
  createSalon(db, city.d1, { name: 'ひまわり', venue: '公民館', openedOn: '2022-05-01', closedOn: null, subsidyApplied: false }, null);
  createSalon(db, city.d3, { name: 'さくら', venue: '', openedOn: '2023-10-01', closedOn: '2024-06-30', subsidyApplied: true }, null);
  createPlan(db, city.d2, { generation: 1, formulatedFy: 2023, firstFy: 2023, lastFy: 2027 }, null);
}

describe('stored on write', () => {
  it('a monthly save stores its district-year with every item, in the same transaction', () => {
    save(city.d1, '2023-04', {
      watched_elderly: 100,
      watched_other: 5,
      welfare_cooperators: 30,
      mutual_aid_cases: 4,
      coordination_meetings: 1,
      well_club_participants: 12,
    });
    expect(row(city.d1, 2023)).toMatchObject({
      wardId: city.wardA,
      active: 1,
      monthsReported: 1,
      watchedTotal: 105,
      watchedElderly: 100,
      watchedDisability: null,
      watchedOther: 5,
      welfareCooperators: 30,
      mutualAidCases: 4,
      meetingMonths: 1,
      regularMeetings: 0,
      regularMeetingMonths: 6,
      planFormulated: 0,
      wellClubParticipants: 12,
      salonsOpen: 0,
      planActive: 0,
    });
    // The year is stored whole: every active district has its row (not reported = NULL), W01 is not active yet.
    expect(row(city.d2, 2023)).toMatchObject({ active: 1, monthsReported: 0, watchedTotal: null, mutualAidCases: null, salonsOpen: 0 });
    expect(row(city.d3, 2022)).toBeUndefined();
    save(city.d1, '2024-03', { watched_elderly: 110, mutual_aid_cases: 6 });
    // ① is the sum of each category's latest value (DESIGN §4): elderly 110 (March) + other 5 (April).
    expect(row(city.d1, 2023)).toMatchObject({ monthsReported: 2, watchedTotal: 115, watchedElderly: 110, watchedOther: 5, mutualAidCases: 10 });
    expect(storedFigures(city.database, [2023])).toEqual(expectedFigures(city.database, [2023]));
  });

  it('registers, settings and imports keep every touched year equal to a full recompute', () => {
    seed();
    const { db } = city.database;
    const years = [2022, 2023, 2024, 2025, 2026, 2027];
    expect(storedFigures(city.database, years)).toEqual(expectedFigures(city.database, years));
    expect(row(city.d1, 2022)?.salonsOpen).toBe(1);
    expect(row(city.d3, 2023)?.salonsOpen).toBe(1);
    expect(row(city.d3, 2024)?.salonsOpen).toBe(0);
    expect(row(city.d2, 2027)?.planActive).toBe(1);

    const salon = createSalon(db, city.d2, { name: 'あおば', venue: '', openedOn: '2021-04-01', closedOn: null, subsidyApplied: false }, null);
    updateSalon(db, { districtId: city.d2, id: salon.id, expectedVersion: 1, userId: 1, input: { ...salon, openedOn: '2023-01-10' } });
    expect(row(city.d2, 2021)?.salonsOpen).toBe(0);
    expect(row(city.d2, 2022)?.salonsOpen).toBe(1);
    closeSalon(db, { districtId: city.d2, id: salon.id, expectedVersion: 2, userId: 1, closedOn: '2024-01-31' });
    expect(row(city.d2, 2023)?.salonsOpen).toBe(0);
    const plan = createPlan(db, city.d1, { generation: 1, formulatedFy: 2022, firstFy: 2022, lastFy: 2024 }, null);
    updatePlan(db, {
      districtId: city.d1,
      id: plan.id,
      expectedVersion: 1,
      userId: 1,
      input: { generation: 1, formulatedFy: 2024, firstFy: 2024, lastFy: 2026 },
    });
    expect(row(city.d1, 2022)).toMatchObject({ planFormulated: 0, planActive: 0 });
    expect(row(city.d1, 2024)).toMatchObject({ planFormulated: 1, planActive: 1 });
    updateSetting(db, 'regularMeetingMonths', 1, null);
    expect(row(city.d1, 2023)?.regularMeetings).toBe(1);
    const file = csv([HEADERS.monthly, 'E02,2024-05,1,2,3,4,5,6,1,8,', 'W01,2024-04,10,,,,,2,,,', 'E01,2023-08,,,,,,9,,,']);
    expect(importCsv(db, 'monthly', file)).toMatchObject({ ok: true, counts: { created: 3 } });
    deleteSalon(db, { districtId: city.d2, id: salon.id, expectedVersion: 3, userId: 1 });
    deletePlan(db, { districtId: city.d1, id: plan.id, expectedVersion: 2, userId: 1 });
    const all = [2021, ...years];
    expect(storedFigures(city.database, all)).toEqual(expectedFigures(city.database, all));
  });

  it('a districts import that moves a district to another ward moves its open years', () => {
    seed();
    const { db } = city.database;
    closeFiscalYear(db, 2022, 1);
    const file = csv([HEADERS.districts, 'E02,東二校区,ひがしに,西区,,']);
    expect(importCsv(db, 'districts', file)).toMatchObject({ ok: true, counts: { updated: 1 } });
    expect(row(city.d2, 2023)?.wardId).toBe(city.wardB);
    // Closed: the figures of record keep the ward they were agreed with.
    expect(row(city.d2, 2022)?.wardId).toBe(city.wardA);
    const ended = csv([HEADERS.districts, 'E01,東一校区,ひがしいち,東区,,2023']);
    expect(importCsv(db, 'districts', ended).ok).toBe(true);
    // An ended district has no row in a year it neither exists nor reports in; in 2023 it still counts.
    expect(row(city.d1, 2024)).toBeUndefined();
    expect(row(city.d1, 2023)).toMatchObject({ active: 1, salonsOpen: 1 });
    const years = [2022, 2023, 2024, 2025, 2026, 2027];
    expect(
      storedFigures(
        city.database,
        years.filter((y) => y !== 2022),
      ),
    ).toEqual(
      expectedFigures(
        city.database,
        years.filter((y) => y !== 2022),
      ),
    );
  });
});

describe('ward and city values by one SQL aggregate', () => {
  it('equal the pure rollup of every record, for the city, a ward and a district, both tables', () => {
    seed();
    const { db } = city.database;
    for (const key of ['city', 'ward:東区', 'ward:西区', 'district:E01', 'district:W01']) {
      const scope = resolveScope(db, key)!;
      const input = loadRollupInput(db, scope, 2020, 2026);
      const stored = loadScopeFigures(db, scope.type, scope.id, 2020, 2026);
      for (let fy = 2020; fy <= 2026; fy++) {
        expect(stored.get(fy)!.items, `${key} ${fy}`).toEqual(rollupYear(fy, input));
        expect(stored.get(fy)!.households, `${key} ${fy}`).toEqual(rollupHouseholds(fy, input));
      }
    }
    const table = loadTrendTable(db, resolveScope(db, 'city')!, { kind: 'items', fromFy: 2022, toFy: 2024, basis: 'yoy' });
    expect([...table.districtCounts]).toEqual([
      [2022, 2],
      [2023, 3],
      [2024, 3],
    ]);
    expect([...table.districtsReporting]).toEqual([
      [2022, 0],
      [2023, 3],
      [2024, 0],
    ]);
  });

  it('is served from the primary key or an index (EXPLAIN QUERY PLAN)', () => {
    seed();
    const { db } = city.database;
    const city$ = explainScopeFigures(db, 'city', 0, 2019, 2023).join(' | ');
    expect(city$).toMatch(/USING (INDEX sqlite_autoindex_district_year_figures_1|PRIMARY KEY)/);
    expect(city$).not.toMatch(/USE TEMP B-TREE FOR GROUP BY/);
    expect(explainScopeFigures(db, 'ward', city.wardA, 2019, 2023).join(' | ')).toMatch(/USING INDEX district_year_figures_ward_idx/);
    expect(explainScopeFigures(db, 'district', city.d1, 2019, 2023).join(' | ')).toMatch(/USING (INDEX|PRIMARY KEY)/);
  });

  it('computes a year nobody wrote into yet from its records, without writing (a GET never writes)', () => {
    seed();
    const { db } = city.database;
    db.delete(districtYearFigures).where(eq(districtYearFigures.fiscalYear, 2025)).run();
    for (const [type, id] of [
      ['city', 0],
      ['ward', city.wardA],
      ['district', city.d1],
    ] as const) {
      const f = loadScopeFigures(db, type, id, 2025, 2025).get(2025)!;
      const scope = resolveScope(db, type === 'city' ? 'city' : type === 'ward' ? 'ward:東区' : 'district:E01')!;
      expect(f.items).toEqual(rollupYear(2025, loadRollupInput(db, scope, 2025, 2025)));
    }
    expect(loadScopeFigures(db, 'city', 0, 2025, 2025).get(2025)!.items[6]).toEqual({ value: 1, districtsReported: 3 });
    expect(storedFigures(city.database, [2025]).size).toBe(0);
    // Start-up (or cli recompute) stores it.
    expect(storeMissingYears(db)).toContain(2025);
    expect(storedFigures(city.database, [2025])).toEqual(expectedFigures(city.database, [2025]));
  });
});

describe('closing a year freezes its figures (DESIGN §7)', () => {
  const CLOSED = /令和5年度は年度確定済みのため、変更できません。/;

  it('refuses monthly values, salon dates and plan years dated in the closed year, naming it', () => {
    seed();
    const { db } = city.database;
    closeFiscalYear(db, 2023, 1);
    const before = storedFigures(city.database, [2023]);
    expect(() => save(city.d1, '2023-05', { mutual_aid_cases: 1 })).toThrow(CLOSED);
    // Salons: a new opening or closing date in the closed year, or moving one out of it, or deleting it.
    expect(() => createSalon(db, city.d2, { name: 'x', venue: '', openedOn: '2023-07-01', closedOn: null, subsidyApplied: false }, null)).toThrow(CLOSED);
    expect(() => createSalon(db, city.d2, { name: 'x', venue: '', openedOn: '2022-07-01', closedOn: '2024-02-01', subsidyApplied: false }, null)).toThrow(
      CLOSED,
    );
    const [sakura] = db.query.salons.findMany({ where: (s, { eq: e }) => e(s.districtId, city.d3) }).sync();
    expect(() =>
      updateSalon(db, { districtId: city.d3, id: sakura!.id, expectedVersion: 1, userId: 1, input: { ...sakura!, openedOn: '2024-04-01' } }),
    ).toThrow(CLOSED);
    expect(() => deleteSalon(db, { districtId: city.d3, id: sakura!.id, expectedVersion: 1, userId: 1 })).toThrow(CLOSED);
    // Renaming a salon whose dates stay as they were is fine.
    expect(updateSalon(db, { districtId: city.d3, id: sakura!.id, expectedVersion: 1, userId: 1, input: { ...sakura!, name: 'さくら会' } }).status).toBe(
      'saved',
    );
    // Plans: formulated in, or a period that gains or loses the closed year.
    expect(() => createPlan(db, city.d1, { generation: 1, formulatedFy: 2023, firstFy: 2024, lastFy: 2026 }, null)).toThrow(CLOSED);
    expect(() => createPlan(db, city.d1, { generation: 1, formulatedFy: 2022, firstFy: 2022, lastFy: 2025 }, null)).toThrow(CLOSED);
    const [plan] = db.query.plans.findMany().sync();
    expect(() =>
      updatePlan(db, { districtId: city.d2, id: plan!.id, expectedVersion: 1, userId: 1, input: { ...plan!, formulatedFy: 2024, firstFy: 2024 } }),
    ).toThrow(CLOSED);
    expect(() => deletePlan(db, { districtId: city.d2, id: plan!.id, expectedVersion: 1, userId: 1 })).toThrow(ConflictError);
    expect(updatePlan(db, { districtId: city.d2, id: plan!.id, expectedVersion: 1, userId: 1, input: { ...plan!, lastFy: 2028 } }).status).toBe('saved');
    expect(storedFigures(city.database, [2023])).toEqual(before);
  });

  it('imports refuse rows dated in the closed year; with --force they are written but the figures stay frozen', () => {
    seed();
    const { db } = city.database;
    closeFiscalYear(db, 2023, 1);
    const before = storedFigures(city.database, [2023]);
    const salonsFile = csv([HEADERS.salons, 'E02,みどり,集会所,2023-09-01,,0']);
    const refused = importCsv(db, 'salons', salonsFile);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors).toEqual([{ line: 2, column: 'opened_on', message: expect.stringMatching(CLOSED) as unknown }]);
    const plansFile = csv([HEADERS.plans, 'E01,1,2023,2023,2025']);
    const refusedPlan = importCsv(db, 'plans', plansFile);
    expect(refusedPlan.ok).toBe(false);
    if (!refusedPlan.ok) expect(refusedPlan.errors[0]).toMatchObject({ line: 2, column: 'formulated_fy' });
    const monthly = csv([HEADERS.monthly, 'E01,2023-09,1,2,3,4,5,6,1,8,', 'E01,2024-04,1,,,,,2,,,']);
    const refusedMonthly = importCsv(db, 'monthly', monthly);
    expect(refusedMonthly.ok).toBe(false);
    if (!refusedMonthly.ok)
      expect(refusedMonthly.errors[0]).toMatchObject({ line: 2, column: 'month', message: expect.stringContaining('令和5年度は年度確定済み') as unknown });
    expect(importCsv(db, 'monthly', monthly, { force: true })).toMatchObject({ ok: true, counts: { created: 2 } });
    expect(importCsv(db, 'salons', salonsFile, { force: true }).ok).toBe(true);
    expect(storedFigures(city.database, [2023])).toEqual(before);
    expect(storedFigures(city.database, [2024])).toEqual(expectedFigures(city.database, [2024]));
    // Reopening recomputes the year from the records.
    reopenFiscalYear(db, 2023, 1);
    expect(storedFigures(city.database, [2023])).toEqual(expectedFigures(city.database, [2023]));
    expect(row(city.d1, 2023)?.mutualAidCases).toBe(16);
    expect(row(city.d2, 2023)?.salonsOpen).toBe(1);
  });

  it('settings and backdated registers change open years only; reopening recomputes', () => {
    seed();
    const { db } = city.database;
    closeFiscalYear(db, 2023, 1);
    const frozen = storedFigures(city.database, [2023]);
    const tableBefore = loadTrendTable(db, resolveScope(db, 'city')!, { kind: 'items', fromFy: 2023, toFy: 2023, basis: 'yoy' });
    updateSetting(db, 'regularMeetingMonths', 1, null);
    // A salon opened in an open year before the closed one counts from then on, but not in the closed year.
    createSalon(db, city.d2, { name: 'あおば', venue: '', openedOn: '2022-06-01', closedOn: null, subsidyApplied: false }, null);
    expect(storedFigures(city.database, [2023])).toEqual(frozen);
    expect(row(city.d2, 2022)?.salonsOpen).toBe(1);
    expect(row(city.d2, 2024)?.salonsOpen).toBe(1);
    expect(row(city.d1, 2024)?.regularMeetingMonths).toBe(1);
    const tableAfter = loadTrendTable(db, resolveScope(db, 'city')!, { kind: 'items', fromFy: 2023, toFy: 2023, basis: 'yoy' });
    expect(tableAfter.rows).toEqual(tableBefore.rows);
    // A recompute on demand leaves the closed year alone too.
    const rebuilt = rebuildFigures(db);
    expect(rebuilt.closedSkipped).toEqual([2023]);
    expect(rebuilt.changes).toEqual([]);
    expect(storedFigures(city.database, [2023])).toEqual(frozen);
    reopenFiscalYear(db, 2023, 1);
    expect(row(city.d1, 2023)).toMatchObject({ regularMeetings: 1, regularMeetingMonths: 1 });
    expect(row(city.d2, 2023)?.salonsOpen).toBe(1);
    expect(storedFigures(city.database, YEARS)).toEqual(expectedFigures(city.database, YEARS));
  });

  it('a closed year with no figures yet (a database from before them) is stored once by recompute, then frozen', () => {
    seed();
    const { db } = city.database;
    closeFiscalYear(db, 2023, 1);
    db.delete(districtYearFigures).where(eq(districtYearFigures.fiscalYear, 2023)).run();
    const rebuilt = rebuildFigures(db);
    expect(rebuilt.closedSkipped).toEqual([]);
    expect(rebuilt.years).toContain(2023);
    expect(storedFigures(city.database, [2023])).toEqual(expectedFigures(city.database, [2023]));
    expect(rebuildFigures(db).closedSkipped).toEqual([2023]);
  });
});
