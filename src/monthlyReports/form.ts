// Input schemas of the monthly report pages, and turning typed text into values.
import { z } from 'zod';
import { formatCount, parseCount } from '../domain/numbers.js';
import { ValidationError } from '../errors.js';
import { characterCount, normaliseText } from '../domain/text.js';
import { COUNT_FIELDS, FIELD_LABELS, type CountField, type MonthlyValues } from './repository.js';
import { CATALOGUE, fieldUnits, formGroups, type Flow } from '../domain/catalogue.js';

/** Longest note people may keep (characters as people count them, so an emoji is one). */
export const NOTE_MAX_LENGTH = 2000;

export type FormField = CountField | 'note';
/** What the user typed, field by field, exactly as sent (so a failed form can show it again). */
export type TypedValues = Record<FormField, string>;

/** Query of the history page: an optional month filter. */
export const historyQuerySchema = z.object({ month: z.string().max(40).optional() });

// Generous caps: longer text is not a typo but a broken or hostile request.
const countText = z.string().max(1000).default('');
const versionText = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number);

const monthlyFormSchema = z.object({
  // One text field per count of the catalogue, in form order (the first wrong one is reported).
  ...(Object.fromEntries(COUNT_FIELDS.map((f) => [f, countText])) as Record<CountField, typeof countText>),
  note: z.string().max(100_000).default(''),
  version: versionText,
  confirm_unusual: z.string().max(10).optional(),
  confirmed_values: z.string().max(2000).optional(),
  /** 「すべて消して未報告に戻す」 on the confirmation of clearing a saved month. */
  confirm_clear: z.string().max(10).optional(),
});

export interface MonthlyForm {
  typed: TypedValues;
  /** The version the user was editing (0 for a month not reported before). */
  version: number;
  /** The user ticked 「この値で保存する」. */
  confirmUnusual: boolean;
  /** The user confirmed that every value of a saved month is to be cleared. */
  confirmClear: boolean;
  /** The values the user was warned about when they ticked it; null if not sent. */
  confirmedValues: Map<CountField, number> | null;
  /** The parsed values, or null when any field is wrong. */
  values: MonthlyValues | null;
  /** One Japanese message per wrong field. */
  errors: Partial<Record<FormField, string>>;
}

/** Browsers send textarea line breaks as CRLF; store them as LF and change nothing else. */
export function normaliseNote(note: string): string {
  return note.replace(/\r\n/g, '\n');
}

/** Reads a posted monthly form: the typed text, and either the values or a message per field. */
export function parseMonthlyForm(body: unknown): MonthlyForm {
  const parsed = monthlyFormSchema.safeParse(body ?? {});
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? '');
    const label = field in FIELD_LABELS ? `「${FIELD_LABELS[field as FormField]}」の` : '';
    throw new ValidationError(
      { [field || 'form']: '送信された内容を読み取れませんでした。' },
      `${label}送信された内容を読み取れませんでした。前の画面に戻って、もう一度お試しください。`,
    );
  }
  const body$ = parsed.data;
  const typed = { note: normaliseNote(body$.note) } as TypedValues;
  const values = { note: null } as MonthlyValues;
  const errors: Partial<Record<FormField, string>> = {};
  for (const f of COUNT_FIELDS) {
    typed[f] = body$[f];
    const result = parseCount(body$[f], { units: [UNITS[f]] });
    if (result.ok) values[f] = result.value;
    else errors[f] = result.message;
  }
  const note = normaliseText(typed.note, 'multiline');
  if (note.ok) typed.note = note.value;
  else errors.note = `備考に${note.message}`;
  const noteLength = characterCount(typed.note);
  if (noteLength > NOTE_MAX_LENGTH) {
    errors.note = `備考は${formatCount(NOTE_MAX_LENGTH)}文字以内で入力してください（いま${formatCount(noteLength)}文字です）。`;
  }
  values.note = typed.note === '' ? null : typed.note;
  return {
    typed,
    version: body$.version,
    confirmUnusual: body$.confirm_unusual !== undefined && body$.confirm_unusual !== '',
    confirmClear: body$.confirm_clear === '1',
    confirmedValues: body$.confirmed_values === undefined ? null : parseConfirmedValues(body$.confirmed_values),
    values: Object.keys(errors).length === 0 ? values : null,
    errors,
  };
}

/** `field=value;…` as carried in the form after a plausibility warning. */
export function formatConfirmedValues(values: ReadonlyMap<CountField, number>): string {
  return [...values].map(([f, v]) => `${f}=${v}`).join(';');
}

function parseConfirmedValues(s: string): Map<CountField, number> {
  const out = new Map<CountField, number>();
  for (const pair of s.split(';')) {
    const [field, value] = pair.split('=');
    if ((COUNT_FIELDS as readonly string[]).includes(field ?? '') && /^\d{1,9}$/.test(value ?? '')) out.set(field as CountField, Number(value));
  }
  return out;
}

/** True when nothing at all was typed: every count blank and no note. */
export function isBlank(values: MonthlyValues): boolean {
  return COUNT_FIELDS.every((f) => values[f] === null) && values.note === null;
}

/** A stored report's values as the form shows them (plain digits, blank for not reported). */
export function typedFromValues(values: MonthlyValues | null): TypedValues {
  const typed = { note: values?.note ?? '' } as TypedValues;
  for (const f of COUNT_FIELDS) {
    const v = values?.[f];
    typed[f] = v === null || v === undefined ? '' : String(v);
  }
  return typed;
}

/** The unit of each count field, which people may type after the number (「125世帯」): from the catalogue. */
export const UNITS = Object.freeze(fieldUnits(CATALOGUE)) as Readonly<Record<CountField, string>>;

/** One count field as the form shows it. */
export interface CountFieldView {
  name: CountField;
  label: string;
  /** Short column heading in the year view. */
  short: string;
  unit: string;
  hint: string;
  flow: Flow;
}

/** The form's fields in their groups (the watched households, with their total, then the rest): from the catalogue. */
export const FORM_GROUPS = formGroups(CATALOGUE) as readonly {
  key: string;
  legend: string;
  total: { heading: string; unit: string } | null;
  fields: readonly CountFieldView[];
}[];
