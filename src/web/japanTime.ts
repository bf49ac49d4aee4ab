/**
 * Japan time as the pages show it. The clock itself is read in one place (`japanClock` in
 * src/domain/fiscalYear.ts, pure, taking a Date); "today" and "this month" are `todayInJapan` and
 * `currentMonth` built on it. This module only formats stored ISO timestamps for people.
 */
import { formatDateLong } from '../domain/dates.js';
import { japanClock } from '../domain/fiscalYear.js';

function toDate(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** An ISO timestamp as people in Japan read it: '2026-11-23T05:05:00Z' → '令和8年11月23日 14:05'; '' when there is none. */
export function formatJapanDateTime(iso: string | null | undefined): string {
  const d = toDate(iso);
  if (!d) return '';
  const { date, time } = japanClock(d);
  return `${formatDateLong(date)} ${time}`;
}

/** Only the Japan-time clock reading of an ISO timestamp: '2026-11-23T05:05:00Z' → '14:05'; '' when there is none. */
export function formatJapanTime(iso: string | null | undefined): string {
  const d = toDate(iso);
  return d ? japanClock(d).time : '';
}
