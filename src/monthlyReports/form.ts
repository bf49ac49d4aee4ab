// Input schemas of the monthly report pages, and turning typed text into values.
import { z } from 'zod';
import { isMonth, parseFiscalYear } from '../domain/fiscalYear.js';
import { formatCount, parseCount } from '../domain/numbers.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { characterCount, normaliseText } from '../domain/text.js';
import { COUNT_FIELDS, FIELD_LABELS, type CountField, type MonthlyValues } from './repository.js';

/** Longest note people may keep (characters as people count them, so an emoji is one). */
export const NOTE_MAX_LENGTH = 2000;

export type FormField = CountField | 'note';
/** What the user typed, field by field, exactly as sent (so a failed form can show it again). */
export type TypedValues = Record<FormField, string>;

// Months the app deals in; anything else in a URL is a page that does not exist.
const MIN_YEAR = 1989;
const MAX_YEAR = 2999;

const codeParam = z.string().min(1).max(64);

/** `:code` in a district URL. */
export const districtParamsSchema = z.object({ code: codeParam });

/** `:code/:month` with month as `YYYY-MM`. */
export const monthParamsSchema = z.object({
  code: codeParam,
  month: z.string().refine((m) => isMonth(m) && Number(m.slice(0, 4)) >= MIN_YEAR && Number(m.slice(0, 4)) <= MAX_YEAR),
});

/** `:code/:fy` with the fiscal year as 2024 or R6. */
export const yearParamsSchema = z.object({
  code: codeParam,
  fy: z
    .string()
    .max(20)
    .transform((s, ctx) => {
      const fy = parseFiscalYear(s);
      if (fy === null || fy < MIN_YEAR || fy > MAX_YEAR) {
        ctx.addIssue({ code: 'custom', message: '年度の指定が正しくありません。' });
        return z.NEVER;
      }
      return fy;
    }),
});

/** Query of the history page: an optional month filter. */
export const historyQuerySchema = z.object({ month: z.string().max(40).optional() });

/** Parses route params, turning anything malformed into a 404 page. */
export function parseParams<T extends z.ZodType>(schema: T, params: unknown): z.infer<T> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}

// Generous caps: longer text is not a typo but a broken or hostile request.
const countText = z.string().max(1000).default('');
const versionText = z.string().regex(/^\d{1,9}$/).transform(Number);

const monthlyFormSchema = z.object({
  watched_elderly: countText,
  watched_disability: countText,
  watched_single_parent: countText,
  watched_other: countText,
  welfare_cooperators: countText,
  mutual_aid_cases: countText,
  coordination_meetings: countText,
  well_club_participants: countText,
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
    throw new ValidationError({ [field || 'form']: '送信された内容を読み取れませんでした。' }, `${label}送信された内容を読み取れませんでした。前の画面に戻って、もう一度お試しください。`);
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

/** The unit of each count field, which people may type after the number (「125世帯」). */
export const UNITS: Record<CountField, string> = {
  watched_elderly: '世帯',
  watched_disability: '世帯',
  watched_single_parent: '世帯',
  watched_other: '世帯',
  welfare_cooperators: '人',
  mutual_aid_cases: '件',
  coordination_meetings: '回',
  well_club_participants: '人',
};

/** One count field as the form shows it. */
export interface CountFieldView {
  name: CountField;
  label: string;
  /** Short column heading in the year view. */
  short: string;
  unit: string;
  hint: string;
}

/** The form's fields in two groups: the watched households (with their total), then the rest. */
export const FORM_GROUPS: readonly { legend: string; fields: readonly CountFieldView[] }[] = [
  {
    legend: '見守り世帯数（月末の世帯数）',
    fields: [
      { name: 'watched_elderly', label: '高齢者世帯', short: '高齢者', unit: '世帯', hint: '' },
      { name: 'watched_disability', label: '障害のある人のある世帯', short: '障害', unit: '世帯', hint: '' },
      { name: 'watched_single_parent', label: 'ひとり親で子育て中の世帯', short: 'ひとり親', unit: '世帯', hint: '' },
      { name: 'watched_other', label: 'その他の世帯', short: 'その他', unit: '世帯', hint: '' },
    ],
  },
  {
    legend: '福祉協力員・助け合い・会議・ウェルクラブ',
    fields: [
      { name: 'welfare_cooperators', label: '福祉協力員数', short: '福祉協力員', unit: '人', hint: '月末の人数' },
      { name: 'mutual_aid_cases', label: '助け合い件数', short: '助け合い', unit: '件', hint: 'この月の件数' },
      { name: 'coordination_meetings', label: '連絡調整会議の開催回数', short: '連絡調整会議', unit: '回', hint: 'この月に開いた回数（開かなかった月は 0）' },
      { name: 'well_club_participants', label: 'ウェルクラブ活動等の参加者数', short: 'ウェルクラブ等', unit: '人', hint: 'この月の参加者の延べ人数' },
    ],
  },
];
