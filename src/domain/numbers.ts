/**
 * Counts as people in Japan type them (件数・人数の入力).
 *
 * Volunteers type full-width digits and commas as often as half-width ones;
 * a blank means "not reported" and must never become 0.
 */

export const DEFAULT_MAX_COUNT = 9_999_999;

export const COUNT_MESSAGES = {
  negative: 'マイナスの数は入力できません。0以上の整数を入力してください。',
  decimal: '小数は入力できません。整数で入力してください。',
  notNumber: '数字で入力してください（例：125 または １２５）。',
  tooLarge: (max: number): string => `数が大きすぎます。${formatCount(max)}以下で入力してください。`,
} as const;

/**
 * Full-width ASCII (U+FF01–FF5E) and the ideographic space to their half-width forms.
 * Deliberately narrower than NFKC, which would also turn ① or ² into digits.
 */
export function toHalfWidth(s: string): string {
  return String(s)
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');
}

export type ParseCountResult = { ok: true; value: number | null } | { ok: false; message: string };

// Signs people use for "minus": ASCII, full-width (folded by toHalfWidth), the math minus,
// hyphens and dashes, and the accounting triangles ▲ △.
const MINUS = '[-\u2212\u2010\u2011\u2012\u2013\u2014\u2015\u30fc\u25b2\u25b3]';
const NUMERIC_BODY = '(?:\\d[\\d,]*(?:\\.\\d*)?|\\.\\d+)';
const NEGATIVE_RE = new RegExp(`^${MINUS}\\s*${NUMERIC_BODY}$`);
const DECIMAL_RE = /^\+?(?:\d[\d,]*\.\d*|\.\d+)$/;
const PLAIN_RE = /^\d+$/;
const GROUPED_RE = /^\d{1,3}(?:,\d{3})+$/;

/**
 * The number with a unit typed after it removed (「125世帯」「3 件」 → 「125」「3」), when
 * the unit is one of `units`; anything else is returned as it was.
 */
export function withoutUnit(s: string, units: readonly string[]): string {
  for (const unit of units) {
    if (unit !== '' && s.length > unit.length && s.endsWith(unit)) return s.slice(0, -unit.length).trimEnd();
  }
  return s;
}

/**
 * Parse a typed count: blank → null (not reported); otherwise a non-negative integer ≤ max, or a Japanese message.
 * `units`: units people may type after the number (the field's own, e.g. ['世帯']).
 *
 * public/app.js mirrors this function for the live totals (parseCountLikeServer);
 * test/monthlyReports/liveTotal.browser.test.ts proves both give the same answers.
 */
export function parseCount(input: string | null | undefined, options?: { max?: number; units?: readonly string[] }): ParseCountResult {
  const max = options?.max ?? DEFAULT_MAX_COUNT;
  if (input === null || input === undefined) return { ok: true, value: null };
  const s = withoutUnit(toHalfWidth(String(input)).trim(), options?.units ?? []);
  if (s === '') return { ok: true, value: null };

  let digits: string | null = null;
  if (PLAIN_RE.test(s)) digits = s;
  else if (GROUPED_RE.test(s)) digits = s.replace(/,/g, '');

  if (digits === null) {
    if (NEGATIVE_RE.test(s)) return { ok: false, message: COUNT_MESSAGES.negative };
    if (DECIMAL_RE.test(s)) return { ok: false, message: COUNT_MESSAGES.decimal };
    return { ok: false, message: COUNT_MESSAGES.notNumber };
  }
  // Beyond 2^53 a Number no longer holds every integer, so no maximum may exceed it.
  const limit = Math.min(max, Number.MAX_SAFE_INTEGER);
  const value = Number(digits);
  if (value > limit) return { ok: false, message: COUNT_MESSAGES.tooLarge(limit) };
  return { ok: true, value };
}

/** How many places after the decimal point an indicator's values may have (DESIGN §11: 充足率 97.0%). */
export const DECIMAL_PLACES = [0, 1, 2] as const;
export type DecimalPlaces = (typeof DECIMAL_PLACES)[number];

const DECIMAL_NUMBER_RE = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/;

/** The message for a value with more places than allowed, naming the allowed places. */
export const tooManyPlacesMessage = (decimals: number): string =>
  `小数点以下は${decimals}桁までで入力してください（例：${(97).toFixed(decimals)} または ${toFullWidthDigits((97).toFixed(decimals))}）。`;

const toFullWidthDigits = (s: string): string => s.replace(/[0-9.]/g, (c) => (c === '.' ? '．' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));

/**
 * Parse a typed value with up to `decimals` places after the point (「97.0」「９７．０」「1,234.5」):
 * blank → null; with `decimals` 0 exactly parseCount (whole numbers, today's messages). The value is
 * rounded to its places, so that 97.05 typed as 97.050 reads as 97.05.
 */
export function parseDecimal(input: string | null | undefined, options: { decimals: number; max?: number; units?: readonly string[] }): ParseCountResult {
  const decimals = options.decimals;
  if (decimals <= 0) return parseCount(input, options);
  const whole = parseCount(input, options);
  if (whole.ok || whole.message !== COUNT_MESSAGES.decimal) return whole;
  const s = withoutUnit(toHalfWidth(String(input)).trim(), options.units ?? []).replace(/^\+/, '');
  const m = DECIMAL_NUMBER_RE.exec(s);
  if (!m) return { ok: false, message: COUNT_MESSAGES.notNumber };
  const places = (m[2] ?? '').replace(/0+$/, '');
  if (places.length > decimals) return { ok: false, message: tooManyPlacesMessage(decimals) };
  const value = Number(`${m[1]!.replace(/,/g, '')}.${places || '0'}`);
  const limit = Math.min(options.max ?? DEFAULT_MAX_COUNT, Number.MAX_SAFE_INTEGER);
  if (value > limit) return { ok: false, message: COUNT_MESSAGES.tooLarge(limit) };
  return { ok: true, value: roundTo(value, decimals) };
}

/** `n` rounded to `decimals` places without float noise (0.1 + 0.2 → 0.3). */
export function roundTo(n: number, decimals: number): number {
  const f = 10 ** Math.max(0, Math.min(decimals, 6));
  return Math.round(n * f) / f;
}

const COUNT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const DECIMAL_FORMATS = DECIMAL_PLACES.map((d) => new Intl.NumberFormat('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));

/**
 * A count with thousands separators ('125,407'); '' for not reported. With `decimals`
 * (an indicator's places), exactly that many places: 97 → '97.0'.
 */
export function formatCount(n: number | null | undefined, decimals = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '';
  if (decimals > 0) return (DECIMAL_FORMATS[decimals] ?? DECIMAL_FORMATS[2]!).format(n);
  return COUNT_FORMAT.format(n);
}

/** A value as typed back into a form: no separators, exactly `decimals` places ('97.0'). */
export function plainNumber(n: number, decimals = 0): string {
  return decimals > 0 ? roundTo(n, decimals).toFixed(decimals) : String(n);
}
