/**
 * Trend labels (傾向) for a row of yearly values, DESIGN §5.
 * The app suggests a label; people may override it.
 */

export type TrendBasis = 'yoy' | 'span' | 'slope';
export type TrendLevel = 'up' | 'slightup' | 'flat' | 'slightdown' | 'down';

export const TREND_BASES: readonly TrendBasis[] = ['yoy', 'span', 'slope'];

export const LEVELS: Record<TrendLevel, { arrow: '↗' | '→' | '↘'; text: string }> = {
  up: { arrow: '↗', text: '増加' },
  slightup: { arrow: '↗', text: 'やや増加' },
  flat: { arrow: '→', text: 'ほぼ横ばい' },
  slightdown: { arrow: '↘', text: 'やや減少' },
  down: { arrow: '↘', text: '減少' },
};

/** Fractions: |change| < flat is flat; flat ≤ |change| < strong is "slight". */
export interface TrendThresholds {
  flat: number;
  strong: number;
}

export const DEFAULT_THRESHOLDS: TrendThresholds = Object.freeze({ flat: 0.05, strong: 0.2 });

export interface TrendResult {
  basis: TrendBasis;
  change: number | null;
  level: TrendLevel | null;
  arrow: string;
  text: string;
}

export const NO_LABEL = '—';

export interface TrendPoint {
  fiscalYear: number;
  value: number | null;
}

/** Level of a change (a fraction, +0.07 = +7 %) under the given thresholds. */
export function levelFor(change: number, thresholds: TrendThresholds = DEFAULT_THRESHOLDS): TrendLevel {
  // Round away float noise so exactly 5 % (e.g. 100 → 105) counts as 5 %, not 4.9999…%.
  const size = Math.round(Math.abs(change) * 1e9) / 1e9;
  if (size < thresholds.flat) return 'flat';
  if (size < thresholds.strong) return change > 0 ? 'slightup' : 'slightdown';
  return change > 0 ? 'up' : 'down';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Theil–Sen estimator: median of the slopes between every pair of points. */
export function theilSenSlope(points: readonly { x: number; y: number }[]): number | null {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const a = points[i]!;
      const b = points[j]!;
      if (a.x !== b.x) slopes.push((b.y - a.y) / (b.x - a.x));
    }
  }
  return slopes.length === 0 ? null : median(slopes);
}

function changeFor(points: TrendPoint[], basis: TrendBasis): number | null {
  // Not-available and missing years are skipped, as on paper.
  const pts = points
    .filter((p): p is { fiscalYear: number; value: number } => typeof p.value === 'number' && Number.isFinite(p.value))
    .sort((a, b) => a.fiscalYear - b.fiscalYear);
  if (pts.length < 2) return null;
  const first = pts[0]!;
  const last = pts[pts.length - 1]!;
  let base: number;
  let delta: number;
  if (basis === 'yoy') {
    const before = pts[pts.length - 2]!;
    base = before.value;
    delta = last.value - before.value;
  } else if (basis === 'span') {
    base = first.value;
    delta = last.value - first.value;
  } else {
    const slope = theilSenSlope(pts.map((p) => ({ x: p.fiscalYear, y: p.value })));
    if (slope === null) return null;
    base = first.value;
    delta = slope * (last.fiscalYear - first.fiscalYear);
  }
  // Counts are never negative, so a base ≤ 0 only arises from 0: no meaningful ratio.
  if (!(base > 0)) return null;
  return delta / base;
}

/** Computed trend label of a row of yearly values (DESIGN §5); '—' when it cannot be computed. */
export function computeTrend(points: TrendPoint[], basis: TrendBasis, thresholds: TrendThresholds = DEFAULT_THRESHOLDS): TrendResult {
  const change = changeFor(points, basis);
  if (change === null) return { basis, change: null, level: null, arrow: NO_LABEL, text: NO_LABEL };
  const level = levelFor(change, thresholds);
  return { basis, change, level, arrow: LEVELS[level].arrow, text: LEVELS[level].text };
}

/** A label typed by a city user in place of the computed one. */
export interface TrendOverride {
  text: string;
  arrow: '↗' | '→' | '↘' | '';
  footnoteMarker?: string;
}

export interface ShownTrend {
  arrow: string;
  text: string;
  overridden: boolean;
  footnoteMarker: string;
}

/**
 * The label to print: the override if it has text or an arrow, else the computed one.
 * An override with only a footnote marker annotates the computed label without replacing it.
 */
export function applyOverride(computed: TrendResult, override?: TrendOverride | null): { computed: TrendResult; shown: ShownTrend } {
  const footnoteMarker = override?.footnoteMarker ?? '';
  if (!override || (override.text.trim() === '' && override.arrow === '')) {
    return { computed, shown: { arrow: computed.arrow, text: computed.text, overridden: false, footnoteMarker } };
  }
  return { computed, shown: { arrow: override.arrow, text: override.text, overridden: true, footnoteMarker } };
}

/** The trend basis named by `x`, or null. */
export function parseBasis(x: unknown): TrendBasis | null {
  return typeof x === 'string' && (TREND_BASES as readonly string[]).includes(x) ? (x as TrendBasis) : null;
}
