/**
 * The shape of an agenda sheet (議題シート), DESIGN §6.
 *
 * `content` is what a city user composes (which tables and rows, labels,
 * footnotes, sections, case studies); a `PrintModel` is what the sheet prints,
 * figures included. Finalising (確定) stores the print model as `frozen`.
 * Both are stored as JSON, so both are read back through these schemas.
 */
import { z } from 'zod';
import { HOUSEHOLD_ROWS, ITEMS } from '../domain/items.js';
import { DEFAULT_THRESHOLDS, TREND_BASES } from '../domain/trend.js';
import { isIndicatorRowKey } from '../indicators/rowKeys.js';

export const TABLE_KINDS = ['items', 'households'] as const;
export type AgendaTableKind = (typeof TABLE_KINDS)[number];

export const ARROWS = ['', '↗', '→', '↘'] as const;
export type Arrow = (typeof ARROWS)[number];

export const HEADER_STYLES = ['short', 'long'] as const;
export type HeaderStyle = (typeof HEADER_STYLES)[number];

/** The sheet prints at most this many year columns: more do not fit A4 portrait. */
export const MAX_SHEET_YEARS = 7;
export const MAX_TABLES = 4;
export const MAX_SECTIONS = 12;
export const MAX_CASE_STUDIES_PER_SECTION = 6;

export const LIMITS = {
  heading: 100,
  subheading: 150,
  tableHeading: 100,
  overrideText: 12,
  footnoteMarker: 4,
  footnote: 300,
  tableNote: 1000,
  sectionHeading: 150,
  sectionBody: 20_000,
} as const;

/**
 * Row keys of a table kind, in printed order: ①–⑦ and then the council-defined
 * indicator rows offered (`ind:<key>`, src/indicators/agendaRows.ts), or the household rows.
 */
export function rowKeysOf(kind: AgendaTableKind, indicatorRows: readonly string[] = []): string[] {
  return kind === 'items' ? [...ITEMS.map((d) => String(d.item)), ...indicatorRows] : HOUSEHOLD_ROWS.map((r) => r.key);
}

const rowSchema = z.object({
  key: z.string().max(200),
  /** Replaces the computed label when text or arrow is given (DESIGN §5). */
  override: z.object({ text: z.string().max(LIMITS.overrideText), arrow: z.enum(ARROWS) }).default({ text: '', arrow: '' }),
  /** e.g. ※, printed after the label; its text goes under the table. */
  footnoteMarker: z.string().max(LIMITS.footnoteMarker).default(''),
  footnote: z.string().max(LIMITS.footnote).default(''),
});
export type AgendaRow = z.infer<typeof rowSchema>;

const thresholdsSchema = z
  .object({ flat: z.number().min(0).max(10), strong: z.number().min(0).max(10) })
  .refine((t) => t.flat <= t.strong, { message: '「ほぼ横ばい」の幅は「増加・減少」のしきい値以下にしてください。' });

export const agendaTableSchema = z
  .object({
    kind: z.enum(TABLE_KINDS),
    /** `city`, `ward:<name>` or `district:<code>`, as in the trend pages. */
    scope: z.string().max(120).default('city'),
    heading: z.string().max(LIMITS.tableHeading).default('前年度までの推移'),
    /** The chosen rows, in printed order. */
    rows: z.array(rowSchema).min(1),
    basis: z.enum(TREND_BASES as unknown as ['yoy', 'span', 'slope']).default('yoy'),
    thresholds: thresholdsSchema.default({ ...DEFAULT_THRESHOLDS }),
    /** R1 … R5 (short) or 令和元年度 … (long) column headers. */
    headerStyle: z.enum(HEADER_STYLES).default('short'),
    showTrend: z.boolean().default(true),
    /** Free notes printed under the footnotes (seed 003: ※ H27年度から…). */
    note: z.string().max(LIMITS.tableNote).default(''),
    /**
     * The fiscal years whose columns print (印刷する年度; seed 003 prints the 民生委員 table for
     * the election years H28, R1, R4 only). Absent: every year of the sheet's range. The trend
     * labels are computed over the whole range either way.
     */
    printYears: z.array(z.number().int().min(1868).max(9999)).min(1).max(MAX_SHEET_YEARS).optional(),
  })
  .superRefine((t, ctx) => {
    if (t.printYears && new Set(t.printYears).size !== t.printYears.length)
      ctx.addIssue({ code: 'custom', path: ['printYears'], message: '同じ年度が2回あります。' });
    const valid = new Set(rowKeysOf(t.kind));
    const seen = new Set<string>();
    for (const [i, r] of t.rows.entries()) {
      // An indicator row is checked against the definitions where the sheet is composed, not here.
      const indicatorRow = t.kind === 'items' && isIndicatorRowKey(r.key);
      if (!valid.has(r.key) && !indicatorRow) ctx.addIssue({ code: 'custom', path: ['rows', i, 'key'], message: `表にない行です（${r.key}）。` });
      if (seen.has(r.key)) ctx.addIssue({ code: 'custom', path: ['rows', i, 'key'], message: `同じ行が2回あります（${r.key}）。` });
      seen.add(r.key);
    }
  });
