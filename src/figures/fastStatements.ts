/**
 * Statements prepared once per database connection, for the write paths that
 * run on every save and every imported row (issue 9: "statements are prepared
 * once"). Building a Drizzle query costs far more than running it; a prepared
 * query built here is reused by every later call on the same connection,
 * inside or outside a transaction (a Drizzle transaction shares its
 * connection's session, so both find the same statements).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { auditEvents } from '../db/schema.js';
import { auditActorFor, type AuditEntry } from '../audit/repository.js';

/** A connection or a transaction as Drizzle hands them out. */
type AnyConn = Pick<Db, 'select' | 'insert'>;

const byConnection = new WeakMap<object, Map<string, unknown>>();

/** The session a connection and its transactions share (better-sqlite3 has one connection per Drizzle db). */
function sessionOf(conn: AnyConn): object {
  const session = (conn as unknown as { session?: object }).session;
  if (!session) throw new Error('not a Drizzle connection');
  return session;
}

/**
 * The value `build` made for this connection under `key`, made on first use.
 * `build` must only prepare statements (it runs once, with whichever of the
 * connection or one of its transactions asked first).
 */
export function preparedOnce<T>(conn: AnyConn, key: string, build: (conn: AnyConn) => T): T {
  const session = sessionOf(conn);
  let cache = byConnection.get(session);
  if (!cache) byConnection.set(session, (cache = new Map()));
  if (!cache.has(key)) cache.set(key, build(conn));
  return cache.get(key) as T;
}

const asJson = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

/**
 * Writes audit events with one prepared INSERT: the same row recordAudit writes
 * (src/audit/repository.ts), for paths that write many events or run often.
 * Call it with the transaction that makes the change.
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
