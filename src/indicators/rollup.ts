/**
 * Yearly rollup of council-defined indicators (DESIGN §11). Pure: the caller
 * (figures.ts) aggregates the monthly rows in SQL and passes one aggregate per
 * district, category and fiscal year.
 *
 * Rules (`indicator_definitions.rollup`):
 * - `sum`: a district's year value is the sum of its months; a ward's or the
 *   city's is the sum over its districts (like ② and ⑤).
 * - `latest`: a district's year value is its value in the latest month it
 *   reported in the FY (like ①); a ward's or the city's is the sum over districts.
 * - `districts_meeting`: a district counts 1 when the sum of its months is at
 *   least the threshold, else 0 (like ③); a ward's or the city's value is the
 *   number of districts that count.
 * - `ratio` (a rate such as 民生委員の充足率): at every scope, 100 × the scope's value of
 *   the numerator ÷ the scope's value of the denominator — never the sum of the
 *   districts' or wards' rates; no value where the denominator is 0 or missing.
 * Ward-yearly indicators: the ward's value as entered; the city's is the sum over wards.
 * Categories are rolled up the same way, each on its own. Values are rounded to
 * the indicator's decimal places, so that sums never show float noise.
 *
 * Merges and splits: values stay with the district that entered them, and a
 * ward or the city sums whichever districts entered values in the FY — for
 * `sum` that is exactly what the seven items do for flows (a predecessor's
 * months before the merge count in the event's FY). No carrying of months
 * between predecessors and successors is attempted for `latest` or
 * `districts_meeting`: each district is judged on its own months.
 */
import type { IndicatorRollup } from '../db/schema.js';
import type { CellValue } from '../domain/rollup.js';
import { roundTo } from '../domain/numbers.js';

/** The category id of an indicator's total (`category_id` 0). */
export const TOTAL_CATEGORY = 0;

/** How an indicator's year is rolled up. */
export interface IndicatorRule {
  rollup: IndicatorRollup;
  /** For `districts_meeting`: a district counts when its year's sum is at least this. */
  threshold: number | null;
  /** Places after the decimal point the values are kept to (0 when left out). */
  decimals?: number;
}

/** One district's months of one indicator category in one FY, aggregated by SQL. */
export interface DistrictYearAggregate {
  districtId: number;
  categoryId: number;
  fiscalYear: number;
  /** Sum of the months' values. */
  sum: number;
  /** Months with a value. */
  months: number;
  /** The latest month with a value ('YYYY-MM') and its value. */
  latestMonth: string;
  latestValue: number;
}

/** A ward's entered value of one indicator category in one FY. */
export interface WardYearValue {
  wardId: number;
  categoryId: number;
  fiscalYear: number;
  value: number;
}

/** A district's year value by the rule: the sum, the latest month's value, or 1/0 against the threshold. */
export function districtYearValue(rule: IndicatorRule, agg: Pick<DistrictYearAggregate, 'sum' | 'latestValue'>): number {
  if (rule.rollup === 'latest') return agg.latestValue;
  if (rule.rollup === 'districts_meeting') return agg.sum >= (rule.threshold ?? 0) ? 1 : 0;
  return agg.sum;
}

/**
 * The value of a scope (one district, a ward or the city) from its districts'
 * aggregates of one category and one FY. No district with a value: null.
 */
export function rollupDistricts(rule: IndicatorRule, aggs: readonly Pick<DistrictYearAggregate, 'sum' | 'latestValue'>[]): CellValue {
  if (aggs.length === 0) return { value: null, districtsReported: 0 };
  let value = 0;
  for (const a of aggs) value += districtYearValue(rule, a);
  return { value: tidy(value, rule.decimals), districtsReported: aggs.length };
}

/** The city's (or one ward's) value of a ward-yearly indicator: the sum of the wards' values. */
export function rollupWards(values: readonly Pick<WardYearValue, 'value'>[], decimals?: number): CellValue {
  if (values.length === 0) return { value: null, districtsReported: 0 };
  let value = 0;
  for (const v of values) value += v.value;
  return { value: tidy(value, decimals), districtsReported: values.length };
}

/**
 * A rate (`ratio`) in one scope and year: 100 × numerator ÷ denominator, where both are that
 * scope's rolled-up values (sums over its districts or wards), rounded to `decimals`.
 * No value where either is missing or the denominator is 0.
 */
export function ratioValue(numerator: CellValue | undefined, denominator: CellValue | undefined, decimals: number): CellValue {
  const n = numerator?.value ?? null;
  const d = denominator?.value ?? null;
  if (n === null || d === null || d === 0) return { value: null, districtsReported: 0 };
  return { value: roundTo((100 * n) / d, decimals), districtsReported: Math.min(numerator!.districtsReported, denominator!.districtsReported) };
}

