/**
 * The CSV formats of DESIGN §8: one list of column names per kind of import.
 * The header row must name exactly these columns (in any order).
 */
import { monthlyImportColumns, type Catalogue } from './catalogue.js';

export const IMPORT_KINDS = ['districts', 'monthly', 'salons', 'plans', 'published', 'successions', 'indicators', 'values'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const IMPORT_COLUMNS: Record<ImportKind, readonly string[]> = {
  districts: ['code', 'name', 'kana', 'ward', 'active_from', 'active_to'],
  // From the catalogue (src/domain/catalogue.ts): district_code, month, every count, note.
  monthly: monthlyImportColumns(),
  salons: ['district_code', 'name', 'venue', 'opened_on', 'closed_on', 'subsidy_applied'],
  plans: ['district_code', 'generation', 'formulated_fy', 'first_fy', 'last_fy'],
  published: ['item', 'fiscal_year', 'scope', 'value', 'note'],
  // Rows with the same event form one merge or split (src/successions/importer.ts).
  successions: ['event', 'predecessor_code', 'successor_code', 'first_month'],
  // Council-defined indicators and their values (DESIGN §11; src/indicators/importer.ts). Categories are separated by |.
  indicators: ['key', 'name', 'unit', 'entered_by', 'rollup', 'threshold', 'categories', 'first_fy', 'last_fy'],
  values: ['indicator', 'scope', 'period', 'category', 'value'],
};

/** Columns a file of a kind may add after the required ones (DESIGN §11: an indicator's decimals and a ratio's parts). */
export const OPTIONAL_IMPORT_COLUMNS: Partial<Record<ImportKind, readonly string[]>> = {
  indicators: ['decimals', 'numerator', 'denominator'],
};

/** What each kind of file holds, in Japanese (for help texts and messages). */
export const IMPORT_KIND_LABELS: Record<ImportKind, string> = {
  districts: '校(地)区',
  monthly: '月次報告',
  salons: 'サロン',
  plans: '小地域福祉活動計画',
  published: '公表値',
  successions: '統合・分割',
  indicators: '指標の定義',
  values: '指標の値',
};

/** The columns of a kind of file; the monthly ones from `catalogue` (the city's when left out, as IMPORT_COLUMNS). */
export function importColumns(kind: ImportKind, catalogue?: Catalogue): readonly string[] {
  return kind === 'monthly' && catalogue ? monthlyImportColumns(catalogue) : IMPORT_COLUMNS[kind];
}
