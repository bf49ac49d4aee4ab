/**
 * 公表値: the data the published-figures grid lays out, built from the trend
 * tables without a server. Every heading, number, origin word, difference and
 * link the page shows is written here; the template only loops.
 */
import { formatCount } from '../domain/numbers.js';
import { warekiShort } from '../domain/fiscalYear.js';
import type { TableKind, TrendCell, TrendRow } from '../trends/table.js';
import { viewHelpers } from '../views.js';

/** The heading of each grid. */
export const TABLE_TITLES: Record<TableKind, string> = { items: '7項目', households: '福祉協力員数・見守り世帯数の内訳' };

/** The word under a cell's number: where it comes from. */
export const ORIGIN_LABELS: Record<TrendCell['origin'], string> = { published: '公表値', rollup: '集計値', none: 'データなし' };

export interface PublishedFiguresViewInput {
  scope: { key: string; label: string };
  fromFy: number;
  toFy: number;
  /** The scopes offered in the picker. */
  scopeChoices: readonly { key: string; label: string }[];
  tables: readonly { kind: TableKind; fiscalYears: readonly number[]; rows: readonly Pick<TrendRow, 'key' | 'circled' | 'title' | 'values'>[] }[];
  /** Where a cell's 「入力・変更」 link goes. */
  editUrl: (item: string, fiscalYear: number) => string;
}

/** One cell of the grid: the figure shown, its origin and, for a published figure, how the rollup compares. */
export function figureCellView(c: TrendCell) {
  const published = c.origin === 'published';
  const differs = published && c.rollupValue !== null && c.rollupValue !== c.value;
  let rollup: { differs: true; text: string } | { differs: false } | null = null;
  if (published && c.rollupValue !== null) {
    if (differs) {
      const diff = c.value === null ? null : c.rollupValue - c.value;
      rollup = { differs: true, text: `集計値 ${formatCount(c.rollupValue)}${diff === null ? '' : `（差 ${diff > 0 ? '+' : ''}${formatCount(diff)}）`}` };
    } else {
      rollup = { differs: false };
    }
  }
  return {
    fiscalYear: c.fiscalYear,
    origin: c.origin,
    className: `num${published ? ' published' : ''}${differs ? ' differs' : ''}`,
    /** 「公表値なし：理由」 in place of a number, or null when a number (or —) is shown. */
    notAvailable: published && c.value === null ? `公表値なし：${c.note || ''}` : null,
    valueText: c.value === null ? '—' : formatCount(c.value),
    originLabel: ORIGIN_LABELS[c.origin],
    /** A published cell with a rollup: the rollup and the difference, or 集計値と同じ. */
    rollup,
  };
}

/** The page's data: heading, the scope and year pickers, and one grid per table kind. */
export function publishedFiguresView(input: PublishedFiguresViewInput) {
  return {
    title: `公表値（${input.scope.label}）`,
    heading: `公表値（${input.scope.label}）`,
    scopeChoices: input.scopeChoices.map((s) => ({ value: s.key, label: s.label, selected: s.key === input.scope.key })),
    from: String(input.fromFy),
    to: String(input.toFy),
    tables: input.tables.map((t) => ({
      kind: t.kind,
      title: TABLE_TITLES[t.kind],
      caption: `公表値：${TABLE_TITLES[t.kind]}（${input.scope.label}）`,
      years: t.fiscalYears.map((fy) => ({ short: warekiShort(fy), label: `${fy}年度` })),
      rows: t.rows.map((row) => ({
        key: row.key,
        circled: row.circled,
        /** The title as HTML (escaped, <wbr> between words). */
        titleHtml: viewHelpers.headBreaks(row.title),
        cells: row.values.map((c) => ({
          ...figureCellView(c),
          editUrl: input.editUrl(row.key, c.fiscalYear),
          editHint: `（${warekiShort(c.fiscalYear)} ${row.title}）`,
        })),
      })),
    })),
  };
}
