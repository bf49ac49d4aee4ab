/**
 * Fiscal years (年度) and Japanese era labels (和暦).
 *
 * Fiscal year N runs from April of N to March of N+1; months are `YYYY-MM`.
 * Era names, letters and start years come from the platform's Japanese
 * calendar (ICU via Intl), never from a hand-typed table, so a future era is
 * picked up by upgrading Node rather than by editing this file.
 */

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True if `s` is a month written `YYYY-MM` with a month of 01–12. */
export function isMonth(s: string): boolean {
  return typeof s === 'string' && MONTH_RE.test(s);
}

function splitMonth(month: string): { year: number; month: number } {
  const m = typeof month === 'string' ? MONTH_RE.exec(month) : null;
  if (!m) throw new RangeError(`not a YYYY-MM month: ${String(month)}`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

function formatMonth(year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

function assertYear(fy: number): void {
  if (!Number.isInteger(fy) || fy < 1 || fy > 9999) throw new RangeError(`not a fiscal year: ${String(fy)}`);
}

/** Fiscal year that a `YYYY-MM` month belongs to ('2024-03' → 2023, '2024-04' → 2024). */
export function fiscalYearOfMonth(month: string): number {
  const { year, month: m } = splitMonth(month);
  return m >= 4 ? year : year - 1;
}

/** Fiscal year that a `YYYY-MM-DD` date belongs to. */
export function fiscalYearOfDate(date: string): number {
  const m = typeof date === 'string' ? DATE_RE.exec(date) : null;
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${String(date)}`);
  return fiscalYearOfMonth(`${m[1]}-${m[2]}`);
}

/** The twelve months of fiscal year `fy`, April … March. */
export function monthsOfFiscalYear(fy: number): string[] {
  assertYear(fy);
  const start = formatMonth(fy, 4);
  return Array.from({ length: 12 }, (_, i) => addMonths(start, i));
}

/** `n` months after (or before, if negative) `month`. */
/** The first and last month of fiscal year `fy`: April, and March of the next year. */
export function fiscalYearBounds(fy: number): { first: string; last: string } {
  return { first: `${fy}-04`, last: `${fy + 1}-03` };
}

export function addMonths(month: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`not a whole number of months: ${String(n)}`);
  const { year, month: m } = splitMonth(month);
  const index = year * 12 + (m - 1) + n;
  return formatMonth(Math.floor(index / 12), (index % 12) + 1);
}

/** The month before `month`. */
export function previousMonth(month: string): string {
  return addMonths(month, -1);
}

// The app serves Japanese councils, so "now" means Japan time whatever the server's zone. This is the
// app's one reading of the Japan clock: every "today", "this month" and shown timestamp comes from it.
// Made once: building an Intl formatter costs more than formatting with it.
let japanFormat: Intl.DateTimeFormat | undefined;

/** From here on Japan's clock is UTC+9 all year (its last summer time ended in September 1951). */
const JAPAN_FIXED_OFFSET_FROM = Date.UTC(1952, 0, 1);
const JAPAN_FIXED_OFFSET_UNTIL = Date.UTC(9999, 0, 1);
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** The date (`YYYY-MM-DD`) and time (`HH:MM`, 24-hour) on a clock in Japan at `now`. */
export function japanClock(now: Date): { date: string; time: string } {
  const t = now.getTime();
  if (t >= JAPAN_FIXED_OFFSET_FROM && t < JAPAN_FIXED_OFFSET_UNTIL) {
    // UTC+9 by arithmetic: the same reading as the formatter below, at a fraction of its cost (it runs on every request).
    const j = new Date(t + 9 * 3_600_000);
    return {
      date: `${j.getUTCFullYear()}-${pad2(j.getUTCMonth() + 1)}-${pad2(j.getUTCDate())}`,
      time: `${pad2(j.getUTCHours())}:${pad2(j.getUTCMinutes())}`,
    };
  }
  japanFormat ??= new Intl.DateTimeFormat('en-US', {
    timeZone: 'Asia/Tokyo',
    calendar: 'gregory',
    numberingSystem: 'latn',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const p: Record<string, string> = {};
  for (const part of japanFormat.formatToParts(now)) p[part.type] = part.value;
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** Current month `YYYY-MM` in Tokyo. */
export function currentMonth(now: Date = new Date()): string {
  return japanClock(now).date.slice(0, 7);
}

/** Current fiscal year in Tokyo. */
export function currentFiscalYear(now: Date = new Date()): number {
  return fiscalYearOfMonth(currentMonth(now));
}

// ---------------------------------------------------------------------------
// Japanese eras, read from ICU.

/** One era of the Japanese calendar (元号) as ICU knows it. */
export interface Era {
  /** e.g. '令和' */
  name: string;
  /** e.g. 'R'; null if ICU has no Latin letter for the era */
  letter: string | null;
  /** Gregorian year holding era year 1 */
  startYear: number;
  /** last Gregorian year with a day in this era; null for the current era */
  lastYear: number | null;
}

interface EraAt {
  name: string;
  letter: string | null;
  year: number;
}

let longFormat: Intl.DateTimeFormat | undefined;
let narrowFormat: Intl.DateTimeFormat | undefined;
let narrowFormatEn: Intl.DateTimeFormat | undefined;

function eraParts(fmt: Intl.DateTimeFormat, d: Date): { era: string; year: number } {
  let era = '';
  let year = NaN;
  for (const p of fmt.formatToParts(d)) {
    if (p.type === 'era') era = p.value;
    // ja-JP prints year 1 of an era as 元 when only the year is asked for.
    else if (p.type === 'year') year = p.value === '元' ? 1 : Number(p.value);
  }
  return { era, year };
}

function utcDate(year: number, month: number, day: number): Date {
  const d = new Date(Date.UTC(2000, month - 1, day));
  d.setUTCFullYear(year); // Date.UTC maps years 0–99 to 1900s
  return d;
}

/** Era, era letter and era year on a given UTC calendar day. */
function eraOn(year: number, month: number, day: number, withLetter: boolean): EraAt {
  const opts = { year: 'numeric', timeZone: 'UTC' } as const;
  longFormat ??= new Intl.DateTimeFormat('ja-JP-u-ca-japanese', { ...opts, era: 'long' });
  const d = utcDate(year, month, day);
  const { era, year: eraYear } = eraParts(longFormat, d);
  let letter: string | null = null;
  if (withLetter) {
    // Node 20's ICU prints 'R' for ja-JP narrow; other ICU builds may print '令', so fall back to en-US.
    narrowFormat ??= new Intl.DateTimeFormat('ja-JP-u-ca-japanese', { ...opts, era: 'narrow' });
    const ja = eraParts(narrowFormat, d).era;
    if (/^[A-Z]$/.test(ja)) letter = ja;
    else {
      narrowFormatEn ??= new Intl.DateTimeFormat('en-US-u-ca-japanese', { ...opts, era: 'narrow' });
      const en = eraParts(narrowFormatEn, d).era;
      if (/^[A-Z]$/.test(en)) letter = en;
    }
  }
  return { name: era, letter, year: eraYear };
}

let eraCache: Era[] | undefined;

/** Eras from Meiji (明治) on, oldest first, derived once from ICU. */
export function eras(): readonly Era[] {
  if (eraCache) return eraCache;
  const byName = new Map<string, Era>();
  const lastYear = new Date().getUTCFullYear() + 1;
  // Meiji began in 1868, so starting at 1869 skips the pre-modern eras ICU also knows.
  for (let y = 1869; y <= lastYear; y++) {
    // Jan 1 and Dec 31 together see every era boundary: no modern era lasted under a year.
    for (const [m, d] of [
      [1, 1],
      [12, 31],
    ] as const) {
      const at = eraOn(y, m, d, false);
      const known = byName.get(at.name);
      if (known) known.lastYear = y;
      else byName.set(at.name, { name: at.name, letter: eraOn(y, m, d, true).letter, startYear: y - at.year + 1, lastYear: y });
    }
  }
  const list = [...byName.values()].sort((a, b) => a.startYear - b.startYear);
  const current = list[list.length - 1];
  if (current) current.lastYear = null;
  eraCache = list;
  return list;
}

function normaliseEraToken(s: string): string {
  // Full-width letters (Ｒ) and lower case (r) are how people actually type them.
  return s.normalize('NFKC').trim().toUpperCase();
}

/** Era by its name ('令和') or letter ('R', 'r', 'Ｒ'); undefined if unknown. */
export function findEra(eraNameOrLetter: string): Era | undefined {
  if (typeof eraNameOrLetter !== 'string') return undefined;
  const key = normaliseEraToken(eraNameOrLetter);
  if (key === '') return undefined;
  return eras().find((e) => e.name === key || e.letter === key);
}

/** Gregorian year of an era year (('R', 6) → 2024); null if the era is unknown or the year lies outside it. */
export function eraYearToGregorian(eraNameOrLetter: string, eraYear: number): number | null {
  const era = findEra(eraNameOrLetter);
  if (!era || !Number.isInteger(eraYear) || eraYear < 1) return null;
  const year = era.startYear + eraYear - 1;
  if (era.lastYear !== null && year > era.lastYear) return null;
  return year;
}

/** Era of fiscal year `fy`: the era holding most of calendar year `fy`, i.e. the one on July 1. */
function eraOfFiscalYear(fy: number): EraAt {
  assertYear(fy);
  return eraOn(fy, 7, 1, true);
}

function eraYearText(year: number): string {
  return year === 1 ? '元' : String(year);
}

/** Short wareki label of a fiscal year: 2019 → 'R1', 1988 → 'S63'. */
export function warekiShort(fy: number): string {
  const e = eraOfFiscalYear(fy);
  return `${e.letter ?? e.name}${e.year}`;
}

/** Long wareki label of a fiscal year: 2019 → '令和元年度', 2024 → '令和6年度'. */
export function warekiLong(fy: number): string {
  const e = eraOfFiscalYear(fy);
  return `${e.name}${eraYearText(e.year)}年度`;
}

/** Era of a calendar month: the one holding most of it (its 15th), as for fiscal years. */
function eraOfMonth(month: string): EraAt & { month: number } {
  const { year, month: m } = splitMonth(month);
  return { ...eraOn(year, m, 15, true), month: m };
}

/** Long label of a month: '2024-04' → '令和6年4月', '2019-05' → '令和元年5月'. */
export function monthLabelLong(month: string): string {
  const e = eraOfMonth(month);
  return `${e.name}${eraYearText(e.year)}年${e.month}月`;
}

/** Short label of a month: '2024-04' → 'R6.4'. */
export function monthLabelShort(month: string): string {
  const e = eraOfMonth(month);
  return `${e.letter ?? e.name}${e.year}.${e.month}`;
}

/** Era and era year of a `YYYY-MM-DD` day, for date labels. */
export function eraOfDate(year: number, month: number, day: number): { name: string; letter: string | null; year: number } {
  return eraOn(year, month, day, true);
}

const FY_GREGORIAN_RE = /^(\d{4})(?:年度?)?$/;
const FY_ERA_RE = /^([^\d\s元]+?)\s*(元|\d{1,3})\s*(?:年度?)?$/;

/** Fiscal year typed as '2019', '２０１９', 'R1', 'r1', 'Ｒ１', '令和元年度', 'R6年度' …; null if not one. */
export function parseFiscalYear(input: string): number | null {
  if (typeof input !== 'string') return null;
  const s = input.normalize('NFKC').trim();
  if (s.length === 0 || s.length > 20) return null;
  const g = FY_GREGORIAN_RE.exec(s);
  if (g) {
    const year = Number(g[1]);
    return year >= 1868 ? year : null;
  }
  const w = FY_ERA_RE.exec(s);
  if (!w || w[1] === undefined || w[2] === undefined) return null;
  const eraYear = w[2] === '元' ? 1 : Number(w[2]);
  return eraYearToGregorian(w[1], eraYear);
}
