import { asc, eq } from 'drizzle-orm';
import type { Database$ } from '../../src/db/index.js';
import { auditEvents, caseStudies, plans, salons } from '../../src/db/schema.js';

/** Audit events about register entries (salon, plan, case_study), oldest first. */
export function registerAudit(database: Database$, entity: 'salon' | 'plan' | 'case_study') {
  return database.db.select().from(auditEvents).where(eq(auditEvents.entity, entity)).orderBy(asc(auditEvents.id)).all();
}

export const allSalons = (database: Database$) => database.db.select().from(salons).orderBy(asc(salons.id)).all();
export const allPlans = (database: Database$) => database.db.select().from(plans).orderBy(asc(plans.id)).all();
export const allCaseStudies = (database: Database$) => database.db.select().from(caseStudies).orderBy(asc(caseStudies.id)).all();

/** HTML-escapes as Eta's `<%= %>` does, to find user text in a page. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** The text of an input's value attribute in a page (unescaped back), or undefined. */
export function inputValue(html: string, name: string): string | undefined {
  const m = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html);
  return m ? unescapeHtml(m[1]!) : undefined;
}

/** The content of a textarea in a page (unescaped back), or undefined. */
export function textareaValue(html: string, name: string): string | undefined {
  const m = new RegExp(`<textarea[^>]*name="${name}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  if (!m) return undefined;
  // HTML drops one newline right after <textarea>, as a browser would.
  return unescapeHtml(m[1]!.replace(/^\n/, ''));
}

function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] as string);
}

/** The message shown beside a field, or undefined. */
export function fieldError(html: string, name: string): string | undefined {
  return new RegExp(`id="${name}-error">([^<]*)<`).exec(html)?.[1];
}
