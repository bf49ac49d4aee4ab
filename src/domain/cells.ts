/**
 * Reading one CSV cell as people in Japan write it (DESIGN §8). Pure: each
 * reader returns the value or the Japanese reason shown for that line and column.
 */
import { parseCount, toHalfWidth } from './numbers.js';
import { parseDate } from './dates.js';
import { parseFiscalYear } from './fiscalYear.js';
import { isHouseholdRowKey, ITEMS } from './items.js';
import { characterCount, normaliseText } from './text.js';

export type CellResult<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): CellResult<T> => ({ ok: true, value });
const fail = <T>(message: string): CellResult<T> => ({ ok: false, message });

export const REQUIRED_MESSAGE = '必ず入力してください。';

/** Whether a cell starts and ends with a visible ASCII character, so that trimming leaves it as it is (most cells of a large file). */
export function hasPlainEnds(cell: string): boolean {
  if (cell === '') return true;
  const first = cell.charCodeAt(0);
  const last = cell.charCodeAt(cell.length - 1);
  return first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f;
}

// Up to seven half-width digits: always a count within DEFAULT_MAX_COUNT (9,999,999), read as parseCount reads it.
const PLAIN_COUNT = /^[0-9]{1,7}$/;

/** A count (件数・人数): blank is not reported (null). */
export function readCount(cell: string): CellResult<number | null> {
  // The cells of a large file are nearly all plain digits: those skip the full reader.
  if (PLAIN_COUNT.test(cell)) return { ok: true, value: Number(cell) };
  const r = parseCount(cell);
  return r.ok ? ok(r.value) : fail(r.message);
}

/** A date as `YYYY-MM-DD`; blank is null unless required. */
export function readDate(cell: string, required: boolean): CellResult<string | null> {
  if (cell === '') return required ? fail(REQUIRED_MESSAGE) : ok(null);
  const r = parseDate(cell);
  return r.ok ? ok(r.value) : fail(r.message);
}

/** A fiscal year written 2019, R1 or 令和元年度; blank is null unless required. */
export function readFiscalYear(cell: string, required: boolean): CellResult<number | null> {
  if (cell === '') return required ? fail(REQUIRED_MESSAGE) : ok(null);
  const fy = parseFiscalYear(cell);
  return fy === null ? fail('年度は 2019 または R1 のように入力してください。') : ok(fy);
}

const MONTH_RE = /^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?$/;

/** A month written 2024-04, 2024/4 or 2024年4月 (full-width digits too), as `YYYY-MM`. */
export function readMonth(cell: string): CellResult<string> {
  if (cell === '') return fail(REQUIRED_MESSAGE);
  const m = MONTH_RE.exec(toHalfWidth(cell).trim());
  const month = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12) return fail('月は 2024-04 または 2024/4 のように入力してください。');
  return ok(`${m[1]}-${String(month).padStart(2, '0')}`);
}

/** A yes/no written 1/0 or はい/いいえ; blank means no (いいえ). */
export function readBoolean(cell: string): CellResult<boolean> {
  const s = toHalfWidth(cell).trim();
  if (s === '' || s === '0' || s === 'いいえ') return ok(false);
  if (s === '1' || s === 'はい') return ok(true);
  return fail('1 か 0、または「はい」か「いいえ」で入力してください。');
}

/**
 * Text as the forms take it (one normaliser, domain/text.ts): NFC, trimmed, blank is null unless required;
 * control characters refused, and in one-line cells (names) invisible characters too.
 */
export function readText(cell: string, options: { required: boolean; max: number; multiline?: boolean }): CellResult<string | null> {
  const checked = normaliseText(cell, options.multiline ? 'multiline' : 'line');
  // Our exports put an apostrophe before text a spreadsheet would run as a formula (web/files.ts guardText): undo it.
  const s = (checked.ok ? checked.value : cell).trim().replace(/^'(?=[=+\-@])/, '');
  if (s === '') return options.required ? fail(REQUIRED_MESSAGE) : ok(null);
  if (!checked.ok) return fail(checked.message);
  if (characterCount(s) > options.max) return fail(`${options.max}文字以内で入力してください。`);
  return ok(s);
}

const CODE_RE = /^[A-Za-z0-9_-]{1,32}$/;

/** A district code: half-width letters, digits, - and _ (full-width typed ones are folded). */
export function readDistrictCode(cell: string): CellResult<string> {
  if (cell === '') return fail(REQUIRED_MESSAGE);
  const code = toHalfWidth(cell).trim();
  return CODE_RE.test(code) ? ok(code) : fail('校(地)区コードは半角の英数字（32文字以内）で入力してください。');
}

const KANJI_DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

function kanjiNumber(s: string): number | null {
  // Plans do not run past a few generations; 一 … 九十九 is plenty.
  const m = /^([一二三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(s);
  if (!m || s === '') return null;
  const digit = (c: string | undefined, none: number) => (c ? (KANJI_DIGITS[c] ?? none) : none);
  if (!m[2]) return m[1] && !m[3] ? digit(m[1], 0) : null;
  return digit(m[1], 1) * 10 + digit(m[3], 0);
}

/** A plan generation written 2, 第2次 or 第二次. */
export function readGeneration(cell: string): CellResult<number> {
  if (cell === '') return fail(REQUIRED_MESSAGE);
  const s = toHalfWidth(cell).trim();
  const m = /^第?\s*([0-9]+|[一二三四五六七八九十]+)\s*次?$/.exec(s);
  const digits = m?.[1];
  const n = digits === undefined ? null : /^[0-9]+$/.test(digits) ? Number(digits) : kanjiNumber(digits);
  if (n === null || n < 1 || n > 99) return fail('計画の次数は 1、第1次、第一次 のように入力してください。');
  return ok(n);
}

/** The catalogue's items, by number and by circled number (「1」 and 「①」 are item 1), as stored ('1'). */
const ITEM_CELLS = new Map(ITEMS.flatMap((d) => [[String(d.item), String(d.item)] as const, [d.circled, String(d.item)] as const]));
const ITEM_RANGE = `${ITEMS[0]?.item ?? ''}〜${ITEMS[ITEMS.length - 1]?.item ?? ''}`;

/** An agenda item 1–7 (or ①–⑦, or a household row key such as watched_elderly), as stored. */
export function readItem(cell: string): CellResult<string> {
  if (cell === '') return fail(REQUIRED_MESSAGE);
  const s = toHalfWidth(cell).trim();
  const item = ITEM_CELLS.get(s);
  if (item !== undefined) return ok(item);
  if (isHouseholdRowKey(s)) return ok(s);
  return fail(`項目は ${ITEM_RANGE} の番号で入力してください。`);
}
