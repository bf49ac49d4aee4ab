/**
 * A transaction (or, inside one, a savepoint) with statements prepared once per
 * connection, for the paths that run on every save (issue 9: "requests that do
 * only their own work").
 *
 * Drizzle's `db.transaction` builds a new transaction object on every call, with
 * a query builder for every table of the schema, and better-sqlite3 wraps the
 * callback afresh: together more than a whole save's SQL. On better-sqlite3 a
 * Drizzle transaction is the same connection as the database it came from, so
 * the callback here gets the connection itself: every query of the callback runs
 * inside the transaction all the same.
 *
 * Outside a transaction: BEGIN (deferred, as Drizzle's default) … COMMIT, or
 * ROLLBACK when the callback throws. Inside one: SAVEPOINT … RELEASE, or
 * ROLLBACK TO and RELEASE when it throws (the enclosing transaction goes on,
 * without the callback's writes).
 */
import type Database from 'better-sqlite3';

interface Statements {
  begin: Database.Statement;
  beginImmediate: Database.Statement;
  commit: Database.Statement;
  rollback: Database.Statement;
  savepoint: Database.Statement;
  release: Database.Statement;
  rollbackTo: Database.Statement;
}

const byConnection = new WeakMap<Database.Database, Statements>();

function statementsOf(sqlite: Database.Database): Statements {
  let s = byConnection.get(sqlite);
  if (!s) {
    s = {
      begin: sqlite.prepare('BEGIN'),
      beginImmediate: sqlite.prepare('BEGIN IMMEDIATE'),
      commit: sqlite.prepare('COMMIT'),
      rollback: sqlite.prepare('ROLLBACK'),
      // One name for every level: SQLite releases and rolls back to the innermost savepoint of that name.
      savepoint: sqlite.prepare('SAVEPOINT mimamori_atomic'),
      release: sqlite.prepare('RELEASE mimamori_atomic'),
      rollbackTo: sqlite.prepare('ROLLBACK TO mimamori_atomic'),
    };
    byConnection.set(sqlite, s);
  }
  return s;
}

/** The better-sqlite3 connection behind a Drizzle database or transaction. */
export function clientOf(conn: object): Database.Database {
  const client = (conn as { session?: { client?: Database.Database } }).session?.client;
  if (!client) throw new Error('not a Drizzle connection over better-sqlite3');
  return client;
}

export interface AtomicOptions {
  /** Take the write lock at the start (BEGIN IMMEDIATE) when this opens the transaction. */
  immediate?: boolean;
}

/**
 * Runs `fn(conn)` atomically: all of its writes or none. Synchronous, as every
 * transaction on better-sqlite3 (keep any await outside it).
 */
export function atomically<C extends object, T>(conn: C, fn: (conn: C) => T, options: AtomicOptions = {}): T {
  const sqlite = clientOf(conn);
  const s = statementsOf(sqlite);
  if (sqlite.inTransaction) {
    s.savepoint.run();
    let result: T;
    try {
      result = fn(conn);
    } catch (err) {
      // Some errors (disk full, I/O) end the whole transaction, and the savepoint with it.
      if (sqlite.inTransaction) {
        s.rollbackTo.run();
        s.release.run();
      }
      throw err;
    }
    s.release.run();
    return result;
  }
  (options.immediate ? s.beginImmediate : s.begin).run();
  let result: T;
  try {
    result = fn(conn);
  } catch (err) {
    if (sqlite.inTransaction) s.rollback.run();
    throw err;
  }
  try {
    s.commit.run();
  } catch (err) {
    if (sqlite.inTransaction) s.rollback.run();
    throw err;
  }
  return result;
}
