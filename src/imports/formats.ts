/**
 * The CSV formats of DESIGN §8: one list of column names per kind of import.
 * The header row must name exactly these columns (in any order).
 */
import { COUNT_FIELDS } from '../monthlyReports/repository.js';

export const IMPORT_KINDS = ['districts', 'monthly', 'salons', 'plans', 'published', 'successions'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const IMPORT_COLUMNS: Record<ImportKind, readonly string[]> = {
  districts: ['code', 'name', 'kana', 'ward', 'active_from', 'active_to'],
  monthly: ['district_code', 'month', ...COUNT_FIELDS, 'note'],
  salons: ['district_code', 'name', 'venue', 'opened_on', 'closed_on', 'subsidy_applied'],
  plans: ['district_code', 'generation', 'formulated_fy', 'first_fy', 'last_fy'],
  published: ['item', 'fiscal_year', 'scope', 'value', 'note'],
  // Rows with the same event form one merge or split (src/successions/importer.ts).
  successions: ['event', 'predecessor_code', 'successor_code', 'first_month'],
};

/** What each kind of file holds, in Japanese (for help texts and messages). */
export const IMPORT_KIND_LABELS: Record<ImportKind, string> = {
  districts: '校(地)区',
  monthly: '月次報告',
  salons: 'サロン',
  plans: '小地域福祉活動計画',
  published: '公表値',
  successions: '統合・分割',
};
