// Pure: turns yearly rollups and published figures into the rows of a trend table.
import { CATALOGUE, householdRows, itemRows, type Catalogue, type HouseholdRowKey, type ItemNumber } from '../domain/catalogue.js';
import type { CellValue } from '../domain/rollup.js';
import { computeTrend, type TrendBasis, type TrendResult, type TrendThresholds } from '../domain/trend.js';

export type CellOrigin = 'rollup' | 'published' | 'none';

/** A published figure for one cell: a number, or not available (null) with its reason. */
export interface PublishedValue {
  value: number | null;
  note: string | null;
}

export interface TrendCell {
  fiscalYear: number;
  /** What the table shows: the published figure if there is one, else the rollup. */
  value: number | null;
  origin: CellOrigin;
  /** Reason printed in a not-available cell. */
  note: string | null;
  districtsReported: number;
  /** The rollup, kept so the city can see where it differs from a published figure. */
  rollupValue: number | null;
}

export type TableKind = 'items' | 'households';
/**
 * An item number (`1`–`7`), a household row key, or `ind:<key>` and `ind:<key>:<category key>`: rows of
 * council-defined indicators (src/trends/indicatorRows.ts). The literal types name the city's rows; a copy of
 * the catalogue with more items or household rows gives their keys too, hence any string.
 */
export type RowKey = `${ItemNumber}` | HouseholdRowKey | `ind:${string}` | (string & {});

/** What an indicator row shows beyond the seven items' rows. */
export interface IndicatorRowInfo {
  /** The indicator's key (the API's `item`). */
  key: string;
  /** The category's key; null on the indicator's own row. */
  categoryKey: string | null;
  unit: string;
  /** 0: the indicator; 1: one of its categories, indented under it. */
  depth: 0 | 1;
  /** Places after the decimal point its figures are shown with (97.0). */
  decimals: number;
}

export interface TrendRow {
  key: RowKey;
  /** 1–7 for agenda items, null for household rows. */
  item: ItemNumber | null;
  circled: string;
  title: string;
  values: TrendCell[];
  trend: TrendResult;
  /** Set on the rows of council-defined indicators, after the seven items. */
  indicator?: IndicatorRowInfo;
}

export interface TableOptions {
  basis: TrendBasis;
  thresholds: TrendThresholds;
  /** What is counted: the rows of the items and household tables (the city's catalogue when left out). */
  catalogue?: Catalogue;
}

/** One row of a table before its figures. */
export interface RowDefinition {
  key: RowKey;
  item: ItemNumber | null;
  circled: string;
  title: string;
}

/** Rows of a table in its printed order: the catalogue's items, or its household rows (DESIGN §3, §4). */
export function rowDefinitions(kind: TableKind, catalogue: Catalogue = CATALOGUE): RowDefinition[] {
  if (kind === 'items') return itemRows(catalogue).map((d) => ({ key: d.key, item: d.item, circled: d.circled, title: d.title }));
  return householdRows(catalogue).map((r) => ({ key: r.key, item: null, circled: '', title: r.title }));
}

/** Builds one cell: a published figure wins over the rollup (DESIGN §4). */
export function makeCell(fiscalYear: number, rollup: CellValue | undefined, published: PublishedValue | undefined): TrendCell {
  const rollupValue = rollup?.value ?? null;
  const districtsReported = rollup?.districtsReported ?? 0;
  if (published) {
    return { fiscalYear, value: published.value, origin: 'published', note: published.note, districtsReported, rollupValue };
  }
  return { fiscalYear, value: rollupValue, origin: rollupValue === null ? 'none' : 'rollup', note: null, districtsReported, rollupValue };
}

/**
 * Assembles a trend table: one row per row of the catalogue (`options.catalogue`, the city's by default).
 * `rollups` maps a fiscal year to the rollup of every row; `published` is keyed `${rowKey}:${fiscalYear}`.
 */
export function buildTrendRows(
  kind: TableKind,
  fiscalYears: readonly number[],
  rollups: ReadonlyMap<number, Record<string, CellValue>>,
  published: ReadonlyMap<string, PublishedValue>,
  options: TableOptions,
): TrendRow[] {
  return rowDefinitions(kind, options.catalogue).map((def) => {
    const values = fiscalYears.map((fy) => makeCell(fy, rollups.get(fy)?.[def.key], published.get(`${def.key}:${fy}`)));
    const trend = computeTrend(
      values.map((c) => ({ fiscalYear: c.fiscalYear, value: c.value })),
      options.basis,
      options.thresholds,
    );
    return { ...def, values, trend };
  });
}

/** Fiscal years from `from` to `to` inclusive. */
export function yearRange(from: number, to: number): number[] {
  const years: number[] = [];
  for (let y = from; y <= to; y++) years.push(y);
  return years;
}
