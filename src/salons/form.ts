/** The salon form (サロンの登録・変更・閉鎖): fields, labels, parsing and display. */
import { z } from 'zod';
import { formatDateLong } from '../domain/dates.js';
import { fiscalYearEndDate, rollupDistrictYear } from '../domain/rollup.js';
import { SALON_CLOSED_BEFORE_OPENING, salonDateProblems } from '../domain/invariants.js';
import { checkboxField, dateField, parseForm, singleLineText, type FormResult, type FormValues } from '../web/forms.js';
import type { SalonInput, SalonRow } from './repository.js';

export const SALON_FIELDS = ['name', 'venue', 'opened_on', 'closed_on', 'subsidy_applied'] as const;
export type SalonField = (typeof SALON_FIELDS)[number];

export const SALON_LABELS: Record<SalonField, string> = {
  name: 'サロンの名前',
  venue: '会場',
  opened_on: '開設日',
  closed_on: '閉鎖日',
  subsidy_applied: '立ち上げ助成金の申請',
};

/** The domain rule (src/domain/invariants.ts), as a check on the parsed fields (a date that failed to read is not a string). */
const closesOnOrAfterOpening = (openedOn: unknown, closedOn: unknown) =>
  salonDateProblems(typeof openedOn === 'string' ? openedOn : null, typeof closedOn === 'string' ? closedOn : null).length === 0;

const salonSchema = z
  .object({
    name: singleLineText(SALON_LABELS.name, { max: 100, required: true }),
    venue: singleLineText(SALON_LABELS.venue, { max: 100, required: false }),
    opened_on: dateField(SALON_LABELS.opened_on, { required: true }),
    closed_on: dateField(SALON_LABELS.closed_on, { required: false }),
    subsidy_applied: checkboxField(),
  })
  // Runs even when other fields failed, so every problem is shown at once.
  .refine((d) => closesOnOrAfterOpening(d.opened_on, d.closed_on), {
    path: ['closed_on'],
    message: SALON_CLOSED_BEFORE_OPENING,
    when: () => true,
  });

/** Reads the salon form. */
export function parseSalonForm(body: unknown): FormResult<SalonInput> {
  const result = parseForm(salonSchema, body, SALON_FIELDS);
  if (!result.ok) return result;
  const d = result.data;
  return {
    ok: true,
    values: result.values,
    data: { name: d.name, venue: d.venue, openedOn: d.opened_on as string, closedOn: d.closed_on, subsidyApplied: d.subsidy_applied },
  };
}

/** Reads the closing form (閉鎖日 only); the date may not lie before the salon opened. */
export function parseClosingForm(body: unknown, openedOn: string): FormResult<{ closedOn: string }> {
  const schema = z
    .object({ closed_on: dateField(SALON_LABELS.closed_on, { required: true }) })
    .refine((d) => closesOnOrAfterOpening(openedOn, d.closed_on), { path: ['closed_on'], message: SALON_CLOSED_BEFORE_OPENING });
  const result = parseForm(schema, body, ['closed_on']);
  if (!result.ok) return result;
  return { ok: true, values: result.values, data: { closedOn: result.data.closed_on as string } };
}

/** A stored salon as the form shows it (dates in wareki, which the form reads back). */
export function salonFormValues(row: SalonRow): FormValues {
  return {
    name: row.name,
    venue: row.venue,
    opened_on: formatDateLong(row.openedOn),
    closed_on: row.closedOn ? formatDateLong(row.closedOn) : '',
    subsidy_applied: row.subsidyApplied ? '1' : '',
  };
}

/** A salon's fields as plain text, for the conflict page (stored and typed alike). */
export function salonDisplay(values: SalonInput): Record<SalonField, string> {
  return {
    name: values.name,
    venue: values.venue,
    opened_on: formatDateLong(values.openedOn),
    closed_on: values.closedOn ? formatDateLong(values.closedOn) : '（開設中）',
    subsidy_applied: values.subsidyApplied ? '申請した' : '申請していない',
  };
}

/** How many of the salons were open on March 31 of each fiscal year (agenda item ⑥, same rule as the rollup). */
export function salonsOpenAtYearEnd(salons: readonly SalonRow[], fiscalYears: readonly number[]): { fiscalYear: number; yearEnd: string; count: number }[] {
  const spans = salons.map((s) => ({ districtId: 0, openedOn: s.openedOn, closedOn: s.closedOn }));
  const input = { districts: [], reports: [], salons: spans, plans: [], regularMeetingMonths: 1 };
  return fiscalYears.map((fy) => ({ fiscalYear: fy, yearEnd: fiscalYearEndDate(fy), count: rollupDistrictYear(0, fy, input)[6] ?? 0 }));
}
