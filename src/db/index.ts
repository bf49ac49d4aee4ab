import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { chmodSync, closeSync, copyFileSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.js';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../config.js';
import { reuseStatements } from './statementCache.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface Database$ {
  sqlite: Database.Database;
  db: Db;
}

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

/** Makes `path` readable and writable by its owner only (0600), if it exists and is ours to change. */
function makePrivateFile(path: string): void {
  try {
    chmodSync(path, PRIVATE_FILE_MODE);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw err;
  }
}

/**
 * Creates an empty file as 0600 unless it exists, so that SQLite, which gives
 * its -wal, -shm and -journal files the database file's mode, never makes
 * them readable by others.
 */
function createPrivateFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  makePrivateFile(path);
}

/** The database file and its side files: owner only. */
function makeDatabaseFilesPrivate(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) makePrivateFile(file);
}

/** Applies the pragmas every connection needs: durability first (WAL + FULL sync). */
function applyPragmas(sqlite: Database.Database): void {
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
}

/** Number of migrations in the journal that the database has not applied yet. */
export function pendingMigrationCount(sqlite: Database.Database, migrationsFolder = MIGRATIONS_FOLDER): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
  const hasTable = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  const applied = hasTable ? (sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n : 0;
  return journal.entries.length - applied;
}

function hasUserTables(sqlite: Database.Database): boolean {
  return !!sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' LIMIT 1").get();
}

/**
 * Applies pending migrations. Foreign keys are off while tables are rebuilt
 * (SQLite cannot toggle them inside the migration transaction) and checked after.
 */
export function applyMigrations(sqlite: Database.Database, migrationsFolder = MIGRATIONS_FOLDER): void {
  sqlite.pragma('foreign_keys = OFF');
  try {
    migrate(drizzle(sqlite, { schema }), { migrationsFolder });
    const problems = sqlite.pragma('foreign_key_check') as unknown[];
    if (problems.length > 0) throw new Error(`マイグレーション後に外部キーの不整合が ${problems.length} 件あります`);
  } finally {
    sqlite.pragma('foreign_keys = ON');
  }
}

export interface OpenOptions {
  /** Where to put a backup taken before migrating a database that holds data. */
  backupDir?: string;
  migrationsFolder?: string;
}

/**
 * Opens (or creates) the database, sets pragmas, and applies migrations —
 * after an online backup when the database already holds data.
 */
export async function openDatabase(path: string, options: OpenOptions = {}): Promise<Database$> {
  if (path !== ':memory:') {
    makePrivateDir(dirname(resolve(path)));
    createPrivateFile(path);
    // The app's own backup folder, if an older version left it open to others.
    const backups = join(dirname(resolve(path)), 'backups');
    if (existsSync(backups) && statSync(backups).isDirectory()) makePrivateDir(backups, { own: true });
  }
  const sqlite = new Database(path);
  try {
    applyPragmas(sqlite);
    if (path !== ':memory:') makeDatabaseFilesPrivate(path);
    const migrationsFolder = options.migrationsFolder ?? MIGRATIONS_FOLDER;
    if (pendingMigrationCount(sqlite, migrationsFolder) > 0) {
      if (path !== ':memory:' && hasUserTables(sqlite)) {
        const dir = options.backupDir ?? join(dirname(resolve(path)), 'backups');
        makePrivateDir(dir, { own: options.backupDir === undefined });
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        // If the backup fails we stop here: no migration runs on data we could not copy.
        await backupDatabase(sqlite, join(dir, `before-migration-${stamp}.db`));
      }
      applyMigrations(sqlite, migrationsFolder);
    }
  } catch (err) {
    sqlite.close();
    throw err;
  }
  reuseStatements(sqlite);
  return { sqlite, db: drizzle(sqlite, { schema }) };
}

/**
 * Copies the live database with SQLite's online backup API (safe while others
 * write). The copy is written beside the destination and renamed into place
 * only when complete, so a file with the final name is always a whole backup.
 */
export async function backupDatabase(sqlite: Database.Database, destination: string): Promise<void> {
  makePrivateDir(dirname(resolve(destination)));
  if (existsSync(destination)) throw new Error(`バックアップ先のファイルがすでにあります: ${destination}`);
  const partial = `${destination}.partial`;
  rmSync(partial, { force: true });
  try {
    createPrivateFile(partial);
    await sqlite.backup(partial, {
      // After the first small step, copy the rest in one step. With small steps a
      // busy writer on another connection restarts the copy again and again.
      progress: () => 0x7fffffff,
    });
    const copy = new Database(partial);
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new Error(`バックアップの検査に失敗しました: ${String(check)}`);
      // A self-contained file: no -wal beside it is needed to read it.
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    makePrivateFile(partial);
    renameSync(partial, destination);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}

/** Throws unless `backupPath` is a whole SQLite database that passes SQLite's integrity check. */
export function checkBackup(backupPath: string): void {
  let check: Database.Database;
  try {
    check = new Database(backupPath, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new Error(`バックアップを開けません: ${backupPath}（${(err as Error).message}）`, { cause: err });
  }
  try {
    const result = check.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new Error(`バックアップが壊れています: ${String(result)}`);
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(message.startsWith('バックアップ') ? message : `バックアップが SQLite のデータベースとして読めません: ${backupPath}（${message}）`, {
      cause: err,
    });
  } finally {
    check.close();
  }
}

/**
 * Restores a backup over a database file that no process has open (stop the
 * server first): checks the backup, copies it into place and removes the old
 * -wal and -shm files, which belong to the replaced database.
 */
export function restoreDatabase(backupPath: string, databasePath: string): void {
  checkBackup(backupPath);
  makePrivateDir(dirname(resolve(databasePath)));
  const staging = `${databasePath}.restoring`;
  rmSync(staging, { force: true });
  copyFileSync(backupPath, staging);
  makePrivateFile(staging);
  rmSync(`${databasePath}-wal`, { force: true });
  rmSync(`${databasePath}-shm`, { force: true });
  renameSync(staging, databasePath);
}

export { schema };
