/**
 * A large monthly file at the speed of SQLite (issue 9 item 5): a stored
 * breakdown of a field (the kinds of help of ②) is looked for in one read over
 * the file's months, and checked only on the district-months that hold one;
 * many touched district-years are recomputed year by year, with the figures a
 * full recompute gives.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import type { Database$ } from '../../src/db/index.js';
import { indicatorDefinitions } from '../../src/db/schema.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { storedYears } from '../../src/figures/recompute.js';
import { addMonths } from '../../src/domain/fiscalYear.js';
import { monthlyValues, seedSmallCity } from '../support/app.js';
import { expectedFigures, storedFigures } from '../figures/support.js';
import { monthsAgo, storeReport, typicalValues } from '../monthlyReports/helpers.js';
import { countStatementRuns, csv, HEADERS, smallCityWithCityUser } from './support.js';

let database: Database$;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
let cityUserId: number;

beforeEach(async () => {
  ({ database, ids, cityUserId } = await smallCityWithCityUser());
});
afterEach(() => database.sqlite.close());

/** Counts the runs of the per-row breakdown check (the join of a district-month's values with the breakdown definitions) while `run` runs. */
function breakdownChecks<T>(sqlite: Database.Database, run: () => T): { result: T; checks: number } {
  const { result, runs } = countStatementRuns(sqlite, /from\s+"district_indicator_values"\s+inner join\s+"indicator_definitions"/i, 'all', run);
  return { result, checks: runs };
}

const bytes = (lines: string[]) => Buffer.from([...lines, ''].join('\n'), 'utf8');

describe('a large monthly file', () => {
  it('checks a stored breakdown of ② only on the district-months that hold one, and still refuses a total that no longer adds up', () => {
    const { db, sqlite } = database;
    const month = monthsAgo(1);
    const fy = Number(month.slice(0, 4)) - (Number(month.slice(5, 7)) < 4 ? 1 : 0);
    const definitions = bytes([
      'key,name,unit,entered_by,rollup,threshold,categories,first_fy,last_fy',
      `help_kinds,助け合いの種類別の件数,件,district_monthly,sum,,安否確認|買い物,${fy - 3},`,
    ]);
    expect(importCsv(db, 'indicators', definitions).ok).toBe(true);
    db.update(indicatorDefinitions).set({ breaksDownField: 'mutual_aid_cases' }).where(eq(indicatorDefinitions.key, 'help_kinds')).run();
    storeReport(database, ids.d1, month, typicalValues({ mutual_aid_cases: 10 }));
    const values = bytes(['indicator,scope,period,category,value', `help_kinds,E01,${month},安否確認,6`, `help_kinds,E01,${month},買い物,4`]);
    expect(importCsv(db, 'values', values).ok).toBe(true);

    // 36 months of three districts; E01's last month holds the breakdown (6 + 4).
    const rows = (aidOfBrokenDown: number) => {
      const lines: string[] = [HEADERS.monthly];
      for (let i = 1; i <= 36; i++) {
        const m = addMonths(month, 1 - i);
        for (const code of ['E01', 'E02', 'W01']) lines.push(`${code},${m},5,,,,,${code === 'E01' && m === month ? aidOfBrokenDown : 3},1,,`);
      }
      return csv(lines);
    };
    const clean = breakdownChecks(sqlite, () => importCsv(db, 'monthly', rows(10), { userId: cityUserId }));
    expect(clean.result).toMatchObject({ ok: true, counts: { created: 107, updated: 1 } });
    expect(clean.checks).toBe(1);

    const refused = breakdownChecks(sqlite, () => importCsv(db, 'monthly', rows(12), { userId: cityUserId }));
    expect(refused.result.ok).toBe(false);
    if (refused.result.ok) return;
    expect(refused.result.errors.map((e) => [e.line, e.column])).toEqual([[2, 'mutual_aid_cases']]);
    expect(refused.result.errors[0]?.message).toContain('内訳の合計（10件）が助け合い件数（12件）と2件合いません');
    expect(refused.checks).toBe(1);
  });

  it('with no breakdown stored, runs no per-row breakdown check at all', () => {
    const lines: string[] = [HEADERS.monthly];
    for (let i = 1; i <= 24; i++) for (const code of ['E01', 'E02', 'W01']) lines.push(`${code},${monthsAgo(i)},5,,,,,3,1,,`);
    const { result, checks } = breakdownChecks(database.sqlite, () => importCsv(database.db, 'monthly', csv(lines), { userId: cityUserId }));
    expect(result).toMatchObject({ ok: true, counts: { created: 72 } });
    expect(checks).toBe(0);
  });

  it('recomputes many district-years (stored years and years not stored yet) as a full recompute would', () => {
    const { db } = database;
    // FY2010 and FY2020 hold stored figures before the file; the other years do not.
    saveMonthlyReport(db, { districtId: ids.d1, month: '2010-06', values: monthlyValues({ watched_elderly: 4, mutual_aid_cases: 1 }), userId: cityUserId });
    saveMonthlyReport(db, {
      districtId: ids.d2,
      month: '2021-01',
      values: monthlyValues({ watched_elderly: 9, coordination_meetings: 1 }),
      userId: cityUserId,
    });
    expect(storedYears(db)).toEqual([2010, 2020]);
    const lines: string[] = [HEADERS.monthly];
    for (let fy = 2004; fy <= 2023; fy++) {
      for (const [i, code] of ['E01', 'E02', 'W01'].entries()) {
        for (const m of ['05', '09', '12', '03']) {
          const month = m === '03' ? `${fy + 1}-03` : `${fy}-${m}`;
          lines.push(`${code},${month},${fy - 2000 + i},${i},,1,${fy % 7},${(fy + i) % 5},${m === '09' ? 1 : 0},${i * 3},`);
        }
      }
    }
    // 20 years × 3 districts: more district-years than are recomputed one by one.
    const result = importCsv(db, 'monthly', csv(lines), { userId: cityUserId, now: new Date('2024-06-15T00:00:00Z') });
    expect(result).toMatchObject({ ok: true, counts: { created: 240 } });
    const years = storedYears(db);
    expect(years).toEqual(Array.from({ length: 20 }, (_, i) => 2004 + i));
    expect(storedFigures(database, years)).toEqual(expectedFigures(database, years));

    // A second file changing every district-year again.
    const changed = importCsv(db, 'monthly', csv(lines.map((l, i) => (i === 0 ? l : l.replace(/,(\d+),/, (_, n: string) => `,${Number(n) + 2},`)))), {
      userId: cityUserId,
      now: new Date('2024-06-15T00:00:00Z'),
    });
    expect(changed).toMatchObject({ ok: true, counts: { updated: 240 } });
    expect(storedFigures(database, years)).toEqual(expectedFigures(database, years));
  });
});
