/**
 * The command line, run as people run it: a separate Node process
 * (`node --import tsx src/cli.ts …`, what `npm run cli --` does through tsx)
 * against a temp-file database, with the password piped on standard input.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { auditEvents, users, wards } from '../../src/db/schema.js';
import { verifyPassword } from '../../src/auth/passwords.js';
import { buildApp } from '../../src/app.js';
import { configSchema } from '../../src/config.js';
import { Client, seedSmallCity, TEST_SCRYPT } from '../support/app.js';
import { HEADERS, rowCounts } from '../imports/support.js';
import { runCli } from '../support/cli.js';

// Each test spawns one to four Node processes; tsx start-up takes seconds on a busy machine.
const SLOW = { timeout: 300_000 };

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
/** The actor every CLI write records: `cli:` and the operating-system user running it. */
const CLI_ACTOR = ((user, sudo) => (sudo && sudo !== user ? `cli:${user} (sudo ${sudo})` : `cli:${user}`))(userInfo().username, process.env.SUDO_USER);

describe('help', SLOW, () => {
  it('prints the usage of every command in Japanese', async () => {
    const run = await runCli(['help'], { databasePath });
    expect(run.code).toBe(0);
    for (const text of [
      'migrate',
      'demo',
      'user add <ログインID> --role city|ward|district',
      'import <districts|monthly|salons|plans|published|successions|indicators|values>',
      '--dry-run',
      '--force',
      'backup <ファイル>',
      'restore <ファイル>',
      'node dist/cli.js',
    ]) {
      expect(run.stdout).toContain(text);
    }
    expect(run.stdout).toContain(HEADERS.monthly);
    expect(run.stdout).toContain('values は、その指標の値');
    expect(run.stdout).toContain('パスワードは標準入力');
  });

  it('refuses an unknown command with exit code 1 and no stack trace', async () => {
    const unknown = await runCli(['frobnicate'], { databasePath });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('知らないコマンドです: frobnicate');
    noStackTrace(unknown.stderr);
  });
});

