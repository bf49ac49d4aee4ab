/**
 * Plausibility check of monthly counts (DESIGN §7): a value far from the
 * district's recent values is saved only after the user confirms it.
 * Pure: the caller passes the recent months' values.
 */

export interface PlausibilityOptions {
  /** A value above factor × recent max, or below recent min ÷ factor, is far off. */
  factor: number;
  /**
   * Differences smaller than this never count, so that 1 → 4 meetings or
   * 2 → 9 cases do not nag people about tiny numbers.
   */
  minDifference?: number;
}

export const DEFAULT_MIN_DIFFERENCE = 10;

/** The range of a field's recent values (only months where it was reported). */
export interface RecentRange {
  min: number;
  max: number;
}

/** Smallest and largest reported value, or null when nothing was reported. */
export function recentRange(values: readonly (number | null | undefined)[]): RecentRange | null {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min === Infinity ? null : { min, max };
}

/** True when `value` lies far outside `range` (see PlausibilityOptions). */
export function isFarFromRange(value: number, range: RecentRange, options: PlausibilityOptions): boolean {
  const minDifference = options.minDifference ?? DEFAULT_MIN_DIFFERENCE;
  if (value > options.factor * range.max && value - range.max >= minDifference) return true;
  if (range.min > 0 && value < range.min / options.factor && range.min - value >= minDifference) return true;
  return false;
}

/**
 * The fields of `values` that are far from the same fields in `recent`
 * (the district's previous months), each with the recent range to show.
 * Blank values and fields with no recent values are never flagged.
 */
export function findImplausible<F extends string>(
  fields: readonly F[],
  values: Readonly<Record<F, number | null>>,
  recent: readonly Readonly<Partial<Record<F, number | null>>>[],
  options: PlausibilityOptions,
): Map<F, RecentRange> {
  const out = new Map<F, RecentRange>();
  for (const field of fields) {
    const value = values[field];
    if (value === null || value === undefined) continue;
    const range = recentRange(recent.map((r) => r[field]));
    if (range && isFarFromRange(value, range, options)) out.set(field, range);
  }
  return out;
}
