// Pure: turns a sheet's content and its trend tables into what the sheet prints,
// and compares a frozen print model with the live one (確定後の変化).
import type { TrendTable } from '../trends/repository.js';
import { warekiLong, warekiShort } from '../domain/fiscalYear.js';
import { applyOverride, computeTrend } from '../domain/trend.js';
import { printedRowTitle } from '../trends/indicatorRows.js';
import { HOUSEHOLD_ROWS } from '../domain/items.js';
import type { AgendaContent, AgendaTable, HeaderStyle, PrintCaseStudy, PrintCell, PrintModel, PrintRow, PrintTable } from './content.js';

/** A case study's text as the register holds it. */
export interface CaseStudyText {
  id: number;
  districtName: string;
  fiscalYear: number;
  title: string;
  body: string;
}

export interface SheetHeader {
  heading: string;
  subheading: string;
  fromFy: number;
  toFy: number;
}

/** 12 → '１２': the paper numbers its sections with full-width digits. */
export function fullWidthNumber(n: number): string {
  return String(n).replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
}

/** 1 → '①' … 20 → '⑳'; beyond that, (21). */
export function circledNumber(n: number): string {
  return n >= 1 && n <= 20 ? String.fromCharCode(0x2460 + n - 1) : `(${n})`;
}

/** Column header of a fiscal year in the chosen style: R1 or 令和元年度. */
export function columnLabel(fy: number, style: HeaderStyle): string {
  return style === 'long' ? warekiLong(fy) : warekiShort(fy);
}

/** Case-study block labels: one alone is 【取組事例】 (seed 003), several are numbered (seed 000). */
export function caseStudyLabel(index: number, total: number): string {
  return total === 1 ? '【取組事例】' : `【取組事例${circledNumber(index + 1)}】`;
}

/**
 * The years whose columns a table prints: its chosen years (印刷する年度) that fall in the
 * window, in order; every year of the window when none is chosen or none of them falls in it.
 */
export function printedYears(spec: Pick<AgendaTable, 'printYears'>, windowYears: readonly number[]): number[] {
  const chosen = spec.printYears ? windowYears.filter((fy) => spec.printYears!.includes(fy)) : [];
  return chosen.length > 0 ? chosen : [...windowYears];
}

/**
 * One printed table from its settings and its loaded trend table (same window, same kind).
 * Only the chosen years' columns print (printedYears); the labels are computed over the whole window.
 * A chosen row the table does not have is left out, unless `blankRows` names
 * its title: then it is printed blank (a council-defined indicator that does
 * not count in the sheet's years, shown so in the editor).
 */
export function buildPrintTable(number: number, spec: AgendaTable, table: TrendTable, blankRows?: ReadonlyMap<string, string>): PrintTable {
  const byKey = new Map(table.rows.map((r) => [String(r.key), r]));
  const years = printedYears(spec, table.fiscalYears);
  const printed = new Set(years);
  const rows: PrintRow[] = [];
  for (const chosen of spec.rows) {
    const title = blankRows?.get(chosen.key);
    const row = byKey.get(chosen.key) ?? (title === undefined ? undefined : blankRow(table, title));
    if (!row) continue;
    const marker = chosen.footnoteMarker.trim();
    const { shown } = applyOverride(row.trend, { text: chosen.override.text.trim(), arrow: chosen.override.arrow, footnoteMarker: marker });
    rows.push({
      key: chosen.key,
      circled: row.circled,
      title: printedRowTitle(row),
      group: spec.kind === 'households' ? (HOUSEHOLD_ROWS.find((r) => r.key === chosen.key)?.group ?? '') : '',
      cells: row.values
        .filter((c) => printed.has(c.fiscalYear))
        .map((c): PrintCell => ({ fiscalYear: c.fiscalYear, value: c.value, note: c.note, origin: c.origin })),
      label: shown,
      computed: { arrow: row.trend.arrow, text: row.trend.text, change: row.trend.change },
      ...(row.indicator && row.indicator.decimals > 0 ? { decimals: row.indicator.decimals } : {}),
    });
  }
  const footnotes = spec.rows
    .filter((r) => r.footnoteMarker.trim() !== '' && r.footnote.trim() !== '')
    .map((r) => ({ marker: r.footnoteMarker.trim(), text: r.footnote.trim() }));
  return {
    number: fullWidthNumber(number),
    heading: spec.heading,
    kind: spec.kind,
    scopeKey: table.scope.key,
    scopeLabel: table.scope.label,
    basis: table.basis,
    columns: years.map((fy) => ({ fiscalYear: fy, label: columnLabel(fy, spec.headerStyle) })),
    showTrend: spec.showTrend,
    rows,
    footnotes,
    note: spec.note,
  };
}

/** A row with no figures and no label, for a chosen row the table does not have. */
function blankRow(table: TrendTable, title: string): TrendTable['rows'][number] {
  return {
    key: 'ind:',
    item: null,
    circled: '',
    title,
    values: table.fiscalYears.map((fy) => ({ fiscalYear: fy, value: null, origin: 'none', note: null, districtsReported: 0, rollupValue: null })),
    trend: computeTrend([], table.basis, table.thresholds),
  };
}

/**
 * What the sheet prints: tables numbered first (１ 前年度までの推移), then the
 * sections (２ …), case studies numbered across the sheet.
 * `tables[i]` is the trend table loaded for `content.tables[i]`.
 */
