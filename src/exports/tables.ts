// Pure: the rows of every download (trend tables, agenda tables, a district's year of
// monthly reports) as plain grids, which files.ts writes as CSV or .xlsx.
import { warekiLong, warekiShort } from '../domain/fiscalYear.js';
import type { CountField } from '../monthlyReports/repository.js';
import { CATALOGUE, monthlyImportColumns, monthlyValueColumns, type Catalogue } from '../domain/catalogue.js';
import type { TrendTable } from '../trends/repository.js';
import type { TrendRow } from '../trends/table.js';
import { printedRowTitle } from '../trends/indicatorRows.js';
import type { PrintModel } from '../agendas/content.js';
import { percentText } from '../agendas/form.js';

// Cells and grids are the web kit's file shapes (src/web/files.ts).
export type { Cell, Grid } from '../web/files.js';
import { decimalCell, type Cell, type Grid } from '../web/files.js';

function rowTitle(row: Pick<TrendRow, 'circled' | 'title' | 'indicator'>): string {
  return row.circled ? `${row.circled} ${row.title}` : printedRowTitle(row);
}

function trendText(arrow: string, text: string): string {
  return arrow && arrow !== '—' ? `${arrow} ${text}` : text;
}

/** Percent with one decimal as a number (7.0 for +7 %), or null. */
function percentNumber(change: number | null): number | null {
  return change === null || !Number.isFinite(change) ? null : Math.round(change * 1000) / 10;
}

/** A year cell as exported: the figure (with an indicator's decimal places), the not-available reason, or blank. */
function figure(value: number | null, note: string | null, decimals = 0): Cell {
  if (value !== null) return decimalCell(value, decimals);
  return note && note.trim() !== '' ? note : null;
}

/** Where each figure came from, as one line: 公表値: R1・R2／集計値: R3（報告 2/3）. */
function originNote(table: TrendTable, row: TrendRow): string {
  const published = row.values.filter((c) => c.origin === 'published').map((c) => warekiShort(c.fiscalYear));
  const rollup = row.values
    .filter((c) => c.origin === 'rollup')
    .map((c) => `${warekiShort(c.fiscalYear)}（報告 ${c.districtsReported}/${table.districtCounts.get(c.fiscalYear) ?? 0}）`);
  const parts: string[] = [];
  if (published.length > 0) parts.push(`公表値: ${published.join('・')}`);
  if (rollup.length > 0) parts.push(`集計値: ${rollup.join('・')}`);
  return parts.join('／');
}

const BASIS_LABELS: Record<string, string> = { yoy: '前年度比', span: '最初の年度と最後の年度', slope: '全年度の傾き' };

/**
 * A trend table as on the page: 項目 | R1 … R5 | 傾向 | 変化率(%) | 出典,
 * and a second grid with the origin of every cell.
 */
export function trendTableGrids(table: TrendTable): Grid[] {
  const years = table.fiscalYears.map((fy) => warekiShort(fy));
  const main: Grid = {
    name: table.kind === 'items' ? '推移表' : '見守り世帯の内訳',
    header: ['項目', ...years, '傾向', '変化率(%)', '出典'],
    rows: table.rows.map((row) => [
      rowTitle(row),
      ...row.values.map((c) => figure(c.value, c.note, row.indicator?.decimals)),
      trendText(row.trend.arrow, row.trend.text),
      percentNumber(row.trend.change),
      originNote(table, row),
    ]),
    notes: [
      `範囲：${table.scope.label}\u3000期間：${warekiLong(table.fiscalYears[0]!)}〜${warekiLong(table.fiscalYears[table.fiscalYears.length - 1]!)}`,
      `傾向の基準：${BASIS_LABELS[table.basis] ?? table.basis}、ほぼ横ばい ${percentText(table.thresholds.flat)}% 未満、増加・減少 ${percentText(table.thresholds.strong)}% 以上`,
    ],
    widths: [44, ...years.map(() => 12), 14, 11, 40],
  };
  const origins: Grid = {
    name: '出典',
    header: ['項目', '年度', '値', '出典', '集計値', '報告した校(地)区数', '校(地)区数', '注記'],
    rows: table.rows.flatMap((row) =>
      row.values.map((c) => [
        rowTitle(row),
        warekiShort(c.fiscalYear),
        c.value === null ? null : decimalCell(c.value, row.indicator?.decimals ?? 0),
        c.origin === 'published' ? '公表値' : c.origin === 'rollup' ? '集計値' : 'なし',
        c.rollupValue === null ? null : decimalCell(c.rollupValue, row.indicator?.decimals ?? 0),
        c.districtsReported,
        table.districtCounts.get(c.fiscalYear) ?? 0,
        c.note,
      ]),
    ),
    widths: [44, 8, 12, 8, 12, 18, 12, 30],
  };
  return [main, origins];
}

/** The agenda sheet's tables exactly as printed (frozen figures once finalised). */
export function agendaGrids(model: PrintModel): Grid[] {
  return model.tables.map((t, i) => {
    const header = [t.kind === 'items' ? '項目' : '年度', ...t.columns.map((c) => c.label), ...(t.showTrend ? ['傾向'] : [])];
    return {
      name: `表${i + 1}`,
      title: `${t.number} ${t.heading}${t.scopeKey === 'city' ? '' : `（${t.scopeLabel}）`}`,
      header,
      rows: t.rows.map((r) => [
        r.group ? `${r.group} ${r.title}` : rowTitle(r),
        ...r.cells.map((c) => figure(c.value, c.note, r.decimals)),
        ...(t.showTrend ? [trendText(r.label.arrow, r.label.text) + (r.label.footnoteMarker ? `(${r.label.footnoteMarker})` : '')] : []),
      ]),
      notes: [...t.footnotes.map((f) => `${f.marker} ${f.text}`), ...(t.note ? t.note.split('\n') : [])],
      widths: [44, ...t.columns.map((c) => Math.max(12, c.label.length * 2 + 2)), ...(t.showTrend ? [16] : [])],
    };
  });
}

/**
 * A district's reported months of one FY as a monthly-reports import file
 * (DESIGN §8): exactly the import's columns, one row per reported month, so
 * that importing the file back changes nothing. Unreported months have no row
 * (a blank row would not be "not reported" but a refused row). The columns
 * come from the catalogue.
 */
export function monthlyImportGrid(
  district: { code: string },
  fiscalYear: number,
  months: readonly string[],
  reports: ReadonlyMap<string, MonthValues>,
  catalogue: Catalogue = CATALOGUE,
): Grid {
  const header = monthlyImportColumns(catalogue);
  const values = monthlyValueColumns(catalogue);
  const rows: Cell[][] = [];
  for (const month of months) {
    const r = reports.get(month) as Record<string, number | string | null | undefined> | undefined;
    // A stored month with nothing in it (every value cleared) is not reported either.
    if (!r || values.every((c) => r[c] === null || r[c] === undefined)) continue;
    rows.push(header.map((c) => (c === 'district_code' ? district.code : c === 'month' ? month : (r[c] ?? null))));
  }
  return { name: warekiLong(fiscalYear), header, rows, widths: header.map((c) => (c === 'note' ? 40 : 16)) };
}

/** The monthly CSV columns (DESIGN §8), in order: from the catalogue. */
export const MONTHLY_COLUMNS: readonly (CountField | 'note')[] = Object.freeze(monthlyValueColumns(CATALOGUE) as (CountField | 'note')[]);
export type MonthlyColumn = CountField | 'note';

/** A month's values by column; undefined = no report that month. */
export type MonthValues = Partial<Record<MonthlyColumn, number | string | null>>;
