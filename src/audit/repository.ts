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
  /** Who acted when no signed-in user did (e.g. `cli:tanaka`); defaults to the process's actor. */
  actor?: string | null;
}

let processActor: string | null = null;

/**
 * Sets the actor recorded with every event of this process that has no
 * signed-in user: the command line sets `cli:<operating-system user>` at
 * start-up, so every write it makes, now or added later, says who ran it.
 */
export function setProcessActor(actor: string | null): void {
  processActor = actor;
}

/** The actor to store with an event written without recordAudit (bulk statements): the process's when no user acted. */
export function auditActorFor(userId: number | null): string | null {
  return userId === null ? processActor : null;
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
      actor: entry.actor ?? auditActorFor(entry.userId),
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
