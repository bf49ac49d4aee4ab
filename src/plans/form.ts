/** The plan form (小地域福祉活動計画の登録・変更): fields, labels, parsing and display. */
import { z } from 'zod';
import { warekiLong } from '../domain/fiscalYear.js';
import { PLAN_FORMULATED_AFTER_PERIOD, PLAN_PERIOD_BACKWARDS, planPeriodProblems } from '../domain/invariants.js';
import { choiceField, fiscalYearField, parseForm, type FormResult, type FormValues } from '../web/forms.js';
import type { PlanInput, PlanRow } from './repository.js';

export const PLAN_FIELDS = ['generation', 'formulated_fy', 'first_fy', 'last_fy'] as const;
export type PlanField = (typeof PLAN_FIELDS)[number];

export const PLAN_LABELS: Record<PlanField, string> = {
  generation: '計画の次数',
  formulated_fy: '策定年度',
  first_fy: '推進期間の最初の年度',
  last_fy: '推進期間の最後の年度',
};

/** Generations offered in the form (第一次 … 第五次). */
export const GENERATION_CHOICES = [1, 2, 3, 4, 5] as const;
// CSV imports may bring later generations; the form keeps them rather than refusing a stored value.
const MAX_GENERATION = 20;

const KANJI_DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 第一次, 12 → 第十二次 (as the plans are named). */
export function generationLabel(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) return `第${n}次`;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  const tensText = tens === 0 ? '' : `${tens === 1 ? '' : KANJI_DIGITS[tens]}十`;
  return `第${tensText}${KANJI_DIGITS[ones]}次`;
}

/** True if the plan-period rule finds a problem beside `field` (a year that failed to read is not a number, and not checked). */
function periodProblem(d: { formulated_fy: unknown; first_fy: unknown; last_fy: unknown }, field: 'last_fy' | 'formulated_fy'): boolean {
  const fy = (v: unknown) => (typeof v === 'number' ? v : null);
  return planPeriodProblems({ formulatedFy: fy(d.formulated_fy), firstFy: fy(d.first_fy), lastFy: fy(d.last_fy) }).some((p) => p.field === field);
}

const planSchema = z
  .object({
    generation: choiceField(PLAN_LABELS.generation, { min: 1, max: MAX_GENERATION }),
    formulated_fy: fiscalYearField(PLAN_LABELS.formulated_fy),
    first_fy: fiscalYearField(PLAN_LABELS.first_fy),
    last_fy: fiscalYearField(PLAN_LABELS.last_fy),
  })
  // Both run even when other fields failed, so every problem is shown at once (rules: src/domain/invariants.ts).
  .refine((d) => !periodProblem(d, 'last_fy'), { path: ['last_fy'], message: PLAN_PERIOD_BACKWARDS, when: () => true })
  .refine((d) => !periodProblem(d, 'formulated_fy'), { path: ['formulated_fy'], message: PLAN_FORMULATED_AFTER_PERIOD, when: () => true });

/** Reads the plan form. */
export function parsePlanForm(body: unknown): FormResult<PlanInput> {
  const result = parseForm(planSchema, body, PLAN_FIELDS);
  if (!result.ok) return result;
  const d = result.data;
  return { ok: true, values: result.values, data: { generation: d.generation, formulatedFy: d.formulated_fy, firstFy: d.first_fy, lastFy: d.last_fy } };
}

/** A stored plan as the form shows it (fiscal years in wareki, which the form reads back). */
export function planFormValues(row: PlanRow): FormValues {
  return {
    generation: String(row.generation),
    formulated_fy: warekiLong(row.formulatedFy),
    first_fy: warekiLong(row.firstFy),
    last_fy: warekiLong(row.lastFy),
  };
}

/** A fiscal year as 令和6年度（2024年度）. */
function fiscalYearText(fy: number): string {
  return `${warekiLong(fy)}（${fy}年度）`;
}

/** A plan's fields as plain text, for the conflict page (stored and typed alike). */
export function planDisplay(p: PlanInput): Record<PlanField, string> {
  return {
    generation: generationLabel(p.generation),
    formulated_fy: fiscalYearText(p.formulatedFy),
    first_fy: fiscalYearText(p.firstFy),
    last_fy: fiscalYearText(p.lastFy),
  };
}