/** A ratio's cells over a window (its total only: a ratio has no categories) from its numerator's and denominator's totals. */
export function rollupRatioIndicator(
  numerator: IndicatorCells | undefined,
  denominator: IndicatorCells | undefined,
  decimals: number,
  fiscalYears: readonly number[],
): IndicatorCells {
  const byYear = new Map<number, CellValue>();
  for (const fy of fiscalYears) byYear.set(fy, ratioValue(numerator?.get(TOTAL_CATEGORY)?.get(fy), denominator?.get(TOTAL_CATEGORY)?.get(fy), decimals));
  return new Map([[TOTAL_CATEGORY, byYear]]);
}

/**
 * Adds a total (category 0) for every district and FY that has category values
 * but no total of its own — a breakdown such as the kinds of help of ② stores
 * no total. The total's months are the categories' months added up: its sum is
 * the sum of the categories' sums; its latest month is the latest month of any
 * category, valued at the sum of the categories reported in that month.
 */
export function withDerivedTotals(aggs: readonly DistrictYearAggregate[]): DistrictYearAggregate[] {
  const hasTotal = new Set<string>();
  for (const a of aggs) if (a.categoryId === TOTAL_CATEGORY) hasTotal.add(`${a.districtId}:${a.fiscalYear}`);
  const derived = new Map<string, DistrictYearAggregate>();
  for (const a of aggs) {
    if (a.categoryId === TOTAL_CATEGORY) continue;
    const k = `${a.districtId}:${a.fiscalYear}`;
    if (hasTotal.has(k)) continue;
    const t = derived.get(k);
    if (!t) {
      derived.set(k, { ...a, categoryId: TOTAL_CATEGORY });
      continue;
    }
    t.sum += a.sum;
    t.months = Math.max(t.months, a.months);
    if (a.latestMonth > t.latestMonth) {
      t.latestMonth = a.latestMonth;
      t.latestValue = a.latestValue;
    } else if (a.latestMonth === t.latestMonth) {
      t.latestValue += a.latestValue;
    }
  }
  return [...aggs, ...derived.values()];
}

/** Cells by category id, then fiscal year. */
export type IndicatorCells = Map<number, Map<number, CellValue>>;

/**
 * Rolls up a district-monthly indicator over a window: one cell per category
 * (0 = total) and fiscal year. `aggs` are the aggregates of the scope's districts.
 */
export function rollupDistrictIndicator(
  rule: IndicatorRule,
  aggs: readonly DistrictYearAggregate[],
  categoryIds: readonly number[],
  fiscalYears: readonly number[],
): IndicatorCells {
  return cellsByCategoryYear(withDerivedTotals(aggs), categoryIds, fiscalYears, (list) => rollupDistricts(rule, list));
}

/** Groups rows by category and fiscal year and rolls each group up: one cell per category (0 = total) and year of the window. */
function cellsByCategoryYear<T extends { categoryId: number; fiscalYear: number }>(
  rows: readonly T[],
  categoryIds: readonly number[],
  fiscalYears: readonly number[],
  rollup: (group: readonly T[]) => CellValue,
): IndicatorCells {
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const k = `${r.categoryId}:${r.fiscalYear}`;
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }
  const cells: IndicatorCells = new Map();
  for (const categoryId of [TOTAL_CATEGORY, ...categoryIds]) {
    const byYear = new Map<number, CellValue>();
    for (const fy of fiscalYears) byYear.set(fy, rollup(groups.get(`${categoryId}:${fy}`) ?? []));
    cells.set(categoryId, byYear);
  }
  return cells;
}

/**
 * Rolls up a ward-yearly indicator over a window: one cell per category and
 * fiscal year, summing the wards given (one ward, or every ward for the city).
 * A ward that entered only categories gets their sum as its total.
 */
export function rollupWardIndicator(
  values: readonly WardYearValue[],
  categoryIds: readonly number[],
  fiscalYears: readonly number[],
  decimals?: number,
): IndicatorCells {
  const hasTotal = new Set<string>();
  for (const v of values) if (v.categoryId === TOTAL_CATEGORY) hasTotal.add(`${v.wardId}:${v.fiscalYear}`);
  const derived = new Map<string, WardYearValue>();
  for (const v of values) {
    const k = `${v.wardId}:${v.fiscalYear}`;
    if (v.categoryId === TOTAL_CATEGORY || hasTotal.has(k)) continue;
    const t = derived.get(k);
    if (t) t.value += v.value;
    else derived.set(k, { ...v, categoryId: TOTAL_CATEGORY });
  }
  return cellsByCategoryYear([...values, ...derived.values()], categoryIds, fiscalYears, (list) => rollupWards(list, decimals));
}

/** True if something versioned by `firstFy`…`lastFy` (null: still counted) counts in `fy`. */
export function countsIn(span: { firstFy: number; lastFy: number | null }, fy: number): boolean {
  return span.firstFy <= fy && (span.lastFy === null || fy <= span.lastFy);
}

/** Sums of decimal values without float noise (0.1 + 0.2 → 0.3), at the indicator's places when known. */
function tidy(n: number, decimals?: number): number {
  if (Number.isInteger(n)) return n;
  return decimals === undefined ? Math.round(n * 1e6) / 1e6 : roundTo(n, decimals);
}