describe('demo', SLOW, () => {
  it('refuses in production unless MIMAMORI_DEMO=on, and never fills a database that has users', async () => {
    const fresh = join(dir, 'fresh.db');
    const refused = await runCli(['demo'], { databasePath: fresh, env: { NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(48) } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('MIMAMORI_DEMO=on');
    noStackTrace(refused.stderr);
    // The small city has users (and wards): nothing is added.
    const before = await withDatabase((database) => rowCounts(database));
    const skipped = await runCli(['demo'], { databasePath });
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain('デモ用の市は作成しませんでした');
    expect(await withDatabase((database) => rowCounts(database))).toEqual(before);
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
      expect(event).toMatchObject({ action: 'create', entityId: String(user!.id), userId: null, actor: CLI_ACTOR });
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
      [['user', 'add', 'yamada', '--role', 'city', '--name', '市社協 山田\u202e（管理者）'], 'long-enough-password\n', '文字の向きを変える見えない文字'],
      [['user', 'add', 'yamada', '--role', 'city', '--name', '山\u200b田'], 'long-enough-password\n', '幅のない見えない文字'],
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
    const events = await withDatabase((database) => database.db.select({ actor: auditEvents.actor, userId: auditEvents.userId }).from(auditEvents).all());
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => `${e.userId}/${e.actor}`))).toEqual(new Set([`null/${CLI_ACTOR}`]));
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

  it('a districts file: a new ward is refused by name unless --create-wards; the dry run names the wards it would create', async () => {
    const districtsFile = join(dir, 'districts.csv');
    writeFileSync(districtsFile, [HEADERS.districts, 'E03,東三校区,ひがしさん,門司 区,,'].join('\n'));
    const before = await withDatabase((database) => rowCounts(database));
    const refused = await runCli(['import', 'districts', districtsFile], { databasePath });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('2行目 ward: 区「門司 区」は登録されていません。新しい区として作るには --create-wards を付けてください。');
    const dry = await runCli(['import', 'districts', districtsFile, '--dry-run', '--create-wards'], { databasePath });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('新しく作る区: 門司 区');
    expect(dry.stdout).toContain('2行目 新規: E03 東三校区（門司 区）');
    expect(await withDatabase((database) => rowCounts(database))).toEqual(before);
    const created = await runCli(['import', 'districts', districtsFile, '--create-wards'], { databasePath });
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('新しく作った区: 門司 区');
    expect(
      await withDatabase((database) =>
        database.db
          .select()
          .from(wards)
          .all()
          .map((w) => w.name),
      ),
    ).toContain('門司 区');
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

describe('restore', SLOW, () => {
  it('round trip: backup, change, restore gives the data as at the backup, saves the replaced database and records who restored', async () => {
    const backup = join(dir, 'copies', 'before-change.db');
    expect((await runCli(['backup', backup], { databasePath })).code).toBe(0);
    const atBackup = await withDatabase((database) => ({ counts: rowCounts(database), wards: database.db.select().from(wards).all() }));

    // Changes after the backup: a new user through the CLI and a new ward.
    const added = await runCli(['user', 'add', 'later', '--role', 'city'], { databasePath, input: 'a-long-password\n' });
    expect(added.code, added.stderr).toBe(0);
    await withDatabase((database) => database.db.insert(wards).values({ name: '南区', kana: 'みなみく', sortOrder: 9 }).run());
    const usersAtBackup = atBackup.counts.users;
    if (usersAtBackup === undefined) throw new Error('no users table at the backup');
    expect(await withDatabase((database) => rowCounts(database).users)).toBe(usersAtBackup + 1);

    const run = await runCli(['restore', backup], { databasePath });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`バックアップ ${backup} からデータベースを戻しました`);
    const savedAs = /戻す前のデータベースを保存しました: (.+)/.exec(run.stdout)?.[1];
    expect(savedAs).toBeDefined();

    await withDatabase((database) => {
      const after = rowCounts(database);
      if (after.audit_events === undefined) throw new Error('no audit_events table after the restore');
      // Everything is as at the backup, plus the one audit event that records the restore.
      expect({ ...after, audit_events: after.audit_events - 1 }).toEqual(atBackup.counts);
      expect(database.db.select().from(wards).all()).toEqual(atBackup.wards);
      expect(database.db.select().from(users).where(eq(users.login, 'later')).get()).toBeUndefined();
      const restoreEvent = database.db.select().from(auditEvents).where(eq(auditEvents.action, 'restore')).get();
      expect(restoreEvent).toMatchObject({ entity: 'database', userId: null, actor: CLI_ACTOR });
    });
    // The replaced database was kept, with the change in it.
    const saved = await openDatabase(savedAs!);
    try {
      expect(saved.db.select().from(users).where(eq(users.login, 'later')).get()).toBeDefined();
    } finally {
      saved.sqlite.close();
    }
  });

  it('refuses while another process has the database open (the app is running), and a file that is not a database, changing nothing', async () => {
    const backup = join(dir, 'copy.db');
    expect((await runCli(['backup', backup], { databasePath })).code).toBe(0);
    const running = await openDatabase(databasePath);
    try {
      running.db.insert(wards).values({ name: '南区', kana: 'みなみく', sortOrder: 9 }).run();
      const refused = await runCli(['restore', backup], { databasePath });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('アプリ（サーバー）を止めてから');
      noStackTrace(refused.stderr);
      expect(running.db.select().from(wards).where(eq(wards.name, '南区')).get()).toBeDefined();
    } finally {
      running.sqlite.close();
    }
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not a database'.repeat(100));
    const bad = await runCli(['restore', junk], { databasePath });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('何も変えていません');
    const missing = await runCli(['restore', join(dir, 'nothing.db')], { databasePath });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('見つかりません');
    expect(await withDatabase((database) => database.db.select().from(wards).where(eq(wards.name, '南区')).get())).toBeDefined();
  });
});
