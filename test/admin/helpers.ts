import { monthlyValues } from '../support/app.js';
import { and, eq } from 'drizzle-orm';
import type { Database$ } from '../../src/db/index.js';
import { auditEvents } from '../../src/db/schema.js';
import type { MonthlyValues } from '../../src/monthlyReports/repository.js';

/** Monthly values with everything not reported except what is given. */
export function values(partial: Partial<MonthlyValues>): MonthlyValues {
  return monthlyValues(partial);
}

/** Audit events of one entity kind, oldest first. */
export function auditOf(database: Database$, entity: string, action?: string) {
  const where = action ? and(eq(auditEvents.entity, entity), eq(auditEvents.action, action)) : eq(auditEvents.entity, entity);
  return database.db.select().from(auditEvents).where(where).orderBy(auditEvents.id).all();
}

/** The text of a page with tags removed and whitespace folded, for asserting what people read. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}
