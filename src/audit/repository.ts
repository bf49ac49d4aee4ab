import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { auditEvents, users } from '../db/schema.js';

export interface AuditEntry {
  userId: number | null;
  action: string;
  entity: string;
  entityId?: string | number | null;
  districtId?: number | null;
  month?: string | null;
  before?: unknown;
  after?: unknown;
  detail?: string | null;
}

const asJson = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

/**
 * Writes one audit event. Call it with the transaction that makes the change,
 * so the change and its record commit together or not at all.
 */
export function recordAudit(db: Pick<Db, 'insert'>, entry: AuditEntry): void {
  db.insert(auditEvents)
    .values({
      at: new Date().toISOString(),
      userId: entry.userId,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
      districtId: entry.districtId ?? null,
      month: entry.month ?? null,
      before: asJson(entry.before),
      after: asJson(entry.after),
      detail: entry.detail ?? null,
    })
    .run();
}

/** A district's history, newest first, optionally for one month. */
export function listDistrictHistory(db: Db, districtId: number, options: { month?: string; limit?: number } = {}) {
  const where: SQL[] = [eq(auditEvents.districtId, districtId)];
  if (options.month) where.push(eq(auditEvents.month, options.month));
  return db
    .select({ event: auditEvents, userLogin: users.login, userName: users.displayName })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.userId))
    .where(and(...where))
    .orderBy(desc(auditEvents.id))
    .limit(options.limit ?? 500)
    .all();
}
