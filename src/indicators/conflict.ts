/**
 * Nothing overwritten silently on the indicator forms (issue 13, DESIGN §11), pure:
 * the version of a target's stored values that a form was based on, whether a
 * save would change anything, and the rows of the conflict page (what is stored
 * now beside what was typed).
 *
 * The ward yearly form has no row of its own to carry a version number, so its
 * version is a digest of the stored values themselves: any change by anyone
 * (form, import, another tab) changes it, and no migration is needed.
 */
import { createHash } from 'node:crypto';
import { warekiLong } from '../domain/fiscalYear.js';
import { formatCount } from '../domain/numbers.js';
import { TOTAL } from './repository.js';
import { entryField, hasOwnTotal, type ActiveIndicator, type EntryCheck } from './values.js';

type StoredValues = ReadonlyMap<number, ReadonlyMap<number, number>>;

/**
 * The version of a target's stored values, carried by the form as a hidden field:
 * '' when nothing is stored (as a form that carries no version at all), otherwise a
 * SHA-256 digest of the cells (indicator, category, value) in a fixed order.
 */
export function valuesVersion(stored: StoredValues): string {
  const cells: [number, number, number][] = [];
  for (const [indicatorId, byCategory] of stored) for (const [categoryId, value] of byCategory) cells.push([indicatorId, categoryId, value]);
  if (cells.length === 0) return '';
  cells.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return createHash('sha256').update(JSON.stringify(cells)).digest('base64url');
}

/** The version a posted form was based on ('' when absent: a form opened when nothing was stored). */
export function postedValuesVersion(body: unknown): string {
  const v = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).version : undefined;
  return typeof v === 'string' ? v.slice(0, 100) : '';
}

/** True when saving the checked cells would change nothing that is stored (e.g. the second click of a double click). */
export function sameAsStored(cells: EntryCheck['cells'], stored: StoredValues): boolean {
  for (const [indicatorId, byCategory] of cells)
    for (const [categoryId, value] of byCategory) if ((stored.get(indicatorId)?.get(categoryId) ?? null) !== value) return false;
  return true;
}

/** One row of a conflict table: an indicator's total or one of its categories. */
export interface ConflictRow {
  field: string;
  label: string;
  numeric: true;
  stored: string;
  typed: string;
  differs: boolean;
}

/** A value on the conflict page, at the indicator's places (97 with one place: 97.0). */
const valueText = (value: number | null, unit: string, decimals: number) => (value === null ? '未入力' : `${formatCount(value, decimals)} ${unit}`);

/**
 * The conflict table's rows of the indicators that were posted: the stored
 * value beside the typed (checked) one, marked where they differ.
 */
export function indicatorConflictRows(active: readonly ActiveIndicator[], cells: EntryCheck['cells'], stored: StoredValues): ConflictRow[] {
  const rows: ConflictRow[] = [];
  for (const a of active) {
    const { indicator } = a;
    const typed = cells.get(indicator.id);
    const row = (field: string, label: string, categoryId: number): ConflictRow => {
      const s = stored.get(indicator.id)?.get(categoryId) ?? null;
      const t = typed?.get(categoryId) ?? null;
      return {
        field,
        label,
        numeric: true,
        stored: valueText(s, indicator.unit, indicator.decimals),
        typed: valueText(t, indicator.unit, indicator.decimals),
        differs: s !== t,
      };
    };
    if (hasOwnTotal(a)) rows.push(row(entryField(indicator.key), a.categories.length > 0 ? `${indicator.name}（合計）` : indicator.name, TOTAL));
    for (const c of a.categories) rows.push(row(entryField(indicator.key, c.key), `${indicator.name}（${c.name}）`, c.id));
  }
  return rows;
}

export interface WardConflictInput {
  ward: { id: number; name: string };
  fiscalYear: number;
  formUrl: string;
  active: readonly ActiveIndicator[];
  cells: EntryCheck['cells'];
  /** What was typed, by form field: carried to the overwrite as hidden fields, so nothing typed is lost. */
  typed: Record<string, string>;
  /** The values stored now. */
  stored: StoredValues;
  /** When the values stored now were last saved (in Japan time, formatted), and by whom; null when none is stored. */
  lastSaved: { updatedAt: string; editor: string | null } | null;
}

/** 409 on the ward yearly form: the stored values beside the typed ones, and the choice to keep or overwrite. */
export function wardConflictView(input: WardConflictInput) {
  const fyLabel = warekiLong(input.fiscalYear);
  return {
    title: `${input.ward.name}の${fyLabel}の指標：ほかの人が先に保存しました`,
    styles: ['monthly.css', 'indicators.css'],
    ward: input.ward,
    fiscalYear: input.fiscalYear,
    fyLabel,
    lastSaved: input.lastSaved,
    rows: indicatorConflictRows(input.active, input.cells, input.stored),
    action: input.formUrl,
    formUrl: input.formUrl,
    // Saving again on top of the values stored now overwrites them knowingly.
    currentVersion: valuesVersion(input.stored),
    typed: input.typed,
  };
}
