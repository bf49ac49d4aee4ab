/**
 * The command line: `npm run cli -- <command>` (README「Command line」).
 * Messages are Japanese; exit code 0 on success, 1 when the command or its
 * input is wrong (with a message, never a stack trace), 2 on an unexpected failure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { loadConfig, makePrivateDir, restrictFileModes, type Config } from './config.js';
import { backupDatabase, checkBackup, openDatabase, pendingMigrationCount, restoreDatabase, type Database$ } from './db/index.js';
import { recordAudit, setProcessActor } from './audit/repository.js';
import { districts, ROLES, wards } from './db/schema.js';
import { DomainError } from './errors.js';
import { hashPassword, passwordProblem } from './auth/passwords.js';
import { createUser, isLoginTaken } from './users/repository.js';
import { ensureDemoCity } from './demo/demoCity.js';
import { toHalfWidth } from './domain/numbers.js';
import { decodeCsv } from './imports/decode.js';
import { IMPORT_COLUMNS, IMPORT_KIND_LABELS, IMPORT_KINDS } from './domain/importFormats.js';
import { importCsv } from './imports/importCsv.js';
import { formatImportSummary } from './imports/summary.js';
import { viewHelpers } from './views.js';
import { normaliseText } from './domain/text.js';
import { formatRebuild, rebuildFigures } from './figures/rebuild.js';
import { parseFiscalYear } from './domain/fiscalYear.js';

/** A mistake of the person running the command: printed as is, exit code 1. */
class UserError extends Error {}

const HELP = `みまもり コマンドライン

使い方: npm run cli -- <コマンド> [引数] [オプション]
（ビルドしたものは node dist/cli.js <コマンド> …、同じコマンドが使えます）

  migrate
      データベースを開き、まだ適用していないマイグレーションを適用します。

  demo
      空のデータベースにデモ用の市（区・校(地)区・利用者・公表値・月次報告）を作成します。

  user add <ログインID> --role city|ward|district [--scope <区の名前|校(地)区コード>] [--name <表示名>]
      利用者を追加します。パスワードは標準入力の1行目から読みます
      （端末から実行したときは、画面に表示せずに2回尋ねます）。
      --role ward には区の名前を、--role district には校(地)区コードを --scope で指定します。
      --role city には --scope を付けません。--name を省くと表示名はログインIDになります。
      例: echo 'ながいパスワード' | npm run cli -- user add tanaka --role ward --scope 門司区

  import <${IMPORT_KINDS.join('|')}> <ファイル.csv> [--dry-run] [--force] [--create-wards]
      CSV ファイルを取り込みます。すべての行を確かめ、問題が1つでもあれば何も書き込まず、
      問題を「行・列・理由」で表示します。問題がなければ全部をまとめて書き込みます。
      --dry-run  確かめるだけで、何も書き込みません（新規・更新の件数と行、新しく作る区を表示します）
      --force    年度確定済みの年度の行も書き込みます（その年度の集計値は再開するまで変わりません）
      --create-wards  districts で、まだ登録されていない区を新しく作ります（付けないと、その行は
                 誤りとして区の名前を表示します。区がまだ1つもないときだけは付けなくても作ります）
      まだ始まっていない月の月次報告は、画面と同じく取り込めません。
      successions は、event が同じ行をまとめて1つの統合・分割として記録します（元の校(地)区と後継の
                 校(地)区はそれらの行の和、first_month は後継が報告を始める月）。元の校(地)区の開設中の
                 サロンと推進中の計画は、最初の後継の校(地)区に移ります（画面では移す先を選べます）。
      indicators は、市社協が定める指標（名前・単位・入力する人・年度の集計のしかた・内訳）を追加・更新し、
                 values は、その指標の値（校(地)区の月ごと、または区の年度ごと）を取り込みます。
                 内訳は合計と合っていなければなりません（助け合いの種類は、その月の②と同じ数）。
      文字コードは UTF-8（BOM あり・なし）または Shift_JIS（Excel の「CSV（コンマ区切り）」）。

  recompute [--fy <年度>]
      年度ごとの集計値（校(地)区ごとの①〜⑦と世帯の内訳）を記録から計算し直し、変わった件数を
      項目ごとに表示します。バックアップから戻したあとや、まとめて書き込んだあとに使います。
      --fy を付けるとその年度だけ（2024 または R6）。年度確定済みの年度は変えません。

  backup <ファイル>
      使用中のデータベースを SQLite のオンラインバックアップで複製します。
      同じ名前のファイルがあるときは上書きしません。

  restore <ファイル>
      バックアップからデータベースを戻します。先にアプリ（サーバー）を止めてから実行してください
      （動いているあいだは戻しません）。戻す前の状態を backups/before-restore-… に保存します。
      バックアップが古い版のものなら、戻したあとマイグレーションを適用します。

  help
      この説明を表示します。

データベースの場所は環境変数 DATABASE_PATH で指定します（既定: ./data/mimamori.db）。

CSV の見出し行（1行目）は次の列名にしてください（順番は自由です）:
${IMPORT_KINDS.map((k) => `  ${k.padEnd(10)} ${IMPORT_COLUMNS[k].join(',')}\n             （${IMPORT_KIND_LABELS[k]}）`).join('\n')}
  日付は 2024-04-01 または 2024/4/1、年度は 2019 または R1、はい/いいえ は 1/0 または はい/いいえ、
  数は全角・半角どちらでも、3桁ごとのカンマ付きでもかまいません。空欄は「未報告」です。
`;

