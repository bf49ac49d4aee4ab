/**
 * The command line, run as people run it: a separate Node process
 * (`node --import tsx src/cli.ts …`, what `npm run cli --` does through tsx)
 * against a temp-file database, with the password piped on standard input.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { auditEvents, users } from '../../src/db/schema.js';
import { verifyPassword } from '../../src/auth/passwords.js';
import { buildApp } from '../../src/app.js';
import { configSchema } from '../../src/config.js';
import { Client, seedSmallCity, TEST_SCRYPT } from '../support/app.js';
import { HEADERS, rowCounts } from '../imports/support.js';

const ROOT = join(import.meta.dirname, '../..');
const CLI_TIMEOUT_MS = 120_000;
// Each test spawns one to four Node processes; tsx start-up takes seconds on a busy machine.
const SLOW = { timeout: 300_000 };

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `args`, `input` on stdin, and DATABASE_PATH set; killed if it outlives the timeout. */
function runCli(args: string[], options: { input?: string; databasePath: string }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: options.databasePath, MIMAMORI_DEMO: 'off', NODE_ENV: 'test' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cli ${args.join(' ')} timed out; stdout: ${stdout} stderr: ${stderr}`));
    }, CLI_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

let dir: string;
let databasePath: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mimamori-cli-'));
  databasePath = join(dir, 'city.db');
  const database = await openDatabase(databasePath);
  await seedSmallCity(database);
  database.sqlite.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function withDatabase<T>(work: (database: Database$) => T | Promise<T>): Promise<T> {
  const database = await openDatabase(databasePath);
  try {
    return await work(database);
  } finally {
    database.sqlite.close();
  }
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe('help', SLOW, () => {
  it('prints the usage of every command in Japanese', async () => {
    const run = await runCli(['help'], { databasePath });
    expect(run.code).toBe(0);
    for (const text of ['migrate', 'demo', 'user add <ログインID> --role city|ward|district', 'import <districts|monthly|salons|plans|published>', '--dry-run', '--force', 'backup <ファイル>']) {
      expect(run.stdout).toContain(text);
    }
    expect(run.stdout).toContain(HEADERS.monthly);
    expect(run.stdout).toContain('パスワードは標準入力');
  });

  it('refuses an unknown command with exit code 1 and no stack trace', async () => {
    const unknown = await runCli(['frobnicate'], { databasePath });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('知らないコマンドです: frobnicate');
    noStackTrace(unknown.stderr);
  });
});

describe('migrate', SLOW, () => {
  it('says how many migrations it applied, then that the database is up to date', async () => {
    const fresh = join(dir, 'new', 'fresh.db');
    const first = await runCli(['migrate'], { databasePath: fresh });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/マイグレーションを [1-9]\d* 件適用しました/);
    const second = await runCli(['migrate'], { databasePath: fresh });
    expect(second.stdout).toContain('データベースは最新です');
  });
});

describe('user add', SLOW, () => {
  it('creates a user from the password on stdin, who can then sign in', async () => {
    const run = await runCli(['user', 'add', 'tanaka', '--role', 'ward', '--scope', '東区', '--name', '田中 花子'], {
      databasePath,
      input: 'とても-長い-password\nignored second line\n',
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('利用者「tanaka」');
    await withDatabase(async (database) => {
      const user = database.db.select().from(users).where(eq(users.login, 'tanaka')).get();
      expect(user).toMatchObject({ displayName: '田中 花子', role: 'ward', districtId: null, disabled: false });
      expect(await verifyPassword('とても-長い-password', user!.passwordHash)).toBe(true);
      expect(await verifyPassword('ignored second line', user!.passwordHash)).toBe(false);
      const event = database.db.select().from(auditEvents).where(eq(auditEvents.entity, 'user')).get();
      expect(event).toMatchObject({ action: 'create', entityId: String(user!.id) });
      expect(event!.after).not.toContain(user!.passwordHash.split('$')[5]);
      expect(event!.after).not.toContain('passwordHash');

      // Signs in through the real sign-in route of the app.
      const config = configSchema.parse({ NODE_ENV: 'test', DATABASE_PATH: databasePath, MIMAMORI_DEMO: 'off' });
      const app = await buildApp({ config, database, sessionSecret: 'c'.repeat(64), passwordParams: TEST_SCRYPT });
      try {
        const res = await new Client(app).signIn('tanaka', 'とても-長い-password');
        expect(res.statusCode).toBe(303);
      } finally {
        await app.close();
      }
    });
  });

  it('refuses a short password, an existing login, an unknown scope and a scope for a city user, creating nobody', async () => {
    const before = await withDatabase((database) => rowCounts(database));
    const cases: [string[], string, string][] = [
      [['user', 'add', 'suzuki', '--role', 'city'], 'short\n', '8文字以上'],
      [['user', 'add', 'city', '--role', 'city'], 'long-enough-password\n', 'すでに使われています'],
      [['user', 'add', 'sato', '--role', 'district', '--scope', 'X99'], 'long-enough-password\n', '「X99」は登録されていません'],
      [['user', 'add', 'sato', '--role', 'city', '--scope', '東区'], 'long-enough-password\n', '--scope は付けません'],
    ];
    for (const [args, input, message] of cases) {
      const run = await runCli(args, { databasePath, input });
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr).toContain(message);
      noStackTrace(run.stderr);
    }
    expect(await withDatabase((database) => rowCounts(database))).toEqual(before);
  });
});

describe('import', SLOW, () => {
  const file = () => {
    const path = join(dir, '月次.csv');
    writeFileSync(path, [HEADERS.monthly, 'E01,2024-04,１２５,,,,,3,,,', 'W01,2024/5,40,,,,,,,,'].join('\r\n'));
    return path;
  };

  it('--dry-run reports what it would do and writes nothing', async () => {
    const before = await withDatabase((database) => rowCounts(database));
    const run = await runCli(['import', 'monthly', file(), '--dry-run'], { databasePath });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('何も書き込んでいません');
    expect(run.stdout).toContain('新規 2 件、更新 0 件、変更なし 0 件');
    expect(await withDatabase((database) => rowCounts(database))).toEqual(before);
  });

  it('imports a file and prints the counts', async () => {
    const run = await runCli(['import', 'monthly', file()], { databasePath });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('取り込みました: 新規 2 件、更新 0 件、変更なし 0 件');
    expect(await withDatabase((database) => rowCounts(database).monthly_reports)).toBe(2);
  });

  it('refuses a bad file with exit code 1 and one line per error', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, [HEADERS.monthly, 'E01,2024-04,1,,,,,,,,', 'E01,2024-05,1,,,,,-3,,,', 'X99,2024-05,1,,,,,,,,'].join('\n'));
    const before = await withDatabase((database) => rowCounts(database));
    const run = await runCli(['import', 'monthly', bad], { databasePath });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('取り込みを中止しました（何も書き込んでいません）');
    expect(run.stderr).toContain('3行目 mutual_aid_cases: マイナスの数は入力できません。');
    expect(run.stderr).toContain('4行目 district_code: 校(地)区コード「X99」は登録されていません。');
    noStackTrace(run.stderr);
    expect(await withDatabase((database) => rowCounts(database))).toEqual(before);
  });

  it('refuses a missing file', async () => {
    const missing = await runCli(['import', 'plans', join(dir, 'nothing.csv')], { databasePath });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ファイルが見つかりません');
  });
});

describe('backup', SLOW, () => {
  it('writes a copy that opens with the same rows, and never overwrites', async () => {
    const target = join(dir, 'backups', 'copy.db');
    const run = await runCli(['backup', target], { databasePath });
    expect(run.code).toBe(0);
    expect(existsSync(target)).toBe(true);
    const original = await withDatabase((database) => rowCounts(database));
    const copy = await openDatabase(target);
    try {
      expect(rowCounts(copy)).toEqual(original);
      expect(rowCounts(copy).users).toBe(5);
    } finally {
      copy.sqlite.close();
    }
    const again = await runCli(['backup', target], { databasePath });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('上書きはしません');
  });
});
