/** The 策定予定 form (計画の策定予定の登録・変更): fields, labels, parsing and display. */
import { z } from 'zod';
import { warekiLong } from '../domain/fiscalYear.js';
import { fiscalYearField, parseForm, singleLineText, type FormResult, type FormValues } from '../web/forms.js';
import type { PlanScheduleInput, PlanScheduleRow } from './schedules.js';

export const PLAN_SCHEDULE_FIELDS = ['scheduled_fy', 'note'] as const;
export type PlanScheduleField = (typeof PLAN_SCHEDULE_FIELDS)[number];

export const PLAN_SCHEDULE_LABELS: Record<PlanScheduleField, string> = {
  scheduled_fy: '策定予定の年度',
  note: 'メモ',
};

const NOTE_MAX = 200;

const scheduleSchema = z.object({
  scheduled_fy: fiscalYearField(PLAN_SCHEDULE_LABELS.scheduled_fy),
  note: singleLineText(PLAN_SCHEDULE_LABELS.note, { max: NOTE_MAX, required: false }),
});

/** Reads the 策定予定 form. */
export function parsePlanScheduleForm(body: unknown): FormResult<PlanScheduleInput> {
  const result = parseForm(scheduleSchema, body, PLAN_SCHEDULE_FIELDS);
  if (!result.ok) return result;
  return { ok: true, values: result.values, data: { scheduledFy: result.data.scheduled_fy, note: result.data.note } };
}

/** A stored 策定予定 as the form shows it (the year in wareki, which the form reads back). */
export function planScheduleFormValues(row: PlanScheduleRow): FormValues {
  return { scheduled_fy: warekiLong(row.scheduledFy), note: row.note };
}

/** A 策定予定's fields as plain text, for the conflict page (stored and typed alike). */
export function planScheduleDisplay(p: PlanScheduleInput): Record<PlanScheduleField, string> {
  return { scheduled_fy: `${warekiLong(p.scheduledFy)}（${p.scheduledFy}年度）`, note: p.note };
}
