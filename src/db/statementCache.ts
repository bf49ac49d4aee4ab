/**
 * Statements reused by SQL text (issue 9: "statements are prepared once").
 * Drizzle prepares every query it runs afresh; SQLite's prepare is a large
 * part of a cheap request. This wraps a connection's `prepare` so that the same
 * SQL text gets the same compiled statement back.
 *
 * A better-sqlite3 statement keeps its result mode (`raw`, `pluck`, `expand`)
 * between calls, and Drizzle sets `raw()` on the statements it maps itself. So
 * each `prepare` call gets its own small view of the shared statement that
 * remembers its own mode and applies it before each call: two callers of the
 * same SQL text never see each other's mode. A statement still busy iterating
 * is not shared: the caller gets a fresh one.
 */
import type Database from 'better-sqlite3';

type Statement = Database.Statement<unknown[], unknown>;

/** How many distinct SQL texts are kept (least recently used dropped first). */
const MAX_STATEMENTS = 2_000;

function viewOf(stmt: Statement): Statement {
  let raw = false;
  let pluck = false;
  let expand = false;
  const modeSet = (): Statement => {
    if (stmt.reader) {
      // Turning one mode on turns the others off: set the one wanted last.
      stmt.raw(false);
      if (raw) stmt.raw(true);
      else if (pluck) stmt.pluck(true);
      else if (expand) stmt.expand(true);
    }
    return stmt;
  };
  const view = {
    get source() {
      return stmt.source;
    },
    get reader() {
      return stmt.reader;
    },
    get readonly() {
      return stmt.readonly;
    },
    get busy() {
      return stmt.busy;
    },
    get database() {
      return stmt.database;
    },
    raw(on = true) {
      raw = on;
      if (on) pluck = expand = false;
      if (on && !stmt.reader) stmt.raw(true); // the library's own error for a statement that returns nothing
      return view;
    },
    pluck(on = true) {
      pluck = on;
      if (on) raw = expand = false;
      if (on && !stmt.reader) stmt.pluck(true);
      return view;
    },
    expand(on = true) {
      expand = on;
      if (on) raw = pluck = false;
      if (on && !stmt.reader) stmt.expand(true);
      return view;
    },
    run: (...params: unknown[]) => stmt.run(...params),
    get: (...params: unknown[]) => modeSet().get(...params),
    all: (...params: unknown[]) => modeSet().all(...params),
    iterate: (...params: unknown[]) => modeSet().iterate(...params),
    columns: () => stmt.columns(),
    safeIntegers: (on?: boolean) => {
      stmt.safeIntegers(on);
      return view;
    },
    bind: () => {
      throw new Error('bind() is not available on shared statements');
    },
  };
  return view;
}

/** Makes `sqlite.prepare` reuse compiled statements by SQL text. */
export function reuseStatements(sqlite: Database.Database): void {
  const prepare = sqlite.prepare.bind(sqlite) as (source: string) => Statement;
  const cache = new Map<string, Statement>();
  (sqlite as unknown as { prepare: (source: string) => Statement }).prepare = (source: string) => {
    let stmt = cache.get(source);
    if (stmt === undefined || stmt.busy) {
      const fresh = prepare(source);
      if (stmt !== undefined) return viewOf(fresh);
      stmt = fresh;
      if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value as string);
    } else {
      cache.delete(source); // most recently used last
    }
    cache.set(source, stmt);
    return viewOf(stmt);
  };
}
