import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { auditEvents, users } from '../db/schema.js';
import { preparedOnce, type AnyConn } from '../db/prepared.js';

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
 * Writes audit events with one INSERT prepared once per connection, for paths
 * that write many events or run often. Call it with the transaction that makes
 * the change, so the change and its record commit together or not at all.
 */
export function auditWriter(conn: AnyConn): (entry: AuditEntry, at?: string) => void {
  const insert = preparedOnce(conn, 'audit.insert', (c) => {
    const p = (name: string) => sql.placeholder(name);
    return c
      .insert(auditEvents)
      .values({
        at: p('at'),
        userId: p('userId'),
        action: p('action'),
        entity: p('entity'),
        entityId: p('entityId'),
        districtId: p('districtId'),
        month: p('month'),
        before: p('before'),
        after: p('after'),
        detail: p('detail'),
        actor: p('actor'),
      })
      .prepare();
  });
  return (entry, at = new Date().toISOString()) => {
    insert.run({
      at,
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
    });
  };
}

/**
 * Writes one audit event. Call it with the transaction that makes the change,
 * so the change and its record commit together or not at all.
 */
export function recordAudit(db: AnyConn, entry: AuditEntry): void {
  auditWriter(db)(entry);
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
