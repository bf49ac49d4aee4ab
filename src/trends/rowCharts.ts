// The unit and table of a trend row (for the chart pages), and the per-row sparkline of the trend page (links between trend pages, charts and
// exports are built in src/web/urls.ts).
import { isHouseholdRowKey, ITEMS } from '../domain/items.js';
import { warekiShort } from '../domain/fiscalYear.js';
import type { TableKind, TrendRow } from './table.js';
import { sparkline } from '../web/svg.js';

const HOUSEHOLD_UNITS: Record<string, string> = { welfare_cooperators: '人' };

/** The unit of a row, for the axis: 世帯, 件, 校(地)区 … */
export function unitOf(key: string): string {
  if (isHouseholdRowKey(key)) return HOUSEHOLD_UNITS[key] ?? '世帯';
  return ITEMS.find((d) => String(d.item) === key)?.unit ?? '';
}

/** The table kind a row key belongs to. */
export function kindOfRow(key: string): TableKind {
  return isHouseholdRowKey(key) ? 'households' : 'items';
}

/** A small sparkline of a trend row (screen only). */
export function rowSparkline(row: TrendRow): string {
  const label = `${row.title}の推移：${row.values.map((c) => `${warekiShort(c.fiscalYear)} ${c.value === null ? 'なし' : c.value.toLocaleString('en-US')}`).join('、')}`;
  return sparkline(
    row.values.map((c) => c.value),
    { label, width: 72, height: 26 },
  );
}
