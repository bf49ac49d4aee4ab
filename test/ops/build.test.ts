/**
 * Production runs compiled JavaScript (issue 8 findings 12, 13): `npm run build`
 * writes dist/, `node dist/cli.js` takes the same commands as `npm run cli --`,
 * and `node dist/server.js` serves the app with plain Node (no TypeScript
 * loader), logging JSON lines with the request id. Built once for this file.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { users } from '../../src/db/schema.js';
import { addUser } from '../support/app.js';

const ROOT = join(import.meta.dirname, '../..');
let dir: string;
const children = new Set<ChildProcess>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mimamori-build-'));
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stdout}${build.stderr}`);
}, 320_000);
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const p = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(p));
    });
  });
}

const env = (databasePath: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  // Nothing of the test runner's TypeScript loader may leak into the child.
  const { NODE_OPTIONS: _ignored, ...rest } = process.env;
  return { ...rest, NODE_ENV: 'development', DATABASE_PATH: databasePath, MIMAMORI_DEMO: 'off', ...extra };
};

/** Starts `node dist/server.js` under umask 022 and waits (bounded) until it answers /login. */
async function startServer(databasePath: string, extra: Record<string, string> = {}) {
  const port = await freePort();
  const child = spawn('/bin/sh', ['-c', 'umask 022 && exec "$0" dist/server.js', process.execPath], {
    cwd: ROOT,
    env: env(databasePath, { PORT: String(port), HOST: '127.0.0.1', ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const output = { text: '' };
  child.stdout.on('data', (d) => (output.text += String(d)));
  child.stderr.on('data', (d) => (output.text += String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server stopped: ${output.text}`);
    if (Date.now() > deadline) throw new Error(`the server did not answer: ${output.text}`);
    try {
      await fetch(`http://127.0.0.1:${port}/login`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return { child, port, output, exited };
}

describe('the compiled app', { timeout: 180_000 }, () => {
  it('has the scripts the README documents and keeps tsx out of production dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
    expect(pkg.scripts.start).toBe('npm run build && node dist/server.js');
    expect(pkg.dependencies).not.toHaveProperty('tsx');
    expect(pkg.devDependencies).toHaveProperty('tsx');
    expect(pkg.dependencies).toHaveProperty('fastify-plugin');
    for (const file of ['dist/server.js', 'dist/cli.js', 'dist/app.js', 'dist/db/index.js']) expect(existsSync(join(ROOT, file)), file).toBe(true);
  });

  it('node dist/cli.js runs the same commands (migrate, help)', () => {
    const databasePath = join(dir, 'cli', 'city.db');
    const migrate = spawnSync(process.execPath, ['dist/cli.js', 'migrate'], { cwd: ROOT, env: env(databasePath), encoding: 'utf8', timeout: 120_000 });
    expect(migrate.stderr).toBe('');
    expect(migrate.status).toBe(0);
    expect(migrate.stdout).toMatch(/マイグレーションを [1-9]\d* 件適用しました/);
    const help = spawnSync(process.execPath, ['dist/cli.js', 'help'], { cwd: ROOT, env: env(databasePath), encoding: 'utf8', timeout: 120_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('restore <ファイル>');
  });

  it('node dist/server.js serves the sign-in page (views, static files and migrations found from dist/) and logs JSON lines with the request id', async () => {
    const databasePath = join(dir, 'server', 'city.db');
    const { child, port, output: log, exited } = await startServer(databasePath);
    const output = () => log.text;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/login`, { headers: { 'x-request-id': 'build-test-42' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe('build-test-42');
      expect(await res.text()).toContain('ログイン');
      const css = await fetch(`http://127.0.0.1:${port}/static/style.css`);
      expect(css.status).toBe(200);
      // Logging is on outside production too: one JSON line per request event, with its id.
      const deadlineLog = Date.now() + 5_000;
      while (!output().includes('"reqId":"build-test-42"') && Date.now() < deadlineLog) await new Promise((r) => setTimeout(r, 100));
      const lines = output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { reqId?: string; msg?: string });
      expect(lines.filter((l) => l.reqId === 'build-test-42').map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
      // Started with umask 022, the server still made its folder, database and side files private.
      expect(statSync(join(dir, 'server')).mode & 0o777).toBe(0o700);
      for (const f of [databasePath, `${databasePath}-wal`, `${databasePath}-shm`]) expect(statSync(f).mode & 0o777, f).toBe(0o600);
    } finally {
      child.kill('SIGTERM');
      await exited;
      children.delete(child);
    }
    expect(child.exitCode).toBe(0);
  });

  it('in production: no demo users after `user add admin1`, and MIMAMORI_DEMO=on on that database refuses to start', async () => {
    const databasePath = join(dir, 'production', 'city.db');
    const database = await openDatabase(databasePath);
    await addUser(database, { login: 'admin1', role: 'city' });
    database.sqlite.close();
    const production = { NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(48), TRUST_PROXY: '1' };

    const { child, exited, output } = await startServer(databasePath, production);
    child.kill('SIGTERM');
    await exited;
    children.delete(child);
    const check = await openDatabase(databasePath);
    try {
      expect(check.db.select({ login: users.login }).from(users).all(), output.text).toEqual([{ login: 'admin1' }]);
    } finally {
      check.sqlite.close();
    }

    const refused = spawnSync(process.execPath, ['dist/server.js'], {
      cwd: ROOT,
      env: env(databasePath, { ...production, MIMAMORI_DEMO: 'on', PORT: String(await freePort()) }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('起動しませんでした');
    expect(refused.stderr).toContain('デモ用以外の利用者');

    const badProxy = spawnSync(process.execPath, ['dist/server.js'], {
      cwd: ROOT,
      env: env(databasePath, { ...production, TRUST_PROXY: 'true' }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(badProxy.status).toBe(1);
    expect(badProxy.stderr).toContain('true は使えません');
    expect(badProxy.stderr).not.toMatch(/\n\s+at /);
  });
});