export type AgendaTable = z.infer<typeof agendaTableSchema>;

/** A case study picked from the register, or a copy of its text (kept when the register has none). */
export const caseStudyPickSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ref'), caseStudyId: z.number().int().positive() }),
  z.object({
    kind: z.literal('copy'),
    districtName: z.string().max(100),
    fiscalYear: z.number().int().min(1868).max(9999),
    title: z.string().max(200),
    body: z.string().max(LIMITS.sectionBody),
  }),
]);
export type CaseStudyPick = z.infer<typeof caseStudyPickSchema>;

export const agendaSectionSchema = z.object({
  heading: z.string().max(LIMITS.sectionHeading),
  body: z.string().max(LIMITS.sectionBody).default(''),
  /** Printed as 【取組事例①】… after the body. */
  caseStudies: z.array(caseStudyPickSchema).max(MAX_CASE_STUDIES_PER_SECTION).default([]),
});
export type AgendaSection = z.infer<typeof agendaSectionSchema>;

export const agendaContentSchema = z.object({
  tables: z.array(agendaTableSchema).min(1).max(MAX_TABLES),
  sections: z.array(agendaSectionSchema).max(MAX_SECTIONS).default([]),
});
export type AgendaContent = z.infer<typeof agendaContentSchema>;

/** A fresh table of a kind: every row in printed order, the usual settings. */
export function defaultTable(kind: AgendaTableKind, scope = 'city'): AgendaTable {
  return {
    kind,
    scope,
    heading: kind === 'items' ? '前年度までの推移' : '福祉協力員数・見守り世帯数の推移',
    rows: rowKeysOf(kind).map((key) => ({ key, override: { text: '', arrow: '' }, footnoteMarker: '', footnote: '' })),
    basis: 'yoy',
    thresholds: { ...DEFAULT_THRESHOLDS },
    headerStyle: 'short',
    // Seed 003 prints the household table without a 傾向 column.
    showTrend: kind === 'items',
    note: '',
  };
}

/** The content of a new sheet: the seven-item table, no sections yet. */
export function defaultContent(): AgendaContent {
  return { tables: [defaultTable('items')], sections: [] };
}

/** Reads stored content JSON; throws if it does not match the schema. */
export function parseContent(json: string): AgendaContent {
  return agendaContentSchema.parse(JSON.parse(json));
}

// ---------------------------------------------------------------------------
// What a sheet prints. Built from content and live figures, or read from `frozen`.

const printCellSchema = z.object({
  fiscalYear: z.number().int(),
  value: z.number().nullable(),
  /** Reason printed in a not-available cell (コロナ禍で正確な統計不可). */
  note: z.string().nullable(),
  origin: z.enum(['rollup', 'published', 'none']),
});
export type PrintCell = z.infer<typeof printCellSchema>;

const printRowSchema = z.object({
  key: z.string(),
  circled: z.string(),
  title: z.string(),
  /** Rows sharing a group print one merged cell for it (見守り世帯数 in seed 003). */
  group: z.string(),
  cells: z.array(printCellSchema),
  /** The printed label: the override, or the computed label. */
  label: z.object({ arrow: z.string(), text: z.string(), overridden: z.boolean(), footnoteMarker: z.string() }),
  computed: z.object({ arrow: z.string(), text: z.string(), change: z.number().nullable() }),
  /** Places after the decimal point of a council-defined indicator's figures (97.0); absent: whole numbers. */
  decimals: z.number().int().min(0).max(2).optional(),
});
export type PrintRow = z.infer<typeof printRowSchema>;

const printTableSchema = z.object({
  number: z.string(),
  heading: z.string(),
  kind: z.enum(TABLE_KINDS),
  scopeKey: z.string(),
  scopeLabel: z.string(),
  basis: z.string(),
  columns: z.array(z.object({ fiscalYear: z.number().int(), label: z.string() })),
  showTrend: z.boolean(),
  rows: z.array(printRowSchema),
  footnotes: z.array(z.object({ marker: z.string(), text: z.string() })),
  note: z.string(),
});
export type PrintTable = z.infer<typeof printTableSchema>;

const printCaseStudySchema = z.object({
  label: z.string(),
  districtName: z.string(),
  fiscalYear: z.number().int(),
  title: z.string(),
  body: z.string(),
});
export type PrintCaseStudy = z.infer<typeof printCaseStudySchema>;

const printSectionSchema = z.object({
  number: z.string(),
  heading: z.string(),
  body: z.string(),
  caseStudies: z.array(printCaseStudySchema),
});
export type PrintSection = z.infer<typeof printSectionSchema>;

export const printModelSchema = z.object({
  heading: z.string(),
  subheading: z.string(),
  fromFy: z.number().int(),
  toFy: z.number().int(),
  tables: z.array(printTableSchema),
  sections: z.array(printSectionSchema),
});
export type PrintModel = z.infer<typeof printModelSchema>;

/** Reads a stored frozen print model. */
export function parseFrozen(json: string): PrintModel {
  return printModelSchema.parse(JSON.parse(json));
}
