/**
 * Files 0600, folders 0700 (issue 8 finding 5): the database, its -wal and
 * -shm, backups and their folder, and the session secret are the app's
 * account's only, whether the server (openDatabase, backupDatabase,
 * restoreDatabase, sessionSecretFor) or the command line makes them, even
 * when the process was started with the usual umask 022.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, sessionSecretFor } from '../../src/config.js';
import { backupDatabase, openDatabase, restoreDatabase } from '../../src/db/index.js';
import { addWard } from '../support/app.js';
import { runCli } from '../support/cli.js';

const mode = (path: string) => statSync(path).mode & 0o777;
const octal = (path: string) => `${path.replace(/.*\/mimamori-modes-[^/]+\//, '')} ${mode(path).toString(8)}`;

let dir: string;
let savedUmask: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mimamori-modes-'));
  // The umask most systems start processes with: files 0644, folders 0755 unless the app says otherwise.
  savedUmask = process.umask(0o022);
});
afterEach(() => {
  process.umask(savedUmask);
  rmSync(dir, { recursive: true, force: true });
});

function expectPrivate(files: string[], folders: string[]): void {
  for (const f of files) expect(existsSync(f), f).toBe(true);
  expect(files.map(octal)).toEqual(files.map((f) => octal(f).replace(/ \d+$/, ' 600')));
  expect(folders.map(octal)).toEqual(folders.map((f) => octal(f).replace(/ \d+$/, ' 700')));
}

describe('file modes, server side', () => {
  it('the database, -wal, -shm, its new folder, backups, the migration backup and the session secret are private', async () => {
    const data = join(dir, 'data');
    const path = join(data, 'mimamori.db');
    const database = await openDatabase(path);
    addWard(database, '東区'); // a write, so that -wal and -shm certainly exist
    const backup = join(data, 'backups', 'daily.db');
    await backupDatabase(database.sqlite, backup);
    const secret = sessionSecretFor(loadConfig({ DATABASE_PATH: path }));
    expect(secret).toHaveLength(64);
    expectPrivate([path, `${path}-wal`, `${path}-shm`, backup, join(data, 'session-secret')], [data, join(data, 'backups')]);
    database.sqlite.close();

    // Restoring keeps the restored file private.
    restoreDatabase(backup, path);
    expectPrivate([path], [data]);
  });

  it('tightens a database, side files and backups folder that an older version left readable (0644, 0755)', async () => {
    const path = join(dir, 'old.db');
    const first = await openDatabase(path);
    addWard(first, '東区');
    first.sqlite.close();
    chmodSync(path, 0o644);
    mkdirSync(join(dir, 'backups'), { mode: 0o755 });
    chmodSync(join(dir, 'backups'), 0o755);
    const again = await openDatabase(path);
    addWard(again, '西区');
    expectPrivate([path, `${path}-wal`, `${path}-shm`], [join(dir, 'backups')]);
    again.sqlite.close();
  });
});

describe('file modes, command line', { timeout: 300_000 }, () => {
  it('migrate, backup and restore create only private files and folders', async () => {
    const data = join(dir, 'cli-data');
    const path = join(data, 'city.db');
    const migrate = await runCli(['migrate'], { databasePath: path, umask: '022' });
    expect(migrate.code, migrate.stderr).toBe(0);
    const backup = join(dir, 'copies', 'one.db');
    const made = await runCli(['backup', backup], { databasePath: path, umask: '022' });
    expect(made.code, made.stderr).toBe(0);
    expectPrivate([path, backup], [data, join(dir, 'copies')]);

    const restored = await runCli(['restore', backup], { databasePath: path, umask: '022' });
    expect(restored.code, restored.stderr).toBe(0);
    const saved = readdirSync(join(data, 'backups')).filter((f) => f.startsWith('before-restore-'));
    expect(saved).toHaveLength(1);
    expectPrivate([path, join(data, 'backups', saved[0]!)], [data, join(data, 'backups')]);
    for (const f of readdirSync(data).filter((f) => f.startsWith('city.db'))) expect(mode(join(data, f)), f).toBe(0o600);
  });
});
