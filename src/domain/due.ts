// When a monthly report is due (DESIGN §7): by the `dueDay`th of the following month.
import { addMonths } from './fiscalYear.js';

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

// Made once: building an Intl formatter costs more than formatting with it (a few % of a save request).
const japanDate = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in Japan as 'YYYY-MM-DD'. */
export function todayInJapan(now: Date = new Date()): string {
  return japanDate.format(now);
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