const OPTIONS = {
  role: { type: 'string' },
  scope: { type: 'string' },
  name: { type: 'string' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
  'create-wards': { type: 'boolean' },
  fy: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
type OptionName = keyof typeof OPTIONS;

/** Which options each command takes; anything else is refused rather than silently ignored. */
const COMMAND_OPTIONS: Record<string, readonly OptionName[]> = {
  migrate: [],
  demo: [],
  user: ['role', 'scope', 'name'],
  import: ['dry-run', 'force', 'create-wards'],
  backup: [],
  restore: [],
  recompute: ['fy'],
  help: [],
};

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    const name = /'([^']+)'/.exec((e as Error).message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UserError(`知らないオプションです: ${name}（help で使い方を表示します）`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UserError(`オプション ${name.split(' ')[0]} の値の書き方が正しくありません。`);
    throw new UserError(`コマンドの書き方が正しくありません。help で使い方を表示します。`);
  }
}

function config(): Config {
  try {
    return loadConfig();
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}

/** Opens the database at DATABASE_PATH (applying migrations), runs `work`, and closes it. */
async function withDatabase<T>(work: (database: Database$, path: string) => T | Promise<T>): Promise<T> {
  const path = config().DATABASE_PATH;
  const database = await openDatabase(path);
  try {
    return await work(database, path);
  } finally {
    database.sqlite.close();
  }
}

async function migrateCommand(): Promise<void> {
  const path = config().DATABASE_PATH;
  let pending: number;
  if (path !== ':memory:') makePrivateDir(dirname(resolve(path)));
  // Count before opening: openDatabase applies them and does not say how many.
  const probe = new Database(path);
  try {
    pending = pendingMigrationCount(probe);
  } finally {
    probe.close();
  }
  await withDatabase(() => {
    out(
      pending > 0
        ? `マイグレーションを ${pending} 件適用しました（データベース: ${path}）。`
        : `データベースは最新です。適用するマイグレーションはありませんでした（データベース: ${path}）。`,
    );
  });
}

async function demoCommand(): Promise<void> {
  const settings = config();
  if (settings.NODE_ENV === 'production' && settings.MIMAMORI_DEMO !== 'on') {
    throw new UserError(
      'NODE_ENV=production ではデモ用の市を作りません（デモ用の利用者のパスワードは公開されています）。デモを動かすときは MIMAMORI_DEMO=on を指定してください。',
    );
  }
  await withDatabase(async ({ db }, path) => {
    const created = await ensureDemoCity(db);
    if (!created) {
      out(`データベース（${path}）にはすでにデータがあるため、デモ用の市は作成しませんでした。`);
      return;
    }
    out('デモ用の市を作成しました。次の利用者でログインできます（パスワードはすべて mimamori-demo）:');
    for (const u of created.users) out(`  ${u.login}  （${u.description}）`);
  });
}

const loginSchema = z
  .string()
  .trim()
  .min(1, 'ログインIDを指定してください。')
  .max(100, 'ログインIDは100文字以内にしてください。')
  .regex(/^\S+$/, 'ログインIDに空白は使えません。');
const roleSchema = z.enum(ROLES, { message: `--role には ${ROLES.join('、')} のどれかを指定してください。` });
// The same text rules as the users page: NFC, no control, direction-override or zero-width characters.
const nameSchema = z
  .string()
  .transform((s, ctx) => {
    const checked = normaliseText(s, 'line');
    if (!checked.ok) ctx.addIssue({ code: 'custom', message: `表示名：${checked.message}` });
    return checked.ok ? checked.value : s;
  })
  .pipe(z.string().min(1, '--name に表示名を指定してください。').max(100, '表示名は100文字以内にしてください。'));

function parsed<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UserError(r.error.issues[0]?.message ?? '指定が正しくありません。');
  return r.data;
}

