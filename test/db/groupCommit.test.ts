/**
 * Group commit: write units that arrive together share one transaction and one
 * synced commit, each in its own savepoint, and are settled only after the
 * commit (src/db/groupCommit.ts). Commits are counted in the WAL file itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database$, Db } from '../../src/db/index.js';
import { BatchAbortedError, GroupCommit, groupCommitOf, MAX_WAIT_TURNS } from '../../src/db/groupCommit.js';
import { walCommits } from './walCommits.js';

let dir: string | null = null;
const open: Database.Database[] = [];

afterEach(() => {
  for (const c of open.splice(0)) c.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/** A file database in WAL with synchronous=FULL (as the app opens it), never checkpointed while the test counts. */
function fileDatabase(): { database: Database$; path: string } {
  dir = mkdtempSync(join(tmpdir(), 'mimamori-group-'));
  const path = join(dir, 'group.db');
  const sqlite = new Database(path);
  open.push(sqlite);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('wal_autocheckpoint = 0');
  sqlite.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
    CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
      parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)`);
  return { database: { sqlite, db: drizzle(sqlite) as unknown as Db }, path };
}

/** What another connection sees: only committed rows. */
function committedNames(path: string): string[] {
  const reader = new Database(path, { readonly: true });
  try {
    return (reader.prepare('SELECT name FROM item ORDER BY name').pluck().all() as string[]).sort();
  } finally {
    reader.close();
  }
}

const insert =
  (name: string, parentId: number | null = null) =>
  (tx: Db) => {
    tx.run(sql`INSERT INTO item (name, parent_id) VALUES (${name}, ${parentId})`);
    return name;
  };

describe('group commit', () => {
  it('runs units that arrive together in one transaction with one commit, and settles them after it', async () => {
    const { database, path } = fileDatabase();
    const group = new GroupCommit(database);
    const before = walCommits(path);
    const settled: { name: string; seen: string[]; commits: number }[] = [];
    const runs = ['a', 'b', 'c'].map((name) =>
      group.run(insert(name)).then((value) => settled.push({ name: value, seen: committedNames(path), commits: walCommits(path) - before })),
    );
    // Nothing has run yet: the batch runs after this turn.
    expect(committedNames(path)).toEqual([]);
    await Promise.all(runs);
    expect(walCommits(path) - before).toBe(1);
    // Each unit was acknowledged only once every row of the batch was committed (another connection sees them).
    expect(settled).toEqual(['a', 'b', 'c'].map((name) => ({ name, seen: ['a', 'b', 'c'], commits: 1 })));
  });

  it('rolls a failing unit back alone and gives it its error; the others are saved', async () => {
    const { database, path } = fileDatabase();
    const group = new GroupCommit(database);
    const before = walCommits(path);
    const failure = new Error('この単位だけ失敗');
    const results = await Promise.allSettled([
      group.run(insert('a')),
      group.run((tx) => {
        insert('b')(tx);
        throw failure;
      }),
      // A constraint error from SQLite itself (a name already used in this batch).
      group.run(insert('a')),
      group.run(insert('c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBe(failure);
    const constraint = (results[2] as PromiseRejectedResult).reason as Error;
    expect((constraint.cause as Error).message).toMatch(/UNIQUE/);
    expect(committedNames(path)).toEqual(['a', 'c']);
    expect(walCommits(path) - before).toBe(1);
  });

  it('rejects every unit of the batch when the commit fails, and writes none of it', async () => {
    const { database, path } = fileDatabase();
    const group = new GroupCommit(database);
    const before = walCommits(path);
    // A deferred foreign key is checked at COMMIT: the savepoint is released, the commit refused.
    const results = await Promise.allSettled([group.run(insert('a')), group.run(insert('orphan', 42))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(committedNames(path)).toEqual([]);
    expect(walCommits(path) - before).toBe(0);
    expect(database.sqlite.inTransaction).toBe(false);
    // The next batch goes through.
    await expect(group.run(insert('b'))).resolves.toBe('b');
    expect(committedNames(path)).toEqual(['b']);
  });

  it('when a unit ends the whole transaction, the units before it are rejected and the ones after it still saved', async () => {
    const { database, path } = fileDatabase();
    const group = new GroupCommit(database);
    const results = await Promise.allSettled([
      group.run(insert('a')),
      group.run((tx) => {
        insert('b')(tx);
        // As SQLite does on some I/O errors: the transaction is gone, not only the savepoint.
        database.sqlite.exec('ROLLBACK');
        throw new Error('トランザクションごと失敗');
      }),
      group.run(insert('c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(BatchAbortedError);
    expect(committedNames(path)).toEqual(['c']);
  });

  it('waits while saves are still arriving: units of consecutive turns share one commit', async () => {
    const { database, path } = fileDatabase();
    const group = new GroupCommit(database);
    const before = walCommits(path);
    const turn = () => new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
    // As requests read in the poll phases after the first one: each a turn later than the one before.
    const runs = [group.run(insert('a'))];
    await turn();
    runs.push(group.run(insert('b')));
    await turn();
    runs.push(group.run(insert('c')));
    await Promise.all(runs);
    expect(walCommits(path) - before).toBe(1);
    expect(committedNames(path)).toEqual(['a', 'b', 'c']);
    expect(group.stats).toEqual({ batches: 1, units: 3 });
  });

  it('does not wait for ever: a unit that keeps arriving each turn is committed after a bounded number of turns', async () => {
    const { database, path } = fileDatabase();
    const group = new GroupCommit(database);
    const turn = () => new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
    const runs: Promise<string>[] = [];
    let firstSettledAt = -1;
    for (let i = 0; i < MAX_WAIT_TURNS + 4; i++) {
      const run = group.run(insert(`u${i}`));
      if (i === 0) void run.then(() => (firstSettledAt = runs.length));
      runs.push(run);
      await turn();
    }
    await Promise.all(runs);
    // The first unit was committed while later ones were still arriving.
    expect(firstSettledAt).toBeGreaterThan(0);
    expect(firstSettledAt).toBeLessThanOrEqual(MAX_WAIT_TURNS + 2);
    expect(group.stats.batches).toBeGreaterThan(1);
    expect(committedNames(path)).toHaveLength(MAX_WAIT_TURNS + 4);
  });

  it('commits units of different turns separately, and the connection keeps one group', async () => {
    const { database, path } = fileDatabase();
    expect(groupCommitOf(database)).toBe(groupCommitOf(database));
    const before = walCommits(path);
    await groupCommitOf(database).run(insert('a'));
    await groupCommitOf(database).run(insert('b'));
    expect(walCommits(path) - before).toBe(2);
    expect(committedNames(path)).toEqual(['a', 'b']);
  });

  it('rejects the units when the connection is closed', async () => {
    const { database } = fileDatabase();
    const group = new GroupCommit(database);
    const run = group.run(insert('a'));
    database.sqlite.close();
    open.splice(0);
    await expect(run).rejects.toThrow(/not open/);
  });
});
