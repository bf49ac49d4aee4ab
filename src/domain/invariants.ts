/**
 * Domain invariants (DESIGN §3, §8): the rules a record must keep whichever
 * way it arrives, called by the forms and the imports alike. Each check
 * returns the problems it found, by field (the form field and the CSV column
 * have the same name), in plain Japanese; nothing here knows of HTTP.
 */
import { monthLabelLong } from './fiscalYear.js';

/** One broken rule: the field it is shown beside, and what to do about it. */
export interface InvariantProblem {
  field: string;
  message: string;
}

/** A salon closes on or after the day it opened (閉鎖日 ≥ 開設日). */
export const SALON_CLOSED_BEFORE_OPENING = '閉鎖日は開設日と同じ日か、それより後の日付にしてください。';

/** The salon's dates ('YYYY-MM-DD'); a missing date (not typed, or unreadable) is not checked here. */
export function salonDateProblems(openedOn: string | null | undefined, closedOn: string | null | undefined): InvariantProblem[] {
  if (!openedOn || !closedOn) return [];
  // ISO dates compare correctly as strings.
  return closedOn < openedOn ? [{ field: 'closed_on', message: SALON_CLOSED_BEFORE_OPENING }] : [];
}

/** The plan period runs forward (推進期間の最初の年度 ≤ 最後の年度). */
export const PLAN_PERIOD_BACKWARDS = '推進期間の最後の年度は、最初の年度と同じか、それより後の年度にしてください。';
/** A plan is formulated no later than the last year of its period. */
export const PLAN_FORMULATED_AFTER_PERIOD = '策定年度は、推進期間の最後の年度と同じか、それより前の年度にしてください。';

/** A plan's fiscal years; a missing year (not typed, or unreadable) is not checked here. */
export function planPeriodProblems(plan: { formulatedFy?: number | null; firstFy?: number | null; lastFy?: number | null }): InvariantProblem[] {
  const known = (n: number | null | undefined): n is number => typeof n === 'number';
  const problems: InvariantProblem[] = [];
  if (known(plan.firstFy) && known(plan.lastFy) && plan.firstFy > plan.lastFy) problems.push({ field: 'last_fy', message: PLAN_PERIOD_BACKWARDS });
  if (known(plan.formulatedFy) && known(plan.lastFy) && plan.formulatedFy > plan.lastFy) {
    problems.push({ field: 'formulated_fy', message: PLAN_FORMULATED_AFTER_PERIOD });
  }
  return problems;
}

/** True if `month` ('YYYY-MM') comes after the month that holds `today` ('YYYY-MM-DD'). */
export function isFutureMonth(month: string, today: string): boolean {
  return month > today.slice(0, 7);
}

/**
 * A month that has not started yet cannot be reported, on the form or by
 * import (DESIGN §8). `action` words what was refused: 入力 on the form,
 * 取り込み for a file.
 */
export function monthNotStartedProblems(month: string, today: string, action: 'entry' | 'import'): InvariantProblem[] {
  if (!isFutureMonth(month, today)) return [];
  const refused = action === 'import' ? '取り込めません' : '入力できません';
  return [{ field: 'month', message: `${monthLabelLong(month)}はまだ始まっていないため、${refused}。月が始まってから入力してください。` }];
}
