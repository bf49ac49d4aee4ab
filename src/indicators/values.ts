/**
 * Entering council-defined indicators (DESIGN §11), pure: which indicators and
 * categories count in a fiscal year, reading typed values, and the breakdown
 * rule (categories add up to the total; for a breakdown of a monthly field,
 * to that field's value, which stays the total). The monthly form, the ward
 * form and the `values` CSV import all check through `checkEntry`.
 */
import { formatCount, parseDecimal, plainNumber, roundTo } from '../domain/numbers.js';
import type { CountField } from '../domain/catalogue.js';
import { breakdownFieldLabel, countsIn } from './definitions.js';
import { TOTAL, type Indicator } from './repository.js';

/** An indicator as entered in one fiscal year: only the categories that count then. */
export interface ActiveIndicator {
  indicator: Indicator;
  categories: { id: number; key: string; name: string }[];
  /** The monthly field the categories add up to (the total is that field, not stored here). */
  breaksDownField: CountField | null;
}

/** The indicators entered by `enteredBy` that count in `fy`, with their categories of that year (a ratio is computed, never entered). */
export function activeIndicators(indicators: readonly Indicator[], enteredBy: Indicator['enteredBy'], fy: number): ActiveIndicator[] {
  return indicators
    .filter((i) => i.enteredBy === enteredBy && i.rollup !== 'ratio' && countsIn(i, fy))
    .map((i) => ({
      indicator: i,
      categories: i.categories.filter((c) => countsIn(c, fy)).map((c) => ({ id: c.id, key: c.key, name: c.name })),
      breaksDownField: i.breaksDownField as CountField | null,
    }));
}

/** The form field of an indicator's total, or of one of its categories. */
export function entryField(indicatorKey: string, categoryKey?: string): string {
  return categoryKey === undefined ? `ind-${indicatorKey}` : `ind-${indicatorKey}-${categoryKey}`;
}

/** Whether an active indicator has a total of its own to enter (not when it breaks down a monthly field). */
export const hasOwnTotal = (a: ActiveIndicator): boolean => a.breaksDownField === null;

/** A value as typed: blank is not entered (null); the indicator's unit may follow the number; up to `decimals` places. */
export function parseIndicatorValue(typed: string, unit: string, decimals = 0): { ok: true; value: number | null } | { ok: false; message: string } {
  return parseDecimal(typed, { decimals, units: [unit] });
}

/**
 * The breakdown rule: when any category has a value, the entered categories
 * must add up to the total. Returns the Japanese message or null.
 * `totalLabel` names the total (「合計」 or the monthly field, e.g. 助け合い件数).
 */
export function breakdownProblem(total: number | null, parts: readonly (number | null)[], unit: string, totalLabel: string, decimals = 0): string | null {
  const entered = parts.filter((p): p is number => p !== null);
  if (entered.length === 0) return null;
  // Sums of decimals are compared at the indicator's places (0.1 + 0.2 is 0.3).
  const sum = roundTo(
    entered.reduce((s, p) => s + p, 0),
    decimals,
  );
  const n = (v: number) => formatCount(v, decimals);
  if (total === null) return `内訳を入力したときは、${totalLabel}も入力してください（内訳の合計は${n(sum)}${unit}です）。`;
  if (sum === roundTo(total, decimals)) return null;
  const diff = roundTo(Math.abs(sum - total), decimals);
  return `内訳の合計（${n(sum)}${unit}）が${totalLabel}（${n(total)}${unit}）と${n(diff)}${unit}合いません（内訳が${sum > total ? '多い' : '少ない'}）。`;
}

export interface EntryCheck {
  /** What was typed, by form field (shown again after a failed save). */
  typed: Record<string, string>;
  /** Checked cells by indicator id, then category id (TOTAL for the total); null = not entered. */
  cells: Map<number, Map<number, number | null>>;
  /** One message per form field. */
  errors: Record<string, string>;
  /** True when anything was typed at all. */
  anyTyped: boolean;
}

/**
 * Reads and checks the typed values of the active indicators. `read(field)`
 * gives the typed text of a form field ('' when absent); `monthly` the month's
 * checked values of the fields an indicator may break down.
 */
export function checkEntry(
  active: readonly ActiveIndicator[],
  read: (field: string) => string,
  monthly: Partial<Record<CountField, number | null>> = {},
): EntryCheck {
  const typed: Record<string, string> = {};
  const errors: Record<string, string> = {};
  const cells = new Map<number, Map<number, number | null>>();
  let anyTyped = false;
  for (const a of active) {
    const unit = a.indicator.unit;
    const byCategory = new Map<number, number | null>();
    let failed = false;
    const take = (field: string, categoryId: number) => {
      const text = read(field);
      typed[field] = text;
      if (text.trim() !== '') anyTyped = true;
      const r = parseIndicatorValue(text, unit, a.indicator.decimals);
      if (r.ok) byCategory.set(categoryId, r.value);
      else {
        errors[field] = r.message;
        failed = true;
      }
    };
    const totalField = entryField(a.indicator.key);
    if (hasOwnTotal(a)) take(totalField, TOTAL);
    for (const c of a.categories) take(entryField(a.indicator.key, c.key), c.id);
    if (!failed && a.categories.length > 0) {
      const parts = a.categories.map((c) => byCategory.get(c.id) ?? null);
      const problem = a.breaksDownField
        ? breakdownProblem(monthly[a.breaksDownField] ?? null, parts, unit, breakdownFieldLabel(a.breaksDownField))
        : breakdownProblem(byCategory.get(TOTAL) ?? null, parts, unit, '合計', a.indicator.decimals);
      // Beside the total: the indicator's own total field, or the first category of a breakdown of a monthly field.
      const first = a.categories[0];
      if (problem) errors[hasOwnTotal(a) || !first ? totalField : entryField(a.indicator.key, first.key)] = problem;
    }
    cells.set(a.indicator.id, byCategory);
  }
  return { typed, cells, errors, anyTyped };
}

/** The typed values of stored cells (what the form shows before anything is typed). */
export function typedFromStored(active: readonly ActiveIndicator[], stored: ReadonlyMap<number, ReadonlyMap<number, number>>): Record<string, string> {
  const typed: Record<string, string> = {};
  for (const a of active) {
    const s = stored.get(a.indicator.id);
    const text = (id: number) => {
      const v = s?.get(id);
      return v === undefined ? '' : plainNumber(v, a.indicator.decimals);
    };
    if (hasOwnTotal(a)) typed[entryField(a.indicator.key)] = text(TOTAL);
    for (const c of a.categories) typed[entryField(a.indicator.key, c.key)] = text(c.id);
  }
  return typed;
}

/** A labelled list of the section's fields, for the error summary. */
export function entryLabels(active: readonly ActiveIndicator[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const a of active) {
    labels[entryField(a.indicator.key)] = `${a.indicator.name}（合計）`;
    for (const c of a.categories) labels[entryField(a.indicator.key, c.key)] = `${a.indicator.name}（${c.name}）`;
  }
  return labels;
}

/** storedBreakdownProblem's wording: the form's breakdown message, naming the monthly field. */
export const describeFieldBreakdown = (total: number | null, parts: number[], unit: string, field: string): string | null =>
  breakdownProblem(total, parts, unit, breakdownFieldLabel(field));