/** Reads the first line of piped standard input (the password), then stops reading. */
function readFirstLine(stream: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let buffer = '';
    const finish = (line: string) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.destroy();
      resolvePromise(line.replace(/\r$/, ''));
    };
    const onData = (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline >= 0) finish(buffer.slice(0, newline));
    };
    const onEnd = () => finish(buffer);
    stream.setEncoding('utf8');
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', reject);
  });
}

/** Asks for a secret on the terminal without echoing it. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolvePromise, reject) => {
    // Raw mode before the prompt, so that nothing typed after it is echoed.
    stdin.setRawMode(true);
    process.stderr.write(prompt);
    let value = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolvePromise(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new UserError('中止しました。'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.setEncoding('utf8');
    stdin.resume();
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readFirstLine(process.stdin);
  const first = await promptHidden('パスワード（8文字以上）: ');
  const problem = passwordProblem(first);
  if (problem) throw new UserError(problem);
  const second = await promptHidden('確認のため、もう一度入力してください: ');
  if (first !== second) throw new UserError('2回入力したパスワードが一致しません。');
  return first;
}

async function userCommand(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<void> {
  const [sub, rawLogin, ...extra] = positionals;
  if (sub !== 'add') throw new UserError('user のあとには add を書きます（例: user add tanaka --role city）。');
  if (extra.length > 0) throw new UserError(`余分な引数があります: ${extra.join(' ')}`);
  const login = parsed(loginSchema, rawLogin ?? '');
  if (values.role === undefined) throw new UserError(`--role で役割（${ROLES.join('、')}）を指定してください。`);
  const role = parsed(roleSchema, values.role);
  const displayName = values.name === undefined ? login : parsed(nameSchema, values.name);
  const scope = typeof values.scope === 'string' ? values.scope.trim() : undefined;
  if (role === 'city' && scope !== undefined) throw new UserError('市社協（city）の利用者は全市が範囲なので、--scope は付けません。');
  if (role !== 'city' && !scope) {
    throw new UserError(role === 'ward' ? '--scope に区の名前を指定してください（例: --scope 門司区）。' : '--scope に校(地)区コードを指定してください。');
  }

  await withDatabase(async ({ db }) => {
    if (isLoginTaken(db, login)) throw new UserError(`ログインID「${login}」はすでに使われています。別のIDにしてください。`);
    let wardId: number | null = null;
    let districtId: number | null = null;
    let scopeLabel = '全市';
    if (role === 'ward') {
      const ward = db.select().from(wards).where(eq(wards.name, scope!)).get();
      if (!ward) throw new UserError(`区「${scope}」は登録されていません。`);
      wardId = ward.id;
      scopeLabel = ward.name;
    } else if (role === 'district') {
      const code = toHalfWidth(scope!).trim();
      const district = db.select().from(districts).where(eq(districts.code, code)).get();
      if (!district) throw new UserError(`校(地)区コード「${code}」は登録されていません。`);
      districtId = district.id;
      scopeLabel = `${district.name}（${district.code}）`;
    }
    const password = await readPassword();
    const problem = passwordProblem(password);
    if (problem) throw new UserError(problem);
    const passwordHash = await hashPassword(password);
    createUser(db, { login, displayName, role, wardId, districtId, passwordHash }, null);
    out(`利用者「${login}」（${viewHelpers.roleLabel(role)}・${scopeLabel}）を追加しました。`);
  });
}

async function importCommand(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<void> {
  const [kind, file, ...extra] = positionals;
  const kindResult = z.enum(IMPORT_KINDS).safeParse(kind);
  if (!kindResult.success) throw new UserError(`取り込む種類を ${IMPORT_KINDS.join('、')} のどれかで指定してください（例: import monthly 月次.csv）。`);
  if (!file) throw new UserError('取り込む CSV ファイルを指定してください。');
  if (extra.length > 0) throw new UserError(`余分な引数があります: ${extra.join(' ')}`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UserError(code === 'ENOENT' ? `ファイルが見つかりません: ${file}` : `ファイルを読めません: ${file}（${code ?? '不明なエラー'}）`);
  }
  const dryRun = values['dry-run'] === true;
  const decoded = decodeCsv(bytes);
  await withDatabase(({ db }) => {
    const result = importCsv(db, kindResult.data, bytes, { dryRun, force: values.force === true, createWards: values['create-wards'] === true, userId: null });
    if (decoded.ok) out(`${file} を ${decoded.encoding === 'utf-8' ? 'UTF-8' : 'Shift_JIS'} として読みました（${IMPORT_KIND_LABELS[kindResult.data]}）。`);
    const lines = formatImportSummary(result, { dryRun });
    if (result.ok) lines.forEach(out);
    else {
      lines.forEach(err);
      process.exitCode = 1;
    }
  });
}

async function backupCommand(positionals: string[]): Promise<void> {
  const [file, ...extra] = positionals;
  if (!file) throw new UserError('バックアップ先のファイル名を指定してください（例: backup backups/mimamori-2026-11-23.db）。');
  if (extra.length > 0) throw new UserError(`余分な引数があります: ${extra.join(' ')}`);
  if (existsSync(file)) throw new UserError(`バックアップ先のファイルがすでにあります: ${file}（上書きはしません。別の名前にしてください）`);
  const path = config().DATABASE_PATH;
  if (path === ':memory:' || !existsSync(path)) throw new UserError(`データベースが見つかりません: ${path}`);
  await withDatabase(async ({ sqlite }) => {
    await backupDatabase(sqlite, file);
    out(`バックアップを作成しました: ${file}`);
  });
}

/** The stamp in the names of automatic backups: 2026-11-23T01-02-03-456Z. */
const fileStamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/**
 * Puts a backup in place of the database. The app must be stopped: SQLite
 * refuses to leave WAL mode while another process has the database open, which
 * is how a running server is noticed. The current database is saved first.
 */
