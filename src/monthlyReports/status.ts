/**
 * Where a district-month stands (報告済み・未報告・期限超過・まだ先), DESIGN §7.
 * Pure: "today" is passed in, so tests can choose it.
 */
import { addMonths } from '../domain/fiscalYear.js';
import { isFutureMonth } from '../domain/invariants.js';
import { dueDate, isMonthInBounds, isMonthOver, isOverdue, type ReportingBounds } from '../domain/due.js';

export type MonthStatusKind = 'reported' | 'unreported' | 'overdue' | 'future' | 'notDue';

export interface MonthStatus {
  kind: MonthStatusKind;
  /** 'YYYY-MM-DD' by which the month's report is due. */
  dueDate: string;
}

/** Japanese words for each status, as the pages print them. */
export const STATUS_LABELS: Record<MonthStatusKind, string> = {
  reported: '報告済み',
  unreported: '未報告',
  overdue: '期限超過',
  future: 'まだ先',
  notDue: '対象外',
};

// Whether a month has not started yet is a domain invariant (src/domain/invariants.ts).
export { isFutureMonth } from '../domain/invariants.js';

/**
 * The status of `month` given whether it was reported, today's date in Japan and the due day.
 * Outside the district's reporting bounds (before its first month as a successor, or from the
 * first month its successors report, DESIGN §2) an unreported month is not due: 対象外.
 */
export function monthStatus(month: string, reported: boolean, today: string, dueDay: number, bounds?: ReportingBounds | null): MonthStatus {
  const due = dueDate(month, dueDay);
  if (reported) return { kind: 'reported', dueDate: due };
  if (!isMonthInBounds(month, bounds)) return { kind: 'notDue', dueDate: due };
  if (isFutureMonth(month, today)) return { kind: 'future', dueDate: due };
  return { kind: isOverdue(month, today, dueDay) ? 'overdue' : 'unreported', dueDate: due };
}

export interface DueMonth {
  month: string;
  dueDate: string;
  overdue: boolean;
}

/**
 * Months among `months` that are over and not yet reported, oldest first:
 * what a district's home page lists as still due.
 */
export function monthsStillDue(months: readonly string[], reported: ReadonlySet<string>, today: string, dueDay: number): DueMonth[] {
  return [...months]
    .sort()
    .filter((m) => isMonthOver(m, today) && !reported.has(m))
    .map((m) => ({ month: m, dueDate: dueDate(m, dueDay), overdue: isOverdue(m, today, dueDay) }));
}

/** The month before and after `month`, for month navigation. */
export function neighbours(month: string): { previous: string; next: string } {
  return { previous: addMonths(month, -1), next: addMonths(month, 1) };
}
