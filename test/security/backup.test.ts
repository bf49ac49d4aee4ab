import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { backupDatabase, openDatabase, restoreDatabase, type Database$ } from '../../src/db/index.js';
import { caseStudies, monthlyReports, wards } from '../../src/db/schema.js';
import { populateEveryTable, rowCounts, tableContents } from './populate.js';

const dirs: string[] = [];
const handles: { close(): unknown }[] = [];
afterEach(async () => {
  for (const h of handles.splice(0).reverse()) await h.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mimamori-backup-'));
  dirs.push(dir);
  return dir;
}

async function openTracked(path: string): Promise<Database$> {
  const database = await openDatabase(path);
  handles.push({ close: () => database.sqlite.open && database.sqlite.close() });
  return database;
}

function readOnly(path: string): Database.Database {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  handles.push({ close: () => db.open && db.close() });
  return db;
}

// A second connection in another thread that writes pairs (a case study and its audit event) in one transaction each.
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
const counter = new Int32Array(workerData.shared);
const addCase = db.prepare("INSERT INTO case_studies (district_id, fiscal_year, title, body, created_at, updated_at) VALUES (1, 2024, ?, ?, 'now', 'now')");
const addAudit = db.prepare("INSERT INTO audit_events (at, user_id, action, entity, entity_id, detail) VALUES ('now', 1, 'create', 'case_study', ?, 'pair')");
const pair = db.transaction((i) => {
  const id = addCase.run('w-' + i, 'x'.repeat(2000)).lastInsertRowid;
  addAudit.run(String(id));
});
let i = 0;
while (Atomics.load(counter, 1) === 0 && i < 200000) {
  pair(i++);
  Atomics.store(counter, 0, i);
}
db.close();
parentPort.postMessage(i);
`;

/** Every written case study has its audit event and vice versa: the copy is one point in time. */
function pairsOf(db: Database.Database): { cases: number; audits: number; unmatched: number } {
  const cases = (db.prepare("SELECT count(*) AS n FROM case_studies WHERE title LIKE 'w-%'").get() as { n: number }).n;
  const audits = (db.prepare("SELECT count(*) AS n FROM audit_events WHERE detail = 'pair'").get() as { n: number }).n;
  const unmatched = (
    db
      .prepare(
        "SELECT count(*) AS n FROM case_studies c FULL OUTER JOIN (SELECT * FROM audit_events WHERE detail = 'pair') a ON a.entity_id = CAST(c.id AS TEXT) WHERE (c.title LIKE 'w-%' OR c.id IS NULL) AND (a.id IS NULL OR c.id IS NULL)",
      )
      .get() as { n: number }
  ).n;
  return { cases, audits, unmatched };
}

describe('backups', () => {
  it('an online backup taken while another connection keeps writing is a consistent copy', async () => {
    const dir = tempDir();
    const path = join(dir, 'live.db');
    const database = await openTracked(path);
    await populateEveryTable(database);
    // Some bulk so that the copy takes more than one step.
    const bulk = database.sqlite.prepare("INSERT INTO audit_events (at, user_id, action, entity, detail) VALUES ('then', 1, 'update', 'setting', ?)");
    database.sqlite.transaction(() => {
      for (let i = 0; i < 3000; i++) bulk.run('y'.repeat(1500));
    })();

    const shared = new SharedArrayBuffer(8);
    const counter = new Int32Array(shared);
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const writer = new Worker(WRITER, { eval: true, workerData: { path, shared, driver } });
    const finished = new Promise<number>((resolve, reject) => {
      writer.once('message', resolve);
      writer.once('error', reject);
    });
    handles.push({ close: () => (Atomics.store(counter, 1, 1), writer.terminate()) });

    // Wait (bounded) until the writer is under way.
    for (let i = 0; i < 500 && Atomics.load(counter, 0) < 20; i++) await new Promise((r) => setTimeout(r, 10));
    expect(Atomics.load(counter, 0)).toBeGreaterThanOrEqual(20);

    const copies: { file: string; before: number; after: number }[] = [];
    for (let k = 0; k < 3; k++) {
      const file = join(dir, `backup-${k}.db`);
      const before = Atomics.load(counter, 0);
      await backupDatabase(database.sqlite, file);
      const after = Atomics.load(counter, 0);
      copies.push({ file, before, after });
      await new Promise((r) => setTimeout(r, 30));
    }
    Atomics.store(counter, 1, 1);
    const written = await finished;
    const firstCopy = copies[0];
    if (!firstCopy) throw new Error('no backup copy taken');
    expect(written).toBeGreaterThan(firstCopy.before);

    for (const c of copies) {
      const copy = readOnly(c.file);
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('foreign_key_check')).toEqual([]);
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      const pairs = pairsOf(copy);
      expect(pairs.unmatched).toBe(0);
      expect(pairs.cases).toBe(pairs.audits);
      // The copy holds the pairs committed at one moment between the start and the end of the backup.
      expect(pairs.cases).toBeGreaterThanOrEqual(c.before);
      expect(pairs.cases).toBeLessThanOrEqual(c.after + 1);
      expect((copy.prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'update'").get() as { n: number }).n).toBe(3000);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    const live = pairsOf(database.sqlite);
    expect(live.cases).toBe(written);
  });

  it('refuses to overwrite an existing file', async () => {
    const dir = tempDir();
    const database = await openTracked(join(dir, 'a.db'));
    await backupDatabase(database.sqlite, join(dir, 'copy.db'));
    await expect(backupDatabase(database.sqlite, join(dir, 'copy.db'))).rejects.toThrow(/すでにあります/);
  });

  it('round trip: back up, change data, restore by copying the file (documented steps), reopen: data equals the backup', async () => {
    const dir = tempDir();
    const path = join(dir, 'mimamori.db');
    const backup = join(dir, 'backups', 'mimamori-2026-11-23.db');
    let database = await openTracked(path);
    await populateEveryTable(database);
    await backupDatabase(database.sqlite, backup);
    const atBackup = tableContents(database);

    // Changes after the backup: an edit, a deletion, a new row.
    database.db.update(monthlyReports).set({ watchedElderly: 999_999, note: 'バックアップ後の変更' }).run();
    database.db.delete(caseStudies).where(eq(caseStudies.title, '東の事例')).run();
    database.db.insert(wards).values({ name: '南区', kana: 'みなみ' }).run();
    expect(tableContents(database)).not.toEqual(atBackup);

    // 1. stop the server  2. copy the backup over DATABASE_PATH  3. remove -wal and -shm  4. start.
    database.sqlite.close();
    copyFileSync(backup, path);
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    database = await openTracked(path);
    expect(tableContents(database)).toEqual(atBackup);
    expect(database.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(database.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('restoreDatabase checks the backup and removes a stale -wal that would otherwise be replayed onto it', async () => {
    const dir = tempDir();
    const path = join(dir, 'mimamori.db');
    const backup = join(dir, 'b.db');
    const database = await openTracked(path);
    await populateEveryTable(database);
    await backupDatabase(database.sqlite, backup);
    const atBackup = rowCounts(database);

    // A crash leaves changes in the -wal: keep a copy of it as the crashed server would have left it.
    database.sqlite.pragma('wal_autocheckpoint = 0');
    database.db.insert(wards).values({ name: '北区', kana: 'きた' }).run();
    expect(existsSync(`${path}-wal`)).toBe(true);
    copyFileSync(`${path}-wal`, join(dir, 'stale-wal'));
    database.sqlite.close();
    copyFileSync(join(dir, 'stale-wal'), `${path}-wal`);

    restoreDatabase(backup, path);
    expect(existsSync(`${path}-wal`)).toBe(false);
    const reopened = await openTracked(path);
    expect(rowCounts(reopened)).toEqual(atBackup);
    expect(reopened.db.select().from(wards).where(eq(wards.name, '北区')).all()).toEqual([]);

    // A damaged backup is refused and the database is left as it was.
    reopened.sqlite.close();
    const damaged = join(dir, 'damaged.db');
    copyFileSync(backup, damaged);
    const { openSync, writeSync, closeSync } = await import('node:fs');
    const fd = openSync(damaged, 'r+');
    writeSync(fd, Buffer.from('not a database at all'), 0, 21, 0);
    closeSync(fd);
    expect(() => restoreDatabase(damaged, path)).toThrow();
    const again = readOnly(path);
    expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
