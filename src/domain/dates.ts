/**
 * Calendar dates (日付) as typed in Japan: Gregorian with - or /, or wareki
 * (R6.4.1, 令和6年4月1日). Stored as `YYYY-MM-DD`.
 */
import { eraOfDate, eraYearToGregorian, eras, findEra } from './fiscalYear.js';
import { toHalfWidth } from './numbers.js';

export const DATE_MESSAGES = {
  format: '日付は 2024-04-01、2024/4/1、R6.4.1、令和6年4月1日 のように入力してください。',
  impossible: 'その日付は存在しません。',
} as const;

export type ParseDateResult = { ok: true; value: string | null } | { ok: false; message: string };

// Same separator twice, so '2024-4/1' reads as a typo rather than a date.
const GREGORIAN_RE = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/;
const GREGORIAN_KANJI_RE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$/;
const ERA_LETTER_RE = /^([A-Za-z])\s*(元|\d{1,2})([-/.])(\d{1,2})\3(\d{1,2})$/;

let eraKanjiRe: RegExp | undefined;
function eraKanjiPattern(): RegExp {
  // Built from ICU's era names so it knows exactly the eras the rest of the app knows.
  eraKanjiRe ??= new RegExp(
    `^(${eras()
      .map((e) => e.name)
      .join('|')})\\s*(元|\\d{1,2})\\s*年\\s*(\\d{1,2})\\s*月\\s*(\\d{1,2})\\s*日?$`,
  );
  return eraKanjiRe;
}

function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const dim = new Date(0);
  dim.setUTCFullYear(y, m, 0); // day 0 of the next month = last day of month m
  return d <= dim.getUTCDate();
}

function ymd(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function checked(y: number | null, m: number, d: number): ParseDateResult {
  if (y === null || !isRealDate(y, m, d)) return { ok: false, message: DATE_MESSAGES.impossible };
  return { ok: true, value: ymd(y, m, d) };
}

function eraYear(s: string): number {
  return s === '元' ? 1 : Number(s);
}

/** Parse a typed date to `YYYY-MM-DD`; blank → null; otherwise a Japanese message. */
export function parseDate(input: string | null | undefined): ParseDateResult {
  if (input === null || input === undefined) return { ok: true, value: null };
  const s = toHalfWidth(String(input)).trim();
  if (s === '') return { ok: true, value: null };
  if (s.length > 40) return { ok: false, message: DATE_MESSAGES.format };

  let m = GREGORIAN_RE.exec(s);
  if (m) return checked(Number(m[1]), Number(m[3]), Number(m[4]));
  m = GREGORIAN_KANJI_RE.exec(s);
  if (m) return checked(Number(m[1]), Number(m[2]), Number(m[3]));
  // Era years are only checked against the era's span (H31.5.1 is accepted as 2019-05-01):
  // people kept writing the old era for a while after 2019-05-01, and the day is unambiguous.
  m = ERA_LETTER_RE.exec(s);
  // An unknown letter (X6.4.1) is a format problem; a known era with too high a year (H32) is a date that never was.
  if (m && m[1] !== undefined && m[2] !== undefined && findEra(m[1])) {
    return checked(eraYearToGregorian(m[1], eraYear(m[2])), Number(m[4]), Number(m[5]));
  }
  m = eraKanjiPattern().exec(s);
  if (m && m[1] !== undefined && m[2] !== undefined) {
    return checked(eraYearToGregorian(m[1], eraYear(m[2])), Number(m[3]), Number(m[4]));
  }
  return { ok: false, message: DATE_MESSAGES.format };
}

/** A `YYYY-MM-DD` date in long wareki form: '2024-04-01' → '令和6年4月1日'. */
export function formatDateLong(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(date));
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${String(date)}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isRealDate(y, mo, d)) throw new RangeError(`no such date: ${date}`);
  const era = eraOfDate(y, mo, d);
  return `${era.name}${era.year === 1 ? '元' : era.year}年${mo}月${d}日`;
}

/**
 * A month as people write it, as `YYYY-MM` when it is written in an era
 * (令和6年10月, R6.10, Ｒ６／１０; 元 for year 1); anything else is passed on
 * unchanged for the service's reader (2024-10, 2024/10, 2024年10月).
 */
export function warekiMonthToIso(raw: string): string {
  const s = toHalfWidth(raw).normalize('NFKC').trim();
  const m = /^([^\d\s元]+?)\s*(元|\d{1,2})\s*(?:年|[.\-/])\s*(\d{1,2})\s*月?$/.exec(s);
  if (!m) return raw.trim();
  const year = eraYearToGregorian(m[1]!, m[2] === '元' ? 1 : Number(m[2]));
  const month = Number(m[3]);
  if (year === null || month < 1 || month > 12) return raw.trim();
  return `${year}-${String(month).padStart(2, '0')}`;
}
