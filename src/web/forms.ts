/**
 * Form reading shared by the district registers (salons, plans, case studies) and the district
 * forms (the web kit, so that no feature imports another for it):
 * zod field schemas built on the domain parsers, and one way to turn a posted
 * body into either parsed input or a message per field — always keeping what
 * was typed, so a failed form can be shown again exactly as the user left it.
 */
import { z } from 'zod';
import { parseDate } from '../domain/dates.js';
import { currentFiscalYear, parseFiscalYear, warekiLong } from '../domain/fiscalYear.js';
import { characterCount, normaliseText } from '../domain/text.js';

/** What was typed, field by field, as strings (re-shown on a failed form). */
export type FormValues = Record<string, string>;

/** A parsed form: the input, or a Japanese message per field; `values` is always what was typed. */
export type FormResult<T> = { ok: true; data: T; values: FormValues } | { ok: false; errors: Record<string, string>; values: FormValues };

// Registers hold real-world facts from after the war; anything outside is a typo (20224, 0024 …).
const EARLIEST_YEAR = 1950;
/** How far ahead a plan period or an opening date may reach. */
const YEARS_AHEAD = 20;

export { characterCount };

/** Picks the named fields out of a posted body as strings; anything else (arrays, objects, missing) becomes ''. */
export function formValues<F extends string>(body: unknown, fields: readonly F[]): FormValues & Record<F, string> {
  const source = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const values: FormValues = {};
  for (const name of fields) {
    const raw = source[name];
    values[name] = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
  }
  // Every named field was set just above.
  return values as FormValues & Record<F, string>;
}

/** Runs a form schema over the typed values; the first message per field is kept. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown, fields: readonly string[]): FormResult<z.output<S>> {
  const values = formValues(body, fields);
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data, values };
  const found: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? fields[0] ?? 'form');
    found[field] ??= issue.message;
  }
  // In form order, so the summary at the top reads like the form below it.
  const errors: Record<string, string> = {};
  for (const name of [...fields, ...Object.keys(found)]) if (found[name] !== undefined) errors[name] ??= found[name];
  return { ok: false, errors, values };
}

/** The edited version from the hidden field; -1 when missing or garbled, which any stored version treats as stale. */
export function formVersion(body: unknown): number {
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>).version : undefined;
  return typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : -1;
}

/** One line of text (名前・会場・題名): NFC, surrounding spaces dropped, at most `max` characters; controls and invisible characters refused. */
export function singleLineText(label: string, options: { max: number; required: boolean }) {
  return z.string().transform((raw, ctx) => {
    const checked = normaliseText(raw, 'line');
    const s = (checked.ok ? checked.value : raw).trim();
    if (s === '') {
      if (options.required) ctx.addIssue({ code: 'custom', message: `${label}を入力してください。` });
      return s;
    }
    if (!checked.ok) ctx.addIssue({ code: 'custom', message: `${label}に${checked.message}` });
    const n = characterCount(s);
    if (n > options.max) ctx.addIssue({ code: 'custom', message: `${label}は${options.max}文字以内で入力してください（いま${n}文字です）。` });
    return s;
  });
}

/** Free text (本文): kept as typed except that line ends become LF (browsers send CRLF) and it is NFC; controls refused. */
export function multilineText(label: string, options: { max: number; required: boolean }) {
  return z.string().transform((raw, ctx) => {
    const checked = normaliseText(raw, 'multiline');
    const s = checked.ok ? checked.value : raw.replace(/\r\n?/g, '\n');
    if (s.trim() === '') {
      if (options.required) ctx.addIssue({ code: 'custom', message: `${label}を入力してください。` });
      return s;
    }
    if (!checked.ok) ctx.addIssue({ code: 'custom', message: `${label}に${checked.message}` });
    const n = characterCount(s);
    if (n > options.max) {
      ctx.addIssue({
        code: 'custom',
        message: `${label}は${options.max.toLocaleString('ja-JP')}文字以内で入力してください（いま${n.toLocaleString('ja-JP')}文字です）。`,
      });
    }
    return s;
  });
}

function latestYear(): number {
  return currentFiscalYear() + YEARS_AHEAD;
}

/** A date typed as 2024-04-01, 2024/4/1, R6.4.1 or 令和6年4月1日 (full-width too) → `YYYY-MM-DD`, or null when blank and optional. */
export function dateField(label: string, options: { required: boolean }) {
  return z.string().transform((raw, ctx): string | null => {
    const parsed = parseDate(raw);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }
    if (parsed.value === null) {
      if (options.required) ctx.addIssue({ code: 'custom', message: `${label}を入力してください（例：令和6年4月1日、R6.4.1、2024/4/1）。` });
      return null;
    }
    const year = Number(parsed.value.slice(0, 4));
    if (year < EARLIEST_YEAR || year > latestYear()) {
      ctx.addIssue({ code: 'custom', message: `${label}は${EARLIEST_YEAR}年から${latestYear()}年までの日付で入力してください。` });
    }
    return parsed.value;
  });
}

/** A fiscal year typed as 2024, R6 or 令和6年度 (full-width too) → 2024. */
export function fiscalYearField(label: string) {
  return z.string().transform((raw, ctx): number => {
    if (raw.trim() === '') {
      ctx.addIssue({ code: 'custom', message: `${label}を入力してください（例：令和6年度、R6、2024）。` });
      return z.NEVER;
    }
    const fy = parseFiscalYear(raw);
    if (fy === null) {
      ctx.addIssue({ code: 'custom', message: `${label}は 令和6年度、R6、2024 のように入力してください。` });
      return z.NEVER;
    }
    if (fy < EARLIEST_YEAR || fy > latestYear()) {
      ctx.addIssue({ code: 'custom', message: `${label}は${warekiLong(EARLIEST_YEAR)}から${warekiLong(latestYear())}までで入力してください。` });
    }
    return fy;
  });
}

/** A checkbox: ticked sends a value, unticked sends nothing. */
export function checkboxField() {
  return z.string().transform((raw) => raw !== '' && raw !== '0');
}

/** A whole number chosen from a <select>, `min`…`max`. */
export function choiceField(label: string, options: { min: number; max: number }) {
  return z.string().transform((raw, ctx): number => {
    const s = raw.trim();
    const n = /^\d{1,3}$/.test(s) ? Number(s) : NaN;
    if (!(n >= options.min && n <= options.max)) {
      ctx.addIssue({ code: 'custom', message: `${label}を選んでください。` });
      return z.NEVER;
    }
    return n;
  });
}

/** A row of the conflict page: the stored entry beside what the user typed. */
export interface ConflictRow {
  label: string;
  stored: string;
  typed: string;
  differs: boolean;
}

/** Pairs the stored entry with the typed one, field by field, for the 409 page. */
export function conflictRows(labels: Record<string, string>, stored: Record<string, string>, typed: Record<string, string>): ConflictRow[] {
  return Object.keys(labels).map((field) => {
    const s = stored[field] ?? '';
    const t = typed[field] ?? '';
    return { label: labels[field] ?? field, stored: s, typed: t, differs: s !== t };
  });
}
