import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface Database$ {
  sqlite: Database.Database;
  db: Db;
}

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

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
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  applyPragmas(sqlite);
  const migrationsFolder = options.migrationsFolder ?? MIGRATIONS_FOLDER;
  if (pendingMigrationCount(sqlite, migrationsFolder) > 0) {
    if (path !== ':memory:' && hasUserTables(sqlite)) {
      const dir = options.backupDir ?? join(dirname(resolve(path)), 'backups');
      mkdirSync(dir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      await sqlite.backup(join(dir, `before-migration-${stamp}.db`));
    }
    applyMigrations(sqlite, migrationsFolder);
  }
  return { sqlite, db: drizzle(sqlite, { schema }) };
}

/** Copies the live database with SQLite's online backup API (safe while others write). */
export async function backupDatabase(sqlite: Database.Database, destination: string): Promise<void> {
  mkdirSync(dirname(resolve(destination)), { recursive: true });
  if (existsSync(destination)) throw new Error(`バックアップ先のファイルがすでにあります: ${destination}`);
  await sqlite.backup(destination);
}

export { schema };
