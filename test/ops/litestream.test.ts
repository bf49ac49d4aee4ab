/**
 * Continuous replication with Litestream (issue 8, "Running in production"):
 * the repository's litestream.yml, with the binary that ships in the dev
 * dependency @flydotio/litestream, replicates the app's database to a local
 * file replica while the app's own connection (openDatabase: WAL, FULL sync)
 * keeps writing; `litestream restore` then gives a database with every
 * committed row.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { wards } from '../../src/db/schema.js';

const ROOT = join(import.meta.dirname, '../..');
const BINARY = join(ROOT, 'node_modules', '@flydotio', `litestream-${process.platform}-${process.arch}`, 'litestream');
const available = existsSync(BINARY) && spawnSync(BINARY, ['version'], { encoding: 'utf8' }).status === 0;
if (!available && !process.env.CI) {
  console.warn(`litestream のテストを飛ばします: ${BINARY} がないか動きません（npm ci で @flydotio/litestream を入れてください）。`);
}

const dirs: string[] = [];
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function litestreamEnv(databasePath: string, replica: string): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_PATH: databasePath, LITESTREAM_REPLICA_URL: `file://${replica}` };
}

/** Restores the replica into a new file and counts its wards (null if nothing could be restored yet). */
function restoredWardCount(databasePath: string, replica: string, output: string): number | null {
  rmSync(output, { force: true });
  const run = spawnSync(BINARY, ['restore', '-config', 'litestream.yml', '-o', output, databasePath], {
    cwd: ROOT,
    env: litestreamEnv(databasePath, replica),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0 || !existsSync(output)) return null;
  const db = new Database(output, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM wards').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe.runIf(available || !!process.env.CI)('Litestream', { timeout: 180_000 }, () => {
  it('replicates the live database while the app writes, and restores every committed row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimamori-litestream-'));
    dirs.push(dir);
    const databasePath = join(dir, 'mimamori.db');
    const replica = join(dir, 'replica');
    const database = await openDatabase(databasePath);
    let written = 0;
    const write = (n: number) => {
      for (let i = 0; i < n; i++, written++)
        database.db
          .insert(wards)
          .values({ name: `区${written}`, kana: `く${written}`, sortOrder: written })
          .run();
    };
    try {
      write(20); // before replication starts: in the first snapshot

      const child = spawn(BINARY, ['replicate', '-config', 'litestream.yml'], {
        cwd: ROOT,
        env: litestreamEnv(databasePath, replica),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      let log = '';
      child.stdout.on('data', (d) => (log += String(d)));
      child.stderr.on('data', (d) => (log += String(d)));
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

      // The app keeps writing while Litestream ships the WAL: batches over about three seconds.
      for (let round = 0; round < 6; round++) {
        write(30);
        await sleep(500);
      }
      expect(child.exitCode, log).toBeNull();

      // Every committed row reaches the replica within a few sync intervals (bounded wait).
      const output = join(dir, 'restored.db');
      let count: number | null = null;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        count = restoredWardCount(databasePath, replica, output);
        if (count === written) break;
        await sleep(1_000);
      }
      expect(count, log).toBe(written);
      expect(written).toBe(200);

      child.kill('SIGTERM');
      await exited;
      children.delete(child);
      expect(log).toContain('litestream shut down');

      // The restored file is a whole database that the app opens as is.
      const restored = await openDatabase(output);
      try {
        expect(
          restored.db
            .select()
            .from(wards)
            .all()
            .map((w) => w.name),
        ).toEqual(Array.from({ length: written }, (_, i) => `区${i}`));
      } finally {
        restored.sqlite.close();
      }
    } finally {
      if (database.sqlite.open) database.sqlite.close();
    }
  });
});
