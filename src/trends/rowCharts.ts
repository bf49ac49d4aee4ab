// The unit and table of a trend row (for the chart pages), and the per-row sparkline of the trend
// page: they read the trend rows, so they live with the trends (the charts import them, not the
// other way round). Links between trend pages, charts and exports are built in src/web/urls.ts.
import { HOUSEHOLD_ROWS, isHouseholdRowKey, ITEMS } from '../domain/items.js';
import { warekiShort } from '../domain/fiscalYear.js';
import type { TableKind, TrendRow } from './table.js';
import { sparkline } from '../web/svg.js';

/** The unit of a row, for the axis: 世帯, 人, 件, 校(地)区 … (the catalogue's). */
export function unitOf(key: string): string {
  if (isHouseholdRowKey(key)) return HOUSEHOLD_ROWS.find((r) => r.key === key)?.unit ?? '';
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