async function restoreCommand(positionals: string[]): Promise<void> {
  const [file, ...extra] = positionals;
  if (!file) throw new UserError('戻すバックアップのファイル名を指定してください（例: restore backups/mimamori-2026-11-23.db）。');
  if (extra.length > 0) throw new UserError(`余分な引数があります: ${extra.join(' ')}`);
  if (!existsSync(file)) throw new UserError(`バックアップのファイルが見つかりません: ${file}`);
  const path = config().DATABASE_PATH;
  if (path === ':memory:') throw new UserError('DATABASE_PATH が :memory: のときは戻せません。');
  if (resolve(file) === resolve(path)) throw new UserError('バックアップとデータベースが同じファイルです。');
  try {
    checkBackup(file);
  } catch (e) {
    throw new UserError(`${(e as Error).message}。何も変えていません。`);
  }
  let savedAs: string | null = null;
  if (existsSync(path)) {
    const current = new Database(path, { timeout: 0 });
    try {
      try {
        current.pragma('journal_mode = DELETE');
      } catch {
        throw new UserError('データベースを使っているプロセスがあります。アプリ（サーバー）を止めてから、もう一度実行してください。何も変えていません。');
      }
      savedAs = join(dirname(resolve(path)), 'backups', `before-restore-${fileStamp()}.db`);
      makePrivateDir(dirname(savedAs), { own: true });
      await backupDatabase(current, savedAs);
    } finally {
      current.close();
    }
  }
  restoreDatabase(file, path);
  await withDatabase(({ db }) => {
    recordAudit(db, { userId: null, action: 'restore', entity: 'database', detail: `バックアップ ${file} から戻しました` });
  });
  if (savedAs) out(`戻す前のデータベースを保存しました: ${savedAs}`);
  out(`バックアップ ${file} からデータベースを戻しました（データベース: ${path}）。アプリを起動してください。`);
}

