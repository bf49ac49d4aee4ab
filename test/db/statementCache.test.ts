import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { reuseStatements } from '../../src/db/statementCache.js';

let sqlite: Database.Database;
afterEach(() => sqlite?.close());

let compiled: string[] = [];

function open(): Database.Database {
  sqlite = new Database(':memory:');
  sqlite.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('一'), ('二'), ('三')");
  // Count what reaches SQLite's own prepare.
  compiled = [];
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = (source: string) => (compiled.push(source), prepare(source));
  reuseStatements(sqlite);
  return sqlite;
}

describe('statements reused by SQL text', () => {
  it('compiles one statement per SQL text', () => {
    const db = open();
    const a = db.prepare('SELECT name FROM t WHERE id = ?');
    const b = db.prepare('SELECT name FROM t WHERE id = ?');
    expect(a).not.toBe(b); // each caller has its own view …
    expect(a.get(2)).toEqual({ name: '二' });
    expect(b.get(3)).toEqual({ name: '三' });
    // … of one compiled statement.
    expect(compiled).toEqual(['SELECT name FROM t WHERE id = ?']);
    db.prepare('SELECT count(*) AS n FROM t').get();
    expect(compiled).toHaveLength(2);
  });

  it("keeps each caller's result mode to itself (Drizzle sets raw() on the statements it maps)", () => {
    const db = open();
    const rawView = db.prepare('SELECT id, name FROM t ORDER BY id').raw();
    const objects = db.prepare('SELECT id, name FROM t ORDER BY id');
    const plucked = db.prepare('SELECT id, name FROM t ORDER BY id').pluck();
    expect(rawView.all()).toEqual([
      [1, '一'],
      [2, '二'],
      [3, '三'],
    ]);
    expect(objects.get()).toEqual({ id: 1, name: '一' });
    expect(plucked.all()).toEqual([1, 2, 3]);
    expect(rawView.get()).toEqual([1, '一']);
    expect(objects.all()).toHaveLength(3);
    expect(objects.all()[2]).toEqual({ id: 3, name: '三' });
    // raw(false) turns the mode back off for that caller only.
    expect(rawView.raw(false).get()).toEqual({ id: 1, name: '一' });
    expect(plucked.get()).toBe(1);
  });

  it('gives a fresh statement while the shared one is busy iterating', () => {
    const db = open();
    const seen: string[] = [];
    for (const row of db.prepare('SELECT name FROM t ORDER BY id').iterate() as Iterable<{ name: string }>) {
      // The same text inside the loop: would throw "busy" if it were the same statement.
      seen.push(row.name + db.prepare('SELECT name FROM t ORDER BY id').all().length);
    }
    expect(seen).toEqual(['一3', '二3', '三3']);
    expect(compiled).toHaveLength(4); // the shared one, then a fresh one per row while it was busy
  });

  it('runs writes and refuses raw() on a statement that returns nothing, as the library does', () => {
    const db = open();
    const insert = db.prepare('INSERT INTO t (name) VALUES (?)');
    expect(insert.run('四').changes).toBe(1);
    expect(db.prepare('INSERT INTO t (name) VALUES (?)').run('五').lastInsertRowid).toBe(5);
    expect(() => db.prepare('INSERT INTO t (name) VALUES (?)').raw()).toThrow();
  });

  it('does not keep a statement whose SQL fails to compile', () => {
    const db = open();
    expect(() => db.prepare('SELECT nope FROM t')).toThrow(/no such column/);
    db.exec('ALTER TABLE t ADD COLUMN nope TEXT');
    expect(db.prepare('SELECT nope FROM t WHERE id = 1').get()).toEqual({ nope: null });
  });
});
