// Pure: council-defined indicators as rows of a trend table, after the seven
// items, labelled by the same bases and thresholds (DESIGN §5, §11).
import { computeTrend } from '../domain/trend.js';
import { makeCell, type TableOptions, type TrendRow } from './table.js';
import type { IndicatorFigures } from '../indicators/figures.js';
import { countsIn, TOTAL_CATEGORY, type IndicatorCells } from '../indicators/rollup.js';
import { indicatorRowKey } from '../indicators/rowKeys.js';

/**
 * The rows of every indicator in `figures`: each indicator, then its categories
 * indented under it. A year outside the indicator's (or category's) first and
 * last FY is blank. Listed: what counts in some year of the window and has a
 * value in the scope in some year — a council's indicator that nobody in the
 * scope entered (a ward that does not count it, a district that does not break
 * ② down) adds no row of dashes to the seven items.
 */
export function indicatorTrendRows(figures: readonly IndicatorFigures[], fiscalYears: readonly number[], options: TableOptions): TrendRow[] {
  const rows: TrendRow[] = [];
  for (const { definition: d, cells } of figures) {
    if (!fiscalYears.some((fy) => countsIn(d, fy))) continue;
    const total = row(
      indicatorRowKey(d.key),
      d.name,
      { key: d.key, categoryKey: null, unit: d.unit, depth: 0, decimals: d.decimals },
      cells,
      TOTAL_CATEGORY,
      d,
      fiscalYears,
      options,
    );
    if (!hasValue(total)) continue;
    rows.push(total);
    for (const c of d.categories) {
      if (!fiscalYears.some((fy) => countsIn(d, fy) && countsIn(c, fy))) continue;
      const span = { firstFy: Math.max(d.firstFy, c.firstFy), lastFy: minOrNull(d.lastFy, c.lastFy) };
      const category = row(
        indicatorRowKey(d.key, c.key),
        c.name,
        { key: d.key, categoryKey: c.key, unit: d.unit, depth: 1, decimals: d.decimals },
        cells,
        c.id,
        span,
        fiscalYears,
        options,
      );
      if (hasValue(category)) rows.push(category);
    }
  }
  return rows;
}

/** A row's title on paper and in files: an indicator with its unit, its categories indented under it. */
export function printedRowTitle(row: Pick<TrendRow, 'title' | 'indicator'>): string {
  if (!row.indicator) return row.title;
  if (row.indicator.depth === 1) return `\u3000${row.title}`;
  return row.indicator.unit ? `${row.title}（${row.indicator.unit}）` : row.title;
}

function hasValue(r: TrendRow): boolean {
  return r.values.some((c) => c.value !== null);
}

function row(
  key: `ind:${string}`,
  title: string,
  indicator: NonNullable<TrendRow['indicator']>,
  cells: IndicatorCells,
  categoryId: number,
  span: { firstFy: number; lastFy: number | null },
  fiscalYears: readonly number[],
  options: TableOptions,
): TrendRow {
  const values = fiscalYears.map((fy) => makeCell(fy, countsIn(span, fy) ? cells.get(categoryId)?.get(fy) : undefined, undefined));
  const trend = computeTrend(
    values.map((c) => ({ fiscalYear: c.fiscalYear, value: c.value })),
    options.basis,
    options.thresholds,
  );
  return { key, item: null, circled: '', title, values, trend, indicator };
}

function minOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
