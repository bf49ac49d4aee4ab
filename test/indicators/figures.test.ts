import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, seedSmallCity, type TestContext } from '../support/app.js';
import { districtAggregateQuery, loadIndicatorFigures, wardValuesQuery } from '../../src/indicators/figures.js';
import { insertDistrictValues, insertIndicator, insertWardValues } from '../../src/demo/indicators.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

function valuesOf(figures: ReturnType<typeof loadIndicatorFigures>, key: string, categoryId = 0) {
  const f = figures.find((x) => x.definition.key === key)!;
  return [...f.cells.get(categoryId)!.values()].map((c) => c.value);
}

describe('loadIndicatorFigures', () => {
  it('rolls up district-monthly indicators by rule for the city, a ward and a district', () => {
    const { db } = ctx.database;
    const salon = insertIndicator(db, { key: 'salon_visits', name: 'サロン参加者数', unit: '人', enteredBy: 'district_monthly', rollup: 'sum', firstFy: 2023 });
    const members = insertIndicator(db, { key: 'members', name: '協力員数', unit: '人', enteredBy: 'district_monthly', rollup: 'latest', firstFy: 2023 });
    const active = insertIndicator(db, {
      key: 'active',
      name: '活動が盛んな校区数',
      unit: '校(地)区',
      enteredBy: 'district_monthly',
      rollup: 'districts_meeting',
      threshold: 10,
      firstFy: 2023,
    });
    insertDistrictValues(db, [
      // FY2023 (2023-04 … 2024-03). E01: 4 + 8 = 12; E02: 5; W01: 20 (March 2024 belongs to FY2023).
      { indicatorId: salon.id, districtId: ids.d1, month: '2023-04', value: 4 },
      { indicatorId: salon.id, districtId: ids.d1, month: '2023-10', value: 8 },
      { indicatorId: salon.id, districtId: ids.d2, month: '2023-05', value: 5 },
      { indicatorId: salon.id, districtId: ids.d3, month: '2024-03', value: 20 },
      // FY2024: E01 7 (April 2024 starts FY2024). Outside the window: 2025-04 (FY2025).
      { indicatorId: salon.id, districtId: ids.d1, month: '2024-04', value: 7 },
      { indicatorId: salon.id, districtId: ids.d1, month: '2025-04', value: 99 },
      // Latest: E01 30 in May then 32 in February → 32; E02 11 in March 2024 → 11.
      { indicatorId: members.id, districtId: ids.d1, month: '2023-05', value: 30 },
      { indicatorId: members.id, districtId: ids.d1, month: '2024-02', value: 32 },
      { indicatorId: members.id, districtId: ids.d2, month: '2024-03', value: 11 },
      // Meeting 10: E01 6 + 6 = 12 ✓, E02 9 ✗, W01 10 ✓.
      { indicatorId: active.id, districtId: ids.d1, month: '2023-06', value: 6 },
      { indicatorId: active.id, districtId: ids.d1, month: '2023-07', value: 6 },
      { indicatorId: active.id, districtId: ids.d2, month: '2023-06', value: 9 },
      { indicatorId: active.id, districtId: ids.d3, month: '2023-06', value: 10 },
    ]);
    const city = loadIndicatorFigures(db, { type: 'city', id: 0 }, 2023, 2024);
    expect(city.map((f) => f.definition.key)).toEqual(['salon_visits', 'members', 'active']);
    // City: 12 + 5 + 20 = 37 in FY2023, 7 in FY2024.
    expect(valuesOf(city, 'salon_visits')).toEqual([37, 7]);
    // City: 32 + 11 = 43.
    expect(valuesOf(city, 'members')).toEqual([43, null]);
    // City: E01 and W01 meet 10 → 2.
    expect(valuesOf(city, 'active')).toEqual([2, null]);
    const east = loadIndicatorFigures(db, { type: 'ward', id: ids.wardA }, 2023, 2024);
    // 東区 (E01, E02): 12 + 5 = 17; latest 32 + 11 = 43; meeting: E01 only → 1.
    expect(valuesOf(east, 'salon_visits')).toEqual([17, 7]);
    expect(valuesOf(east, 'members')).toEqual([43, null]);
    expect(valuesOf(east, 'active')).toEqual([1, null]);
    const e02 = loadIndicatorFigures(db, { type: 'district', id: ids.d2 }, 2023, 2024);
    // A district's own: 5; latest 11; 9 < 10 → 0 (not blank: it reported).
    expect(valuesOf(e02, 'salon_visits')).toEqual([5, null]);
    expect(valuesOf(e02, 'members')).toEqual([11, null]);
    expect(valuesOf(e02, 'active')).toEqual([0, null]);
  });

  it('rolls up categories and a breakdown that stores no total', () => {
    const { db } = ctx.database;
    const help = insertIndicator(db, {
      key: 'help_kinds',
      name: '助け合いの内訳',
      unit: '件',
      enteredBy: 'district_monthly',
      rollup: 'sum',
      breaksDownField: 'mutual_aid_cases',
      firstFy: 2023,
      categories: [
        { key: 'safety', name: '安否確認' },
        { key: 'shopping', name: '買い物' },
      ],
    });
    const safety = help.categoryIds.get('safety')!;
    const shopping = help.categoryIds.get('shopping')!;
    insertDistrictValues(db, [
      // E01 April: 3 安否確認 + 1 買い物 (its ② was 4); May: 2 安否確認. W01 June: 5 買い物.
      { indicatorId: help.id, categoryId: safety, districtId: ids.d1, month: '2023-04', value: 3 },
      { indicatorId: help.id, categoryId: shopping, districtId: ids.d1, month: '2023-04', value: 1 },
      { indicatorId: help.id, categoryId: safety, districtId: ids.d1, month: '2023-05', value: 2 },
      { indicatorId: help.id, categoryId: shopping, districtId: ids.d3, month: '2023-06', value: 5 },
    ]);
    const city = loadIndicatorFigures(db, { type: 'city', id: 0 }, 2023, 2023);
    // Total: 3 + 1 + 2 + 5 = 11, from two districts; 安否確認 3 + 2 = 5; 買い物 1 + 5 = 6.
    expect(city[0]!.cells.get(0)!.get(2023)).toEqual({ value: 11, districtsReported: 2 });
    expect(valuesOf(city, 'help_kinds', safety)).toEqual([5]);
    expect(valuesOf(city, 'help_kinds', shopping)).toEqual([6]);
  });

  it('sums ward-yearly values for the city and leaves them out of a district', () => {
    const { db } = ctx.database;
    const talks = insertIndicator(db, { key: 'talks', name: '話し合いの場の実施回数', unit: '回', enteredBy: 'ward_yearly', rollup: 'sum', firstFy: 2023 });
    insertWardValues(db, [
      { indicatorId: talks.id, wardId: ids.wardA, fiscalYear: 2023, value: 250 },
      { indicatorId: talks.id, wardId: ids.wardB, fiscalYear: 2023, value: 150 },
      { indicatorId: talks.id, wardId: ids.wardA, fiscalYear: 2024, value: 260 },
    ]);
    // City: 250 + 150 = 400 (seed 001's 話し合いの場), then 260 from one ward.
    expect(valuesOf(loadIndicatorFigures(db, { type: 'city', id: 0 }, 2023, 2024), 'talks')).toEqual([400, 260]);
    expect(valuesOf(loadIndicatorFigures(db, { type: 'ward', id: ids.wardB }, 2023, 2024), 'talks')).toEqual([150, null]);
    expect(loadIndicatorFigures(db, { type: 'district', id: ids.d1 }, 2023, 2024)).toEqual([]);
  });

  it('lists only indicators and categories that count in some year of the window', () => {
    const { db } = ctx.database;
    insertIndicator(db, { key: 'old', name: '終了した指標', unit: '件', enteredBy: 'district_monthly', rollup: 'sum', firstFy: 2015, lastFy: 2019 });
    insertIndicator(db, {
      key: 'later',
      name: '新しい指標',
      unit: '件',
      enteredBy: 'district_monthly',
      rollup: 'sum',
      firstFy: 2022,
      categories: [
        { key: 'a', name: 'A', firstFy: 2016, lastFy: 2019 },
        { key: 'b', name: 'B' },
      ],
    });
    const figures = loadIndicatorFigures(db, { type: 'city', id: 0 }, 2020, 2024);
    expect(figures.map((f) => f.definition.key)).toEqual(['later']);
    expect(figures[0]!.definition.categories.map((c) => c.key)).toEqual(['b']);
  });
});

describe('query plans', () => {
  function plan(query: ReturnType<typeof sql>): string {
    return ctx.database.db
      .all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${query}`)
      .map((r) => r.detail)
      .join('\n');
  }

  it('reads district values through the covering (indicator, month …) index, without a table scan', () => {
    for (const scope of [{ type: 'city', id: 0 } as const, { type: 'ward', id: ids.wardA } as const]) {
      const p = plan(districtAggregateQuery(scope, [1, 2], 2020, 2024));
      expect(p).toMatch(/district_indicator_values_(month|district)_idx/);
      expect(p).not.toMatch(/SCAN v\b(?! USING)/);
    }
    expect(plan(districtAggregateQuery({ type: 'district', id: ids.d1 }, [1], 2020, 2024))).toMatch(/USING (COVERING )?INDEX district_indicator_values_/);
  });

  it('reads ward values through their (indicator, fiscal year) index', () => {
    expect(plan(wardValuesQuery({ type: 'city', id: 0 }, [1, 2], 2020, 2024))).toMatch(/ward_indicator_values_fy_idx|sqlite_autoindex_ward_indicator_values/);
  });
});
