// Shared helpers of the monthly report tests.
import { and, count, eq } from 'drizzle-orm';
import type { Database$ } from '../../src/db/index.js';
import { auditEvents, monthlyReports } from '../../src/db/schema.js';
import { addMonths, currentMonth } from '../../src/domain/fiscalYear.js';
import { COUNT_FIELDS, getMonthlyReport, saveMonthlyReport, type MonthlyValues } from '../../src/monthlyReports/repository.js';

/** A month that is over in Japan: `n` months before the current one. */
export function monthsAgo(n: number): string {
  return addMonths(currentMonth(), -n);
}

/** Every form field blank, plus the given ones. */
export function formFields(fields: Record<string, string> = {}, version = '0'): Record<string, string> {
  const out: Record<string, string> = { version };
  for (const f of COUNT_FIELDS) out[f] = '';
  out.note = '';
  return { ...out, ...fields };
}

/** A typical month's values. */
export function typicalValues(overrides: Partial<MonthlyValues> = {}): MonthlyValues {
  return {
    watched_elderly: 1000,
    watched_disability: 50,
    watched_single_parent: 40,
    watched_other: 30,
    welfare_cooperators: 120,
    mutual_aid_cases: 200,
    coordination_meetings: 1,
    well_club_participants: 300,
    note: null,
    ...overrides,
  };
}

/** Stores a report directly through the one write path (as an earlier save would have). */
export function storeReport(database: Database$, districtId: number, month: string, values: MonthlyValues = typicalValues()) {
  const result = saveMonthlyReport(database.db, { districtId, month, values, userId: null });
  if (result.status !== 'saved') throw new Error(`could not store ${month}: ${result.status}`);
  return result.report;
}

export function reportCount(database: Database$): number {
  return database.db.select({ n: count() }).from(monthlyReports).get()!.n;
}

/** Audit events about monthly reports (403s write their own 'forbidden' events, which are not changes). */
export function monthlyAuditCount(database: Database$): number {
  return database.db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.entity, 'monthly_report')).get()!.n;
}

export function monthlyAuditEvents(database: Database$, districtId: number, month: string) {
  return database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entity, 'monthly_report'), eq(auditEvents.districtId, districtId), eq(auditEvents.month, month)))
    .all();
}

export function report(database: Database$, districtId: number, month: string) {
  return getMonthlyReport(database.db, districtId, month);
}

/** The HTML of one form field's block (from its label to the next field), to check what is shown beside it. */
export function fieldBlock(html: string, name: string): string {
  const start = html.indexOf(`<label for="${name}"`);
  if (start === -1) return '';
  const end = html.indexOf('<div class="field', start);
  return html.slice(start, end === -1 ? undefined : end);
}