/** `recompute [--fy N]`: rebuilds the stored figures of open years from the records and says what changed. */
async function recomputeCommand(fyOption: string | boolean | undefined): Promise<void> {
  let fy: number | undefined;
  if (typeof fyOption === 'string') {
    const parsedFy = parseFiscalYear(toHalfWidth(fyOption).trim());
    if (parsedFy === null) throw new UserError(`--fy の年度「${fyOption}」を読み取れません。2024 または R6 のように書いてください。`);
    fy = parsedFy;
  }
  await withDatabase(({ db }) => {
    const result = rebuildFigures(db, { fy });
    for (const line of formatRebuild(result)) out(line);
  });
}

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(argv);
  const [command, ...rest] = positionals;
  if (command === undefined || command === 'help' || values.help) {
    out(HELP);
    return;
  }
  const allowed = COMMAND_OPTIONS[command];
  if (!allowed) throw new UserError(`知らないコマンドです: ${command}（help で使い方を表示します）`);
  const extraOption = (Object.keys(values) as OptionName[]).find((o) => values[o] !== undefined && !allowed.includes(o));
  if (extraOption) throw new UserError(`${command} では --${extraOption} は使えません。`);
  switch (command) {
    case 'migrate':
    case 'demo':
      if (rest.length > 0) throw new UserError(`余分な引数があります: ${rest.join(' ')}`);
      return command === 'migrate' ? migrateCommand() : demoCommand();
    case 'user':
      return userCommand(rest, values);
    case 'import':
      return importCommand(rest, values);
    case 'backup':
      return backupCommand(rest);
    case 'restore':
      return restoreCommand(rest);
    case 'recompute':
      if (rest.length > 0) throw new UserError(`余分な引数があります: ${rest.join(' ')}`);
      return recomputeCommand(values.fy);
  }
}

/**
 * The operating-system account running the command, recorded as the actor of
 * every CLI write (`cli:mimamori`); run through sudo, the person who ran sudo
 * too (`cli:mimamori (sudo tanaka)`).
 */
function cliActor(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = `uid-${process.getuid?.() ?? 'unknown'}`;
  }
  const sudoUser = process.env.SUDO_USER;
  return sudoUser && sudoUser !== user ? `cli:${user} (sudo ${sudoUser})` : `cli:${user}`;
}

// Everything the command line creates (database, backups, secret) is for its own account only.
restrictFileModes();
setProcessActor(cliActor());

try {
  await run(process.argv.slice(2));
} catch (e) {
  if (e instanceof UserError || e instanceof DomainError) {
    err(`エラー: ${e.message}`);
    process.exitCode = 1;
  } else {
    err('予期しないエラーが起きました。次の内容を管理者に伝えてください:');
    err(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exitCode = 2;
  }
}
