// When a monthly report is due (DESIGN §7): by the `dueDay`th of the following month.
import { addMonths, japanClock } from './fiscalYear.js';

/** The date ('YYYY-MM-DD') by which the report for `month` is due. */
export function dueDate(month: string, dueDay: number): string {
  return `${addMonths(month, 1)}-${String(dueDay).padStart(2, '0')}`;
}

/** True when the report for `month` was due before `today` ('YYYY-MM-DD'). */
export function isOverdue(month: string, today: string, dueDay: number): boolean {
  return dueDate(month, dueDay) < today;
}

/** True once `month` has ended, so a report can be expected (not yet necessarily overdue). */
export function isMonthOver(month: string, today: string): boolean {
  return `${addMonths(month, 1)}-01` <= today;
}

/** Today's date in Japan as 'YYYY-MM-DD'. */
export function todayInJapan(now: Date = new Date()): string {
  return japanClock(now).date;
}

/**
 * reported: a report with at least one count; overdue: not reported after the due day;
 * awaiting: the month is over but its due day has not passed; upcoming: the month is not over;
 * inactive: the district did not exist in that fiscal year (merged or not yet formed).
 */
export type ReportStatus = 'reported' | 'overdue' | 'awaiting' | 'upcoming' | 'inactive';

/** The status of one district-month on day `today` ('YYYY-MM-DD'). */
export function reportStatus(input: { reported: boolean; month: string; today: string; dueDay: number; active: boolean }): ReportStatus {
  if (!input.active) return 'inactive';
  if (input.reported) return 'reported';
  if (isOverdue(input.month, input.today, input.dueDay)) return 'overdue';
  if (isMonthOver(input.month, input.today)) return 'awaiting';
  return 'upcoming';
}

/** Key of a district-month in the set of reported ones. */
export function reportKey(districtId: number, month: string): string {
  return `${districtId}:${month}`;
}

/**
 * The months a district reports in, set by its successions (DESIGN §2): from
 * `from` (the first month of the event it came from) and before `until` (the
 * first month of the event that succeeded it); null = no bound.
 */
export interface ReportingBounds {
  from: string | null;
  until: string | null;
}

/** True if a district with `bounds` (none: no succession) reports `month`. */
export function isMonthInBounds(month: string, bounds: ReportingBounds | undefined | null): boolean {
  if (!bounds) return true;
  return (bounds.from === null || month >= bounds.from) && (bounds.until === null || month < bounds.until);
}
