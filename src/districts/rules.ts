/**
 * The input rules of a district (校(地)区), one set for the district pages and
 * the districts CSV import (DESIGN §8: forms and imports refuse the same
 * things). Pure: each reader returns the value or the Japanese reason shown
 * beside the field (on a page) or for the line and column (in a file).
 */
import { readDistrictCode, readFiscalYear, readText, type CellResult } from '../domain/cells.js';

/** The fields of a district as the import's columns and the form's inputs name them. */
export const DISTRICT_FIELDS = ['code', 'name', 'kana', 'ward', 'active_from', 'active_to'] as const;
export type DistrictField = (typeof DISTRICT_FIELDS)[number];

/** A district's fields, read and normalised. */
export interface DistrictFields {
  code: string;
  name: string;
  kana: string;
  wardName: string;
  activeFrom: number | null;
  activeTo: number | null;
}

/** Codes that are words in the district pages' URLs. */
const RESERVED_CODES = ['new'];
const NAME_MAX = 100;
const KANA_MAX = 100;
const WARD_MAX = 50;

function requiredText(cell: string, max: number): CellResult<string> {
  const r = readText(cell, { required: true, max });
  return r.ok ? { ok: true, value: r.value ?? '' } : r;
}

/**
 * A kana reading, folded so that the list sorts the same whichever way it was
 * typed: half-width katakana widened (NFKC) and katakana written as hiragana.
 */
export function normaliseKana(s: string): string {
  return s.normalize('NFKC').replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
}

/** Each field's reader: the same for a form input and a CSV cell. */
export const DISTRICT_RULES = {
  code: (cell: string): CellResult<string> => {
    const r = readDistrictCode(cell);
    // /districts/new is the page that adds a district, so a district with that code could not be opened.
    return r.ok && RESERVED_CODES.includes(r.value) ? { ok: false, message: `「${r.value}」は校(地)区コードには使えません。別のコードにしてください。` } : r;
  },
  name: (cell: string) => requiredText(cell, NAME_MAX),
  kana: (cell: string): CellResult<string> => {
    const r = requiredText(cell, KANA_MAX);
    return r.ok ? { ok: true, value: normaliseKana(r.value) } : r;
  },
  ward: (cell: string) => requiredText(cell, WARD_MAX),
  active_from: (cell: string) => readFiscalYear(cell, false),
  active_to: (cell: string) => readFiscalYear(cell, false),
} satisfies Record<DistrictField, (cell: string) => CellResult<unknown>>;

export const ACTIVE_YEARS_MESSAGE = '活動の終了年度は開始年度と同じか、それより後にしてください。';

/** What reading a district gave: the fields (when every one is right), the ward as typed, and a message per wrong field. */
export interface DistrictReading {
  data: DistrictFields | null;
  /** The ward name when it could be read (a new ward is checked by the caller, who knows which wards exist). */
  wardName: string | undefined;
  errors: Partial<Record<DistrictField, string>>;
}

/** Reads a district from its cells (a CSV row or a form), field by field, in column order. */
export function readDistrict(cell: (field: DistrictField) => string): DistrictReading {
  const errors: Partial<Record<DistrictField, string>> = {};
  const take = <T>(field: DistrictField, read: (c: string) => CellResult<T>): T | undefined => {
    const r = read(cell(field));
    if (r.ok) return r.value;
    errors[field] = r.message;
    return undefined;
  };
  const code = take('code', DISTRICT_RULES.code);
  const name = take('name', DISTRICT_RULES.name);
  const kana = take('kana', DISTRICT_RULES.kana);
  const wardName = take('ward', DISTRICT_RULES.ward);
  const activeFrom = take('active_from', DISTRICT_RULES.active_from);
  const activeTo = take('active_to', DISTRICT_RULES.active_to);
  if (activeFrom != null && activeTo != null && activeTo < activeFrom) errors.active_to ??= ACTIVE_YEARS_MESSAGE;
  const ok = Object.keys(errors).length === 0 && code !== undefined && name !== undefined && kana !== undefined && wardName !== undefined;
  return {
    data: ok ? { code, name, kana, wardName, activeFrom: activeFrom ?? null, activeTo: activeTo ?? null } : null,
    wardName,
    errors,
  };
}
