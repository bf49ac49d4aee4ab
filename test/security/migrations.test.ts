import { afterEach, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS_FOLDER, openDatabase, pendingMigrationCount, type Database$ } from '../../src/db/index.js';
import { populateEveryTable, rowCounts, tableContents, userTables } from './populate.js';

interface Journal {
  entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[];
}

const dirs: string[] = [];
const open: Database$[] = [];
afterEach(() => {
  for (const d of open.splice(0)) if (d.sqlite.open) d.sqlite.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mimamori-migrate-'));
  dirs.push(dir);
  return dir;
}

async function openTracked(path: string, options: Parameters<typeof openDatabase>[1] = {}): Promise<Database$> {
  const database = await openDatabase(path, options);
  open.push(database);
  return database;
}

/** Adds a migration to a copy of a migrations folder, the way drizzle-kit lays it out. */
function addMigration(folder: string, tag: string, statements: string[]): void {
  const journalPath = join(folder, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as Journal;
  const last = journal.entries[journal.entries.length - 1];
  const idx = journal.entries.length;
  const fullTag = `${String(idx).padStart(4, '0')}_${tag}`;
  journal.entries.push({ idx, version: last?.version ?? '6', when: (last?.when ?? 0) + 1000, tag: fullTag, breakpoints: true });
  writeFileSync(join(folder, `${fullTag}.sql`), statements.join('\n--> statement-breakpoint\n'));
  writeFileSync(journalPath, JSON.stringify(journal, null, 2));
}

/**
 * A migration that rebuilds every table exactly as drizzle-kit does when a
 * column changes (new table, copy, DROP TABLE, rename), adding a column to each.
 */
function rebuildEveryTable(sqlite: Database.Database): string[] {
  const tables = sqlite
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations'")
    .all() as { name: string; sql: string }[];
  // Triggers (audit, data version) go with their tables on DROP TABLE and some name other tables:
  // a careful rebuild drops them first and creates them again at the end.
  const triggers = sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all() as { name: string; sql: string }[];
  const statements = ['PRAGMA foreign_keys=OFF;', ...triggers.map((tr) => `DROP TRIGGER \`${tr.name}\`;`)];
  for (const t of tables) {
    const columns = (sqlite.prepare(`PRAGMA table_info("${t.name}")`).all() as { name: string }[]).map((c) => `\`${c.name}\``).join(', ');
    const create = t.sql.replace(/^CREATE TABLE [`"]?\w+[`"]?\s*\(/, `CREATE TABLE \`__new_${t.name}\` (\n\t\`added_for_test\` text,`);
    statements.push(
      create,
      `INSERT INTO \`__new_${t.name}\`(${columns}) SELECT ${columns} FROM \`${t.name}\`;`,
      `DROP TABLE \`${t.name}\`;`,
      `ALTER TABLE \`__new_${t.name}\` RENAME TO \`${t.name}\`;`,
    );
    const indexes = sqlite.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all(t.name) as { sql: string }[];
    statements.push(...indexes.map((i) => `${i.sql};`));
  }
  statements.push(...triggers.map((tr) => `${tr.sql};`), 'PRAGMA foreign_keys=ON;');
  return statements;
}

describe('migrations that lose nothing', () => {
  it('the generated SQL has no ON DELETE / ON UPDATE CASCADE or SET NULL on any foreign key', () => {
    const files = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = readFileSync(join(MIGRATIONS_FOLDER, file), 'utf8');
      expect(text, file).not.toMatch(/\bCASCADE\b/i);
      expect(text, file).not.toMatch(/ON\s+DELETE\s+SET\s+(NULL|DEFAULT)/i);
      for (const m of text.matchAll(/ON DELETE (\w+(?: \w+)?)/gi)) expect(m[1]?.toLowerCase(), file).toMatch(/^(no action|restrict)$/);
    }
  });

  it('the test data fills every table (add rows in populate.ts when a table is added)', async () => {
    const database = await openTracked(':memory:');
    await populateEveryTable(database);
    // `data_version_hold` holds a row only inside an import's own transaction (src/imports/dataVersionHold.ts):
    // at rest it is empty by design, so a migration cannot lose anything of it.
    const emptyAtRest = new Set(['data_version_hold']);
    const empty = Object.entries(rowCounts(database)).filter(([t, n]) => n === 0 && !emptyAtRest.has(t));
    expect(empty).toEqual([]);
    expect(rowCounts(database)).toHaveProperty('data_version_hold', 0);
  });

  it('applying every migration to a populated database keeps every row; backup first; foreign keys clean', async () => {
    const dir = tempDir();
    const folder = join(dir, 'migrations');
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const path = join(dir, 'city.db');
    const backupDir = join(dir, 'backups');

    const first = await openTracked(path, { migrationsFolder: folder, backupDir });
    expect(existsSync(backupDir)).toBe(false); // nothing to back up in a new database
    await populateEveryTable(first);
    const counts = rowCounts(first);
    const contents = tableContents(first);
    const tables = userTables(first);
    addMigration(folder, 'rebuild_every_table', rebuildEveryTable(first.sqlite));
    first.sqlite.close();

    const migrated = await openTracked(path, { migrationsFolder: folder, backupDir });
    expect(pendingMigrationCount(migrated.sqlite, folder)).toBe(0);
    expect(userTables(migrated)).toEqual(tables);
    for (const t of tables) {
      const cols = (migrated.sqlite.prepare(`PRAGMA table_info("${t}")`).all() as { name: string }[]).map((c) => c.name);
      expect(cols, t).toContain('added_for_test');
    }
    expect(rowCounts(migrated)).toEqual(counts);
    const after = tableContents(migrated);
    /** The rows of table t without the column the test migration added (throws when the table is missing). */
    const withoutAdded = (c: Record<string, unknown[]>, t: string) => {
      const rows = c[t];
      if (!rows) throw new Error(`no contents for table ${t}`);
      return rows.map((row) => ({ ...(row as object), added_for_test: undefined }));
    };
    for (const t of tables) {
      expect(withoutAdded(after, t), t).toEqual(withoutAdded(contents, t));
    }
    expect(migrated.sqlite.pragma('foreign_key_check')).toEqual([]);
    expect(migrated.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(migrated.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);

    // The backup taken before migrating holds the data as it was, unmigrated.
    const backups = readdirSync(backupDir).filter((f) => /^before-migration-.*\.db$/.test(f));
    expect(backups).toHaveLength(1);
    const backup = new Database(join(backupDir, backups[0]!), { readonly: true });
    try {
      const wrapped = { sqlite: backup } as unknown as Database$;
      expect(rowCounts(wrapped)).toEqual(counts);
      expect(tableContents(wrapped)).toEqual(contents);
      expect(pendingMigrationCount(backup, folder)).toBe(1);
    } finally {
      backup.close();
    }
  });

  it('does not migrate when the backup cannot be written', async () => {
    const dir = tempDir();
    const folder = join(dir, 'migrations');
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const path = join(dir, 'city.db');
    const first = await openTracked(path, { migrationsFolder: folder });
    await populateEveryTable(first);
    addMigration(folder, 'add_column', ['ALTER TABLE `wards` ADD `extra` text;']);
    first.sqlite.close();
    const notADirectory = join(dir, 'a-file');
    writeFileSync(notADirectory, 'x');
    await expect(openDatabase(path, { migrationsFolder: folder, backupDir: notADirectory })).rejects.toThrow();
    const check = new Database(path, { readonly: true });
    try {
      expect(pendingMigrationCount(check, folder)).toBe(1);
      expect((check.prepare('PRAGMA table_info(wards)').all() as { name: string }[]).map((c) => c.name)).not.toContain('extra');
    } finally {
      check.close();
    }
  });

  it('even a cascade added by mistake cannot fire during a rebuild (foreign keys are off while migrating)', async () => {
    const dir = tempDir();
    const folder = join(dir, 'migrations');
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    // Start a private history: a parent and a child with ON DELETE CASCADE.
    writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify({ version: '7', dialect: 'sqlite', entries: [] }));
    addMigration(folder, 'cascade', [
      'CREATE TABLE `parent` (`id` integer PRIMARY KEY NOT NULL, `name` text NOT NULL);',
      'CREATE TABLE `child` (`id` integer PRIMARY KEY NOT NULL, `parent_id` integer NOT NULL REFERENCES `parent`(`id`) ON DELETE CASCADE);',
    ]);
    const path = join(dir, 'cascade.db');
    const first = await openTracked(path, { migrationsFolder: folder, backupDir: join(dir, 'b') });
    first.sqlite.exec("INSERT INTO parent VALUES (1, 'a'), (2, 'b'); INSERT INTO child VALUES (1, 1), (2, 1), (3, 2);");
    addMigration(folder, 'rebuild_parent', [
      'PRAGMA foreign_keys=OFF;',
      'CREATE TABLE `__new_parent` (`id` integer PRIMARY KEY NOT NULL, `name` text NOT NULL, `kana` text);',
      'INSERT INTO `__new_parent`(`id`, `name`) SELECT `id`, `name` FROM `parent`;',
      'DROP TABLE `parent`;',
      'ALTER TABLE `__new_parent` RENAME TO `parent`;',
      'PRAGMA foreign_keys=ON;',
    ]);
    first.sqlite.close();
    const migrated = await openTracked(path, { migrationsFolder: folder, backupDir: join(dir, 'b') });
    expect(migrated.sqlite.prepare('SELECT count(*) AS n FROM child').get()).toEqual({ n: 3 });
    expect(migrated.sqlite.pragma('foreign_key_check')).toEqual([]);

    // Control: the same DROP with foreign keys on (as a naive migrator would run it) deletes the children.
    const control = new Database(':memory:');
    control.pragma('foreign_keys = ON');
    control.exec(`
      CREATE TABLE parent (id integer PRIMARY KEY, name text);
      CREATE TABLE child (id integer PRIMARY KEY, parent_id integer REFERENCES parent(id) ON DELETE CASCADE);
      INSERT INTO parent VALUES (1, 'a'); INSERT INTO child VALUES (1, 1), (2, 1);
      DROP TABLE parent;`);
    expect(control.prepare('SELECT count(*) AS n FROM child').get()).toEqual({ n: 0 });
    control.close();
  });
});
