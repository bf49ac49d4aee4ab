/**
 * Statements prepared once per database connection, for the paths that run on
 * every save and every imported row (issue 9: "statements are prepared once").
 * Building a Drizzle query costs far more than running it; a prepared query
 * built here is reused by every later call on the same connection, inside or
 * outside a transaction (a Drizzle transaction shares its connection's
 * session, so both find the same statements).
 */
import type { Db } from './index.js';

/** A connection or a transaction as Drizzle hands them out. */
export type AnyConn = Pick<Db, 'select' | 'insert'>;

const byConnection = new WeakMap<object, Map<string, unknown>>();

/** The session a connection and its transactions share (better-sqlite3 has one connection per Drizzle db). */
function sessionOf(conn: object): object {
  const session = (conn as unknown as { session?: object }).session;
  if (!session) throw new Error('not a Drizzle connection');
  return session;
}

/**
 * The value `build` made for this connection under `key`, made on first use.
 * `build` must only prepare statements (it runs once, with whichever of the
 * connection or one of its transactions asked first).
 */
export function preparedOnce<C extends object, T>(conn: C, key: string, build: (conn: C) => T): T {
  const session = sessionOf(conn);
  let cache = byConnection.get(session);
  if (!cache) byConnection.set(session, (cache = new Map<string, unknown>()));
  if (!cache.has(key)) cache.set(key, build(conn));
  return cache.get(key) as T;
}
