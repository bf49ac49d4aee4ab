/**
 * atomically (src/db/atomic.ts): a transaction with statements prepared once,
 * or a savepoint inside an open one; all of the callback's writes or none.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { atomically, clientOf } from '../../src/db/atomic.js';

const open: Database.Database[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

function memoryDb(): { sqlite: Database.Database; db: Db } {
  const sqlite = new Database(':memory:');
  open.push(sqlite);
  sqlite.exec('CREATE TABLE item (name TEXT NOT NULL UNIQUE)');
  return { sqlite, db: drizzle(sqlite) as unknown as Db };
}

const names = (sqlite: Database.Database) => sqlite.prepare('SELECT name FROM item ORDER BY name').pluck().all();
const add = (db: Db, name: string) => db.run(sql`INSERT INTO item (name) VALUES (${name})`);

describe('atomically', () => {
  it('commits what the callback wrote and returns its value; the callback gets the connection itself', () => {
    const { sqlite, db } = memoryDb();
    const value = atomically(db, (conn) => {
      expect(conn).toBe(db);
      expect(sqlite.inTransaction).toBe(true);
      add(conn, 'a');
      add(conn, 'b');
      return 42;
    });
    expect(value).toBe(42);
    expect(sqlite.inTransaction).toBe(false);
    expect(names(sqlite)).toEqual(['a', 'b']);
  });

  it('writes nothing when the callback throws, and passes its error on', () => {
    const { sqlite, db } = memoryDb();
    const failure = new Error('途中で失敗');
    expect(() =>
      atomically(db, (conn) => {
        add(conn, 'a');
        throw failure;
      }),
    ).toThrow(failure);
    expect(sqlite.inTransaction).toBe(false);
    expect(names(sqlite)).toEqual([]);
  });

  it('inside a transaction, undoes only its own writes and leaves the enclosing transaction open', () => {
    const { sqlite, db } = memoryDb();
    sqlite.exec('BEGIN');
    add(db, 'outer');
    expect(() =>
      atomically(db, (conn) => {
        add(conn, 'inner');
        // Nested once more: the inner savepoint commits into the failing one, and goes with it.
        atomically(conn, (c) => add(c, 'nested'));
        throw new Error('内側だけ失敗');
      }),
    ).toThrow('内側だけ失敗');
    expect(sqlite.inTransaction).toBe(true);
    atomically(db, (conn) => add(conn, 'kept'));
    sqlite.exec('COMMIT');
    expect(names(sqlite)).toEqual(['kept', 'outer']);
  });

  it('a Drizzle transaction inside it is a savepoint of the same transaction', () => {
    const { sqlite, db } = memoryDb();
    expect(() =>
      atomically(db, (conn) => {
        conn.transaction((tx) => add(tx, 'in drizzle'));
        throw new Error('外側で失敗');
      }),
    ).toThrow('外側で失敗');
    expect(names(sqlite)).toEqual([]);
  });

  it('immediate: takes the write lock at the start, so another connection cannot start writing meanwhile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimamori-atomic-'));
    try {
      const path = join(dir, 'a.db');
      const sqlite = new Database(path);
      open.push(sqlite);
      sqlite.pragma('journal_mode = WAL');
      sqlite.exec('CREATE TABLE item (name TEXT NOT NULL UNIQUE)');
      const db = drizzle(sqlite) as unknown as Db;
      expect(clientOf(db)).toBe(sqlite);
      const other = new Database(path, { timeout: 0 });
      open.push(other);
      const otherWrites = () => {
        other.exec('BEGIN IMMEDIATE');
        other.exec('ROLLBACK');
      };
      // Deferred (the default): a transaction that only reads holds no write lock.
      atomically(db, () => expect(otherWrites).not.toThrow());
      atomically(db, () => expect(otherWrites).toThrow(/locked|busy/i), { immediate: true });
      expect(sqlite.inTransaction).toBe(false);
    } finally {
      for (const c of open.splice(0)) c.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