export function buildPrintModel(
  header: SheetHeader,
  content: AgendaContent,
  tables: readonly TrendTable[],
  caseStudies: ReadonlyMap<number, CaseStudyText>,
): PrintModel {
  const printTables = content.tables.map((spec, i) => buildPrintTable(i + 1, spec, tables[i]!));
  const resolved = content.sections.map((s) =>
    s.caseStudies.flatMap((pick) => {
      if (pick.kind === 'copy') return [{ districtName: pick.districtName, fiscalYear: pick.fiscalYear, title: pick.title, body: pick.body }];
      const found = caseStudies.get(pick.caseStudyId);
      // A case study deleted from the register drops out; the editor says so.
      return found ? [{ districtName: found.districtName, fiscalYear: found.fiscalYear, title: found.title, body: found.body }] : [];
    }),
  );
  const total = resolved.reduce((n, list) => n + list.length, 0);
  let seen = 0;
  const sections = content.sections.map((s, i) => ({
    number: fullWidthNumber(printTables.length + i + 1),
    heading: s.heading,
    body: s.body,
    caseStudies: resolved[i]!.map((c): PrintCaseStudy => ({ ...c, label: caseStudyLabel(seen++, total) })),
  }));
  return { heading: header.heading, subheading: header.subheading, fromFy: header.fromFy, toFy: header.toFy, tables: printTables, sections };
}

/** The subheading as printed: in parentheses unless the user already typed them. */
export function parenthesised(subheading: string): string {
  const s = subheading.trim();
  if (s === '') return '';
  return /^[（(]/.test(s) ? s : `（${s}）`;
}

// Where the paper breaks the long item titles (seed 000: ふれあいネットワーク／活動の見守り世帯数).
const TITLE_BREAK = /(?<=ネットワーク|定例的に|計画策定|計画推進|活動等の)(?=.)/u;

/** An item title in the pieces the paper keeps on one line each, so the printed rows break as seed 000's do. */
export function titleSegments(title: string): string[] {
  // A council's own long titles (seed 001) also break after punctuation and particles
  // (、・のをがてに) and before （, so that they wrap inside the title column.
  return title.split(TITLE_BREAK).flatMap((seg) => (seg.length > 12 ? seg.split(LONG_TITLE_BREAK) : [seg]));
}

const LONG_TITLE_BREAK = /(?<=[、・のをがてに])(?=[^）])|(?<=.)(?=（)/u;

/** Paragraphs of a text as typed: blank lines separate paragraphs, single line breaks stay. */
export function paragraphs(text: string): string[][] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) =>
      p
        .split('\n')
        .map((l) => l.trimEnd())
        .filter((l, i, all) => l !== '' || (i > 0 && i < all.length - 1)),
    )
    .filter((p) => p.length > 0);
}

// ---------------------------------------------------------------------------
// Drift: a finalised sheet against today's figures.

export interface CellDrift {
  frozen: PrintCell;
  live: PrintCell | null;
  /** live − frozen when both are numbers. */
  delta: number | null;
}

export interface LabelDrift {
  frozen: { arrow: string; text: string };
  live: { arrow: string; text: string; change: number | null };
}

export interface Drift {
  /** Keyed `${tableIndex}:${rowKey}:${fiscalYear}`. */
  cells: Map<string, CellDrift>;
  /** Rows whose printed (computed, not overridden) label would differ today, keyed `${tableIndex}:${rowKey}`. */
  labels: Map<string, LabelDrift>;
  /** Case-study blocks whose register text changed, keyed `${sectionIndex}:${index}`. */
  caseStudies: Set<string>;
}

/** Cell key used by Drift.cells. */
export function cellKey(tableIndex: number, rowKey: string, fiscalYear: number): string {
  return `${tableIndex}:${rowKey}:${fiscalYear}`;
}

function sameCell(a: PrintCell, b: PrintCell): boolean {
  return a.value === b.value && (a.value !== null || (a.note ?? '') === (b.note ?? ''));
}

/** Where today's figures differ from the frozen ones. */
export function compareModels(frozen: PrintModel, live: PrintModel): Drift {
  const drift: Drift = { cells: new Map(), labels: new Map(), caseStudies: new Set() };
  frozen.tables.forEach((ft, t) => {
    const lt = live.tables[t];
    const liveRows = new Map((lt?.rows ?? []).map((r) => [r.key, r]));
    for (const fr of ft.rows) {
      const lr = liveRows.get(fr.key);
      for (const fc of fr.cells) {
        const lc = lr?.cells.find((c) => c.fiscalYear === fc.fiscalYear) ?? null;
        if (lc && sameCell(fc, lc)) continue;
        const delta = lc && lc.value !== null && fc.value !== null ? lc.value - fc.value : null;
        drift.cells.set(cellKey(t, fr.key, fc.fiscalYear), { frozen: fc, live: lc, delta });
      }
      if (lr && !fr.label.overridden && (lr.computed.text !== fr.label.text || lr.computed.arrow !== fr.label.arrow)) {
        drift.labels.set(`${t}:${fr.key}`, { frozen: { arrow: fr.label.arrow, text: fr.label.text }, live: lr.computed });
      }
    }
  });
  frozen.sections.forEach((fs, s) => {
    const ls = live.sections[s];
    fs.caseStudies.forEach((fc, i) => {
      const lc = ls?.caseStudies[i];
      if (!lc || lc.body !== fc.body) drift.caseStudies.add(`${s}:${i}`);
    });
  });
  return drift;
}
