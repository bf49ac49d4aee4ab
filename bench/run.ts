/**
 * `npm run bench [-- --quick] [-- --root <checkout>] [-- --fresh] [-- --only P1,P3] [-- --tsx | --dist] [-- --prepare]`
 *
 * Prints, for each path, the app's figure and its baseline measured in the same
 * run, interleaved, three rounds, with min / median / max and the ratio
 * (issue 9, item 9). A benchmark asserts nothing: it prints figures.
 *
 *   P1  GET /trends and /api/trends (signed-in city user, production mode, demo city)
 *       vs a bare Fastify hello server, autocannon, 50 connections
 *   P2  a national-scale city (20,000 districts × 10 FY × 12 months): the cold citywide
 *       5-year table vs one raw SQL SUM … GROUP BY of the same rows; the warm table,
 *       a district's year view, the completeness page, the server's memory
 *   P3  monthly saves/s (POST the real form: session, CSRF, audit) vs raw durable
 *       single-row commits/s on the same disk (better-sqlite3, WAL, synchronous=FULL)
 *   P4  `cli import monthly` on 100,000 rows vs raw prepared INSERTs in one transaction
 *   P5  the server's RSS after P1 and at national scale
 *
 * The app measured is the checkout at BENCH_APP_ROOT (or --root; default: this
 * repository), so the same bench measures older code: servers, generated
 * databases and the CLI all come from that checkout. Generated databases are
 * cached under bench/.data/ (keyed by the checkout's schema, migrations and demo
 * city); --fresh regenerates them (do so after changing how figures are computed). The servers run as
 * production runs them (DESIGN §12): the checkout is compiled first (`npm run build` into its dist/) and
 * the servers run dist/, without the TypeScript loader (which alone holds ~40 MB, a large part of P5).
 * --tsx runs the TypeScript sources through tsx instead; --dist runs the dist/ already there, unbuilt. --prepare only builds the databases (the first
 * build of the national one takes minutes; the measured run stays under ten).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import autocannon from 'autocannon';
import { districtCode, generateCity, monthlyValues, monthsOfYears, VALUE_COLUMNS, type CityShape } from './nationalScale.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    fresh: { type: 'boolean' },
    dist: { type: 'boolean' },
    tsx: { type: 'boolean' },
    root: { type: 'string' },
    only: { type: 'string' },
    prepare: { type: 'boolean' },
  },
});
const ROOT = resolve(process.env.BENCH_APP_ROOT ?? args.root ?? join(BENCH_DIR, '..'));
const QUICK = args.quick === true;
const ONLY = new Set((args.only ?? 'P1,P2,P3,P4,P5').split(',').map((s) => s.trim().toUpperCase()));
/** Servers run the compiled dist/ (built at the start of the run unless --dist), or the sources through tsx (--tsx). */
let USE_DIST = args.tsx !== true;

const ROUNDS = 3;
const CONNECTIONS = 50;
const LOAD_SECONDS = QUICK ? 2 : 3;
const NATIONAL_DISTRICTS = QUICK ? 2_000 : 20_000;
const NATIONAL_WARDS = QUICK ? 20 : 175;
const IMPORT_ROWS = QUICK ? 10_000 : 100_000;
const SAVE_SECONDS = QUICK ? 2 : 3;
const FIRST_FY = 2016;
const LAST_FY = 2025;
const LOGIN = 'bench-city';
const PASSWORD = 'bench-password-for-the-city-1234';

// ---------------------------------------------------------------- figures

interface Figure {
  label: string;
  unit: string;
  samples: number[];
  /** Decimal places to print. */
  digits?: number;
}
const summary: { path: string; app: string; baseline: string; ratio: string }[] = [];

/** xs[i], or a clear error when the index is out of range (the bench's own arrays, never user input). */
function itemAt<T>(xs: readonly T[], i: number, what: string): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`${what}: index ${i} out of range (length ${xs.length})`);
  return x;
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? itemAt(s, (s.length - 1) / 2, 'median') : (itemAt(s, s.length / 2 - 1, 'median') + itemAt(s, s.length / 2, 'median')) / 2;
}
function fmt(x: number, digits = 0): string {
  if (!Number.isFinite(x)) return '—';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
function printFigures(title: string, figures: Figure[]): void {
  console.log(`\n${title}`);
  console.log(`  ${''.padEnd(46)} ${'min'.padStart(12)} ${'median'.padStart(12)} ${'max'.padStart(12)}   rounds`);
  for (const f of figures) {
    if (f.samples.length === 0) continue;
    const d = f.digits ?? 0;
    const cells = [Math.min(...f.samples), median(f.samples), Math.max(...f.samples)].map((x) => fmt(x, d).padStart(12));
    console.log(`  ${`${f.label} (${f.unit})`.padEnd(46)} ${cells.join(' ')}   ${f.samples.map((x) => fmt(x, d)).join(' | ')}`);
  }
}
const mb = (bytes: number) => bytes / 1024 / 1024;

// ---------------------------------------------------------------- the checkout under test

/** Loads a module of the checkout under test; `T` names the little the bench uses of it (the same in older checkouts). */
const target = <T>(path: string): Promise<T> => import(pathToFileURL(join(ROOT, 'src', path)).href) as Promise<T>;
interface TargetPasswords {
  hashPassword: (password: string) => Promise<string>;
}
interface TargetDb {
  openDatabase: (path: string) => Promise<{ sqlite: Database.Database }>;
}

/**
 * A key of what shapes a generated database: schema, migrations, the demo city, this generator.
 * (After changing how stored figures are computed, pass --fresh.)
 */
function targetKey(): string {
  const hash = createHash('sha256');
  const files = [
    join(ROOT, 'migrations/meta/_journal.json'),
    join(ROOT, 'src/db/schema.ts'),
    join(BENCH_DIR, 'nationalScale.ts'),
    ...['src/demo'].flatMap((dir) => {
      const full = join(ROOT, dir);
      return existsSync(full) ? readdirSync(full).map((f) => join(full, f)) : [];
    }),
  ];
  for (const f of files.sort()) if (existsSync(f) && statSync(f).isFile()) hash.update(f.slice(ROOT.length)).update(readFileSync(f));
  return hash.digest('hex').slice(0, 12);
}

const DATA_DIR = join(BENCH_DIR, '.data');
const CACHE_DIR = join(DATA_DIR, targetKey());
// One working folder per run (two runs at once must not empty each other's), removed on exit.
const RUN_DIR = join(DATA_DIR, `run-${process.pid}`);
mkdirSync(CACHE_DIR, { recursive: true });
rmSync(RUN_DIR, { recursive: true, force: true });
mkdirSync(RUN_DIR, { recursive: true });
process.on('exit', () => rmSync(RUN_DIR, { recursive: true, force: true }));

function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}
function copyDb(from: string, to: string): void {
  removeDb(to);
  copyFileSync(from, to);
}

/** Runs the checkout's CLI; resolves with its exit code and output (both streams). */
function runCli(cliArgs: string[], env: Record<string, string>, input?: string): Promise<{ code: number; out: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...cliArgs], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'development', MIMAMORI_DEMO: 'off', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code: code ?? -1, out, ms: performance.now() - started }));
    child.stdin.end(input ?? '');
  });
}

/** Adds the bench's city user with the checkout's own password hashing. */
async function addBenchUser(sqlite: Database.Database): Promise<void> {
  const { hashPassword } = await target<TargetPasswords>('auth/passwords.ts');
  const hash = await hashPassword(PASSWORD);
  sqlite
    .prepare("INSERT INTO users (login, display_name, password_hash, role, created_at) VALUES (?, 'ベンチ', ?, 'city', ?)")
    .run(LOGIN, hash, new Date().toISOString());
}

/**
 * Rebuilds stored yearly figures after a bulk load, where the checkout has them
 * (`cli recompute`); older checkouts compute figures on every request.
 */
async function recomputeStoredFigures(path: string): Promise<string> {
  const cli = readFileSync(join(ROOT, 'src/cli.ts'), 'utf8');
  if (!/['"]recompute['"]/.test(cli)) return 'no stored figures in this checkout';
  const result = await runCli(['recompute'], { DATABASE_PATH: path });
  if (result.code !== 0) throw new Error(`cli recompute failed (${result.code}): ${result.out.slice(-2000)}`);
  return `cli recompute ${fmt(result.ms / 1000, 1)} s`;
}

/** A database built once per checkout and size, then reused (bench/.data/<key>/). */
async function cachedDb(name: string, build: (path: string) => Promise<string>): Promise<string> {
  const path = join(CACHE_DIR, `${name}.db`);
  if (existsSync(path) && !args.fresh) {
    console.log(`  ${name}: cached (${fmt(mb(statSync(path).size))} MB)`);
    return path;
  }
  const building = `${path}.building`;
  removeDb(building);
  const started = performance.now();
  const note = await build(building);
  const sqlite = new Database(building);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  removeDb(path);
  renameSync(building, path);
  console.log(`  ${name}: built in ${fmt((performance.now() - started) / 1000, 1)} s (${fmt(mb(statSync(path).size))} MB; ${note})`);
  return path;
}

async function generatedCity(path: string, shape: CityShape, withUser: boolean): Promise<string> {
  const { openDatabase } = await target<TargetDb>('db/index.ts');
  const database = await openDatabase(path);
  const started = performance.now();
  const rows = generateCity(database.sqlite, shape);
  const genMs = performance.now() - started;
  if (withUser) await addBenchUser(database.sqlite);
  database.sqlite.close();
  const recompute = withUser ? await recomputeStoredFigures(path) : 'no figures needed';
  return `${fmt(rows)} monthly reports in ${fmt(genMs / 1000, 1)} s; ${recompute}`;
}

const demoDb = () =>
  cachedDb('demo', async (path) => {
    const result = await runCli(['demo'], { DATABASE_PATH: path });
    if (result.code !== 0) throw new Error(`cli demo failed: ${result.out.slice(-2000)}`);
    const sqlite = new Database(path);
    await addBenchUser(sqlite);
    sqlite.close();
    return `cli demo; ${await recomputeStoredFigures(path)}`;
  });

const nationalDb = () =>
  cachedDb(`national-${NATIONAL_DISTRICTS}`, (path) =>
    generatedCity(path, { wards: NATIONAL_WARDS, districts: NATIONAL_DISTRICTS, firstFy: FIRST_FY, lastFy: LAST_FY, codePrefix: 'N', registers: true }, true),
  );

// ---------------------------------------------------------------- servers

interface Server {
  url: string;
  cookie: string;
  csrf: string;
  child: ChildProcess;
  /** RSS now and at its peak; `commits`: the group commit's batches and units so far (null in checkouts without it). */
  memory(): Promise<{ rss: number; peak: number; commits?: { batches: number; units: number } | null }>;
  stop(): Promise<void>;
}

function startServer(kind: 'app' | 'hello', env: Record<string, string> = {}): Promise<Server> {
  const script = join(BENCH_DIR, kind === 'app' ? 'server.mjs' : 'hello.mjs');
  const execArgv = kind === 'app' && !USE_DIST ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...execArgv, script], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      BENCH_APP_ROOT: ROOT,
      BENCH_LOGIN: LOGIN,
      BENCH_PASSWORD: PASSWORD,
      BENCH_DIST: USE_DIST ? '1' : '0',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start`)), 180_000);
    child.once('exit', (code) => reject(new Error(`${kind} server exited (${code})`)));
    child.once('message', (m: { type: string; url: string; cookie: string; csrf: string }) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolveStart({
        url: m.url,
        cookie: m.cookie,
        csrf: m.csrf,
        child,
        memory: () =>
          new Promise((resolveMemory) => {
            child.once('message', (r: { rss: number; peak: number; commits?: { batches: number; units: number } | null }) => resolveMemory(r));
            child.send({ type: 'rss' });
          }),
        stop: () =>
          new Promise((resolveStop) => {
            const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
            child.once('exit', () => {
              clearTimeout(kill);
              resolveStop();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** The request headers of the signed-in user behind the TLS-terminating proxy. */
function userHeaders(server: Server): Record<string, string> {
  return { cookie: server.cookie, 'x-forwarded-proto': 'https', 'x-forwarded-for': '127.0.0.1' };
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  codes: Record<string, number>;
  errors: number;
}

async function load(url: string, options: Partial<autocannon.Options> = {}): Promise<LoadResult> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: LOAD_SECONDS, timeout: 30, ...options });
  // Requests still queued in the server when the run ended must not slow the next measurement:
  // one more request waits behind them, then a short pause.
  await fetch(url, { headers: options.headers, redirect: 'manual' })
    .then((res) => res.arrayBuffer())
    .catch(() => undefined);
  await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  const codes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]));
  // No response at all within the run: no latency to report (it is longer than the run).
  const none = result.requests.total === 0;
  return {
    rps: result.requests.total / result.duration,
    p50: none ? NaN : result.latency.p50,
    p99: none ? NaN : result.latency.p99,
    codes,
    errors: result.errors + result.timeouts,
  };
}

async function timed(url: string, headers: Record<string, string>): Promise<{ ms: number; status: number; bytes: number }> {
  const started = performance.now();
  const res = await fetch(url, { headers, redirect: 'manual' });
  const body = await res.arrayBuffer();
  return { ms: performance.now() - started, status: res.status, bytes: body.byteLength };
}

// ---------------------------------------------------------------- P1, P5 (after P1)

async function p1(): Promise<void> {
  console.log(
    `\nP1 GET /trends と /api/trends（市社協、デモ市、production）と素の Fastify hello: ${CONNECTIONS} 接続 × ${LOAD_SECONDS} 秒 × ${ROUNDS} 回（交互）`,
  );
  const demo = await demoDb();
  const dbPath = join(RUN_DIR, 'p1.db');
  copyDb(demo, dbPath);
  const app = await startServer('app', { BENCH_DB: dbPath });
  const hello = await startServer('hello');
  const headers = userHeaders(app);
  const paths = ['/trends', '/api/trends'] as const;
  const figures = new Map<string, number[]>();
  const add = (k: string, x: number) => figures.set(k, [...(figures.get(k) ?? []), x]);
  const codes: Record<string, Record<string, number>> = {};
  // One request each (its status shows the sign-in worked), then a warm-up: templates compiled, JIT warm.
  for (const path of paths) {
    const first = await timed(`${app.url}${path}`, headers);
    console.log(`  first GET ${path}: ${first.status}, ${fmt(first.ms)} ms, ${fmt(first.bytes / 1024)} KB`);
  }
  // A run must outlast the first wave of 50 requests, or a slow app shows no responses at all:
  // at least LOAD_SECONDS, else twice 50 × one request's latency (at most 15 s).
  const seconds = new Map<string, number>();
  for (const path of paths) {
    const latencies: number[] = [];
    for (let i = 0; i < 3; i++) latencies.push((await timed(`${app.url}${path}`, headers)).ms);
    const one = median(latencies);
    seconds.set(path, Math.min(15, Math.max(LOAD_SECONDS, Math.ceil((2 * CONNECTIONS * one) / 1000))));
  }
  console.log(`  run length: ${paths.map((p) => `${p} ${seconds.get(p)} s`).join(', ')}, hello ${LOAD_SECONDS} s`);
  for (const path of paths) await load(`${app.url}${path}`, { headers, duration: 1 });
  await load(`${hello.url}/`, { duration: 1 });
  for (let round = 0; round < ROUNDS; round++) {
    const h = await load(`${hello.url}/`);
    add('hello rps', h.rps);
    add('hello p99', h.p99);
    for (const path of paths) {
      const r = await load(`${app.url}${path}`, { headers, duration: seconds.get(path) });
      add(`${path} rps`, r.rps);
      add(`${path} p50`, r.p50);
      add(`${path} p99`, r.p99);
      add(`${path} ratio`, (100 * r.rps) / h.rps);
      codes[path] = r.codes;
      if (r.errors > 0) console.log(`  (${path}: ${r.errors} errors/timeouts)`);
    }
    // One connection, one request at a time: the latency of a single reader (median of 10, at most 10 s).
    for (const path of paths) {
      const one: number[] = [];
      const end = performance.now() + 10_000;
      for (let i = 0; i < 10 && performance.now() < end; i++) one.push((await timed(`${app.url}${path}`, headers)).ms);
      add(`${path} single`, median(one));
    }
    const helloOne: number[] = [];
    for (let i = 0; i < 10; i++) helloOne.push((await timed(`${hello.url}/`, {})).ms);
    add('hello single', median(helloOne));
  }
  const memory = await app.memory();
  await app.stop();
  await hello.stop();
  const get = (k: string) => figures.get(k) ?? [];
  printFigures('  結果', [
    { label: 'hello req/s', unit: 'req/s', samples: get('hello rps') },
    { label: 'hello p99', unit: 'ms', samples: get('hello p99') },
    { label: 'hello, 1 connection, median', unit: 'ms', samples: get('hello single'), digits: 1 },
    ...paths.flatMap((p) => [
      { label: `${p} req/s`, unit: 'req/s', samples: get(`${p} rps`) },
      { label: `${p} p50`, unit: 'ms', samples: get(`${p} p50`) },
      { label: `${p} p99`, unit: 'ms', samples: get(`${p} p99`) },
      { label: `${p} / hello`, unit: '%', samples: get(`${p} ratio`), digits: 2 },
      { label: `${p}, 1 connection, median`, unit: 'ms', samples: get(`${p} single`), digits: 1 },
    ]),
  ]);
  console.log(`  statuses: ${JSON.stringify(codes)}`);
  for (const p of paths) {
    summary.push({
      path: `P1 GET ${p}`,
      app: `${fmt(median(get(`${p} rps`)))} req/s, p50 ${fmt(median(get(`${p} p50`)))} ms, p99 ${fmt(median(get(`${p} p99`)))} ms; alone ${fmt(median(get(`${p} single`)), 1)} ms`,
      baseline: `hello ${fmt(median(get('hello rps')))} req/s`,
      ratio: `${fmt(median(get(`${p} ratio`)), 2)} %`,
    });
  }
  p5Figures.push({ label: 'RSS after P1 (demo city)', rss: memory.rss, peak: memory.peak });
}

// ---------------------------------------------------------------- P2, P5 (national scale)

const p5Figures: { label: string; rss: number; peak: number }[] = [];

async function p2(): Promise<void> {
  console.log(`\nP2 全国規模: ${fmt(NATIONAL_DISTRICTS)} 校(地)区 × ${LAST_FY - FIRST_FY + 1} 年度 × 12 か月（${ROUNDS} 回、毎回サーバーを起動し直す）`);
  const national = await nationalDb();
  const from = LAST_FY - 4;
  const tableUrl = `/trends?scope=city&from=${from}&to=${LAST_FY}`;
  const rawSql = `SELECT CAST(substr(month, 1, 4) AS INTEGER) - (CAST(substr(month, 6, 2) AS INTEGER) < 4) AS fy, count(DISTINCT district_id) AS districts,
    ${VALUE_COLUMNS.map((c) => `sum(${c})`).join(', ')} FROM monthly_reports WHERE month >= ? AND month <= ? GROUP BY fy`;
  const f = {
    raw: [] as number[],
    cold: [] as number[],
    coldApi: [] as number[],
    warm: [] as number[],
    warmRps: [] as number[],
    warmP99: [] as number[],
    year: [] as number[],
    completeness: [] as number[],
    completenessKb: [] as number[],
    rss: [] as number[],
    peak: [] as number[],
    ratio: [] as number[],
  };
  const statuses = new Set<string>();
  for (let round = 0; round < ROUNDS; round++) {
    // Baseline: one raw aggregate over the same rows, on a fresh connection.
    const raw = new Database(national, { readonly: true });
    const started = performance.now();
    raw.prepare(rawSql).all(`${from}-04`, `${LAST_FY + 1}-03`);
    f.raw.push(performance.now() - started);
    raw.close();

    const app = await startServer('app', { BENCH_DB: national });
    const headers = userHeaders(app);
    // Warm the code paths (templates, JIT) on a small table that is not the one measured.
    await timed(`${app.url}/trends?scope=district:${districtCode('N', 1)}&from=${from}&to=${LAST_FY}`, headers);
    const cold = await timed(`${app.url}${tableUrl}`, headers);
    f.cold.push(cold.ms);
    statuses.add(`/trends ${cold.status}`);
    const coldApi = await timed(`${app.url}/api/trends?scope=city&from=${from - 1}&to=${LAST_FY - 1}`, headers);
    f.coldApi.push(coldApi.ms);
    f.ratio.push(cold.ms / itemAt(f.raw, round, 'raw timings'));
    const warm: number[] = [];
    const warmEnd = performance.now() + 8_000;
    for (let i = 0; i < 5 && performance.now() < warmEnd; i++) warm.push((await timed(`${app.url}${tableUrl}`, headers)).ms);
    f.warm.push(median(warm));
    // One at a time (the median of three, different districts), before any load is left in flight.
    const years: number[] = [];
    for (const d of [7, 8, 9]) {
      const year = await timed(`${app.url}/districts/${districtCode('N', d)}/years/${LAST_FY}`, headers);
      years.push(year.ms);
      statuses.add(`year ${year.status}`);
    }
    f.year.push(median(years));
    const completeness = await timed(`${app.url}/completeness?fy=${LAST_FY}`, headers);
    f.completeness.push(completeness.ms);
    f.completenessKb.push(completeness.bytes / 1024);
    statuses.add(`completeness ${completeness.status}`);
    if (median(warm) < 200) {
      const r = await load(`${app.url}${tableUrl}`, { headers, duration: 2 });
      f.warmRps.push(r.rps);
      f.warmP99.push(r.p99);
    }
    const memory = await app.memory();
    f.rss.push(mb(memory.rss));
    f.peak.push(mb(memory.peak));
    await app.stop();
  }
  printFigures('  結果', [
    { label: `raw SQL SUM … GROUP BY, FY${from}–${LAST_FY}`, unit: 'ms', samples: f.raw, digits: 1 },
    { label: `cold GET ${tableUrl.slice(0, 26)}…`, unit: 'ms', samples: f.cold, digits: 1 },
    { label: 'cold / raw SQL', unit: '×', samples: f.ratio, digits: 2 },
    { label: 'cold GET /api/trends (another window)', unit: 'ms', samples: f.coldApi, digits: 1 },
    { label: 'warm GET (same table), median of ≤5', unit: 'ms', samples: f.warm, digits: 1 },
    { label: 'warm table, 50 connections', unit: 'req/s', samples: f.warmRps },
    { label: 'warm table, 50 connections p99', unit: 'ms', samples: f.warmP99 },
    { label: "a district's year view (median of 3)", unit: 'ms', samples: f.year, digits: 1 },
    { label: 'GET /completeness (city)', unit: 'ms', samples: f.completeness, digits: 1 },
    { label: 'GET /completeness (city) size', unit: 'KB', samples: f.completenessKb },
    { label: 'server RSS after these', unit: 'MB', samples: f.rss },
    { label: 'server peak RSS', unit: 'MB', samples: f.peak },
  ]);
  console.log(`  statuses: ${[...statuses].join(', ')}`);
  summary.push({
    path: `P2 cold citywide 5-year table (${fmt(NATIONAL_DISTRICTS)} districts)`,
    app: `${fmt(median(f.cold))} ms`,
    baseline: `raw SQL ${fmt(median(f.raw))} ms`,
    ratio: `${fmt(median(f.ratio), 2)} ×`,
  });
  summary.push({
    path: 'P2 warm table',
    app: f.warmRps.length ? `${fmt(median(f.warm), 1)} ms; ${fmt(median(f.warmRps))} req/s` : `${fmt(median(f.warm), 1)} ms`,
    baseline: '—',
    ratio: '—',
  });
  summary.push({ path: "P2 a district's year view", app: `${fmt(median(f.year), 1)} ms`, baseline: '—', ratio: '—' });
  summary.push({
    path: 'P2 /completeness (city)',
    app: `${fmt(median(f.completeness), 1)} ms, ${fmt(median(f.completenessKb))} KB`,
    baseline: '—',
    ratio: '—',
  });
  p5Figures.push({
    label: `RSS at national scale (${fmt(NATIONAL_DISTRICTS)} districts)`,
    rss: median(f.rss) * 1024 * 1024,
    peak: Math.max(...f.peak) * 1024 * 1024,
  });
}

// ---------------------------------------------------------------- P3

/** Raw durable single-row commits (WAL, synchronous=FULL) on the disk the app writes to. */
function rawCommits(path: string, seconds: number): number {
  removeDb(path);
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.exec(
    `CREATE TABLE t (id INTEGER PRIMARY KEY, district_id INTEGER NOT NULL, month TEXT NOT NULL, ${VALUE_COLUMNS.map((c) => `${c} INTEGER`).join(', ')}, note TEXT, updated_at TEXT NOT NULL)`,
  );
  const insert = sqlite.prepare(
    `INSERT INTO t (district_id, month, ${VALUE_COLUMNS.join(', ')}, note, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  let n = 0;
  while (performance.now() < end) {
    insert.run(n % 1000, '2025-04', ...monthlyValues(n, 100), null, new Date().toISOString());
    n++;
  }
  const rate = n / ((performance.now() - started) / 1000);
  sqlite.close();
  removeDb(path);
  return rate;
}

async function p3(): Promise<void> {
  const currentFy = (() => {
    const now = new Date(Date.now() + 9 * 3_600_000);
    return now.getUTCMonth() >= 3 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  })();
  // Saves go to the two fiscal years before the current one (every month over, open);
  // the years before those hold reports. 130 × 24 cells: more than a run can save.
  const saveFy = currentFy - 2;
  const districtsN = 130;
  console.log(
    `\nP3 月次報告の保存（POST、セッション・CSRF・監査）と、同じディスクでの1行ずつの永続コミット（WAL, synchronous=FULL）: ${SAVE_SECONDS} 秒 × ${ROUNDS} 回（交互）`,
  );
  const city = await cachedDb(`city-${districtsN}-to-${saveFy - 1}`, (path) =>
    generatedCity(path, { wards: 7, districts: districtsN, firstFy: FIRST_FY, lastFy: saveFy - 1, codePrefix: 'B', registers: true }, true),
  );
  const months = monthsOfYears(saveFy, saveFy + 1);
  const monthIndex0 = (saveFy - FIRST_FY) * 12;
  const cells = months.flatMap((month, m) => Array.from({ length: districtsN }, (_, d) => ({ d, month, m: monthIndex0 + m })));
  const f = { app: [] as number[], raw: [] as number[], ratio: [] as number[], perCommit: [] as number[] };
  const statuses: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const dbPath = join(RUN_DIR, 'p3.db');
    copyDb(city, dbPath);
    const app = await startServer('app', { BENCH_DB: dbPath, BENCH_CSRF_PAGE: `/districts/${districtCode('B', 0)}/reports/${months[0]}` });
    let next = 0;
    const bodyOf = (c: (typeof cells)[number]) => {
      const fields: Record<string, string> = { _csrf: app.csrf, version: '0', note: '' };
      monthlyValues(c.d, c.m).forEach((v, i) => (fields[itemAt(VALUE_COLUMNS, i, 'value columns')] = String(v)));
      return new URLSearchParams(fields).toString();
    };
    const result = await autocannon({
      url: app.url,
      connections: 4,
      duration: SAVE_SECONDS,
      headers: { ...userHeaders(app), 'content-type': 'application/x-www-form-urlencoded' },
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const c = itemAt(cells, next++ % cells.length, 'cells');
            return { ...req, path: `/districts/${districtCode('B', c.d)}/reports/${c.month}`, body: bodyOf(c) };
          },
        },
      ],
    });
    const saved = (result.statusCodeStats as Record<string, { count: number }>)['303']?.count ?? 0;
    for (const [code, v] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = (statuses[code] ?? 0) + v.count;
    const appRate = saved / result.duration;
    // Saves per synced commit (group commit): how far the app shares its fsyncs.
    const { commits } = await app.memory();
    if (commits && commits.batches > 0) f.perCommit.push(commits.units / commits.batches);
    await app.stop();
    const raw = rawCommits(join(RUN_DIR, 'p3-raw.db'), SAVE_SECONDS);
    f.app.push(appRate);
    f.raw.push(raw);
    f.ratio.push((100 * appRate) / raw);
  }
  printFigures('  結果', [
    { label: 'monthly saves (303), 4 connections', unit: 'saves/s', samples: f.app },
    { label: 'raw durable single-row commits', unit: 'commits/s', samples: f.raw },
    { label: 'saves / raw commits', unit: '%', samples: f.ratio, digits: 1 },
    { label: 'saves per synced commit (group commit)', unit: 'saves', samples: f.perCommit, digits: 1 },
  ]);
  console.log(`  statuses: ${JSON.stringify(statuses)}`);
  summary.push({
    path: 'P3 POST a monthly report',
    app: `${fmt(median(f.app))} saves/s`,
    baseline: `raw commits ${fmt(median(f.raw))}/s`,
    ratio: `${fmt(median(f.ratio), 1)} %`,
  });
}

// ---------------------------------------------------------------- P4

/**
 * CPU seconds used so far by this process's finished child processes (Linux: cutime + cstime of
 * /proc/self/stat, in the usual 100 ticks a second); null elsewhere. The CLI's own CPU time, which
 * other work on a shared machine does not stretch as it stretches the wall clock.
 */
function childrenCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name in parentheses, from field 3 (state): cutime is field 16, cstime 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks / 100 : null;
  } catch {
    return null;
  }
}

/** The CPU seconds a child process run took (null where they cannot be read). */
async function childCpu<T>(run: () => Promise<T>): Promise<{ result: T; cpu: number | null }> {
  const before = childrenCpuSeconds();
  const result = await run();
  const after = childrenCpuSeconds();
  return { result, cpu: before === null || after === null ? null : after - before };
}

/** Raw inserts of `rows`: rows per second of wall clock and of this process's CPU time. */
function rawInserts(path: string, rows: (string | number | null)[][]): { rate: number; cpuRate: number } {
  removeDb(path);
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.exec(`CREATE TABLE monthly_reports (id INTEGER PRIMARY KEY, district_id INTEGER NOT NULL, month TEXT NOT NULL, ${VALUE_COLUMNS.map((c) => `${c} INTEGER`).join(', ')}, note TEXT, updated_at TEXT NOT NULL);
    CREATE UNIQUE INDEX uq ON monthly_reports (district_id, month); CREATE INDEX month_idx ON monthly_reports (month);`);
  const insert = sqlite.prepare(
    `INSERT INTO monthly_reports (district_id, month, ${VALUE_COLUMNS.join(', ')}, note, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const now = new Date().toISOString();
  const started = performance.now();
  const cpu = process.cpuUsage();
  sqlite.transaction(() => {
    for (const r of rows) insert.run(r[0], r[1], ...r.slice(2, 10), r[10], now);
  })();
  const used = process.cpuUsage(cpu);
  const rate = rows.length / ((performance.now() - started) / 1000);
  sqlite.close();
  removeDb(path);
  return { rate, cpuRate: rows.length / ((used.user + used.system) / 1e6) };
}

/**
 * Builds the checkout once (`npm run build`: tsc into dist/), so that P4 runs the CLI as a
 * deployment does (`node dist/cli.js`), not through tsx, which transpiles every module at
 * start-up. A checkout without a build configuration is run through tsx.
 */
function buildCompiledCli(): Promise<string> {
  if (!existsSync(join(ROOT, 'tsconfig.build.json'))) return Promise.resolve('tsx (no tsconfig.build.json in this checkout)');
  const started = performance.now();
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  return new Promise((resolveBuild, reject) => {
    const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      // tsc still writes JavaScript when a type check fails elsewhere (noEmitOnError is off): say so, and measure it.
      if (!existsSync(join(ROOT, 'dist/cli.js'))) reject(new Error(`npm run build wrote no dist/cli.js (${code}): ${out.slice(-2000)}`));
      else
        resolveBuild(
          `node dist/cli.js (npm run build ${fmt((performance.now() - started) / 1000, 1)} s${code === 0 ? '' : `, tsc exit ${code}: type errors`})`,
        );
    });
  });
}

/** Runs the checkout's compiled CLI (`node dist/cli.js`), as runCli runs the sources. */
function runCompiledCli(cliArgs: string[], env: Record<string, string>): Promise<{ code: number; out: string; ms: number }> {
  if (!existsSync(join(ROOT, 'tsconfig.build.json'))) return runCli(cliArgs, env);
  const started = performance.now();
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), ...cliArgs], {
      cwd: ROOT,
      // As runCli: NODE_ENV=production would ask for a session secret, which the CLI does not use.
      env: { ...process.env, NODE_ENV: 'development', MIMAMORI_DEMO: 'off', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code: code ?? -1, out, ms: performance.now() - started }));
  });
}

async function p4(): Promise<void> {
  const months = monthsOfYears(FIRST_FY, LAST_FY);
  const districtsN = Math.ceil(IMPORT_ROWS / months.length);
  console.log(`\nP4 取り込み（cli import monthly、${fmt(IMPORT_ROWS)} 行）と、同じ行の生の INSERT（1トランザクション、準備済み文）: ${ROUNDS} 回（交互）`);
  const base = await cachedDb(`import-base-${districtsN}`, (path) =>
    generatedCity(path, { wards: 10, districts: districtsN, firstFy: 1, lastFy: 0, codePrefix: 'I', registers: false }, false),
  );
  console.log(`  CLI: ${await buildCompiledCli()}`);
  const rows: (string | number | null)[][] = [];
  const csv: string[] = [['district_code', 'month', ...VALUE_COLUMNS, 'note'].join(',')];
  outer: for (let d = 0; d < districtsN; d++) {
    for (let m = 0; m < months.length; m++) {
      if (rows.length >= IMPORT_ROWS) break outer;
      const values = monthlyValues(d, m);
      const note = m % 12 === 0 ? '年度はじめ' : '';
      rows.push([d + 1, itemAt(months, m, 'months'), ...values, note || null]);
      csv.push([districtCode('I', d), months[m], ...values, note].join(','));
    }
  }
  // A probe of a twentieth of the rows first: when the whole file would take more than 30 s
  // per round (an old importer on a busy machine), the rounds import fewer rows.
  const probePath = join(RUN_DIR, 'p4-probe.csv');
  const probeRows = Math.ceil(rows.length / 20);
  writeFileSync(probePath, csv.slice(0, probeRows + 1).join('\n') + '\n');
  copyDb(base, join(RUN_DIR, 'p4.db'));
  const probeStartup = await runCompiledCli(['help'], { DATABASE_PATH: join(RUN_DIR, 'p4.db') });
  const probe = await runCompiledCli(['import', 'monthly', probePath], { DATABASE_PATH: join(RUN_DIR, 'p4.db') });
  if (probe.code !== 0) throw new Error(`cli import failed (${probe.code}): ${probe.out.slice(-2000)}`);
  const projectedMs = Math.max(0, probe.ms - probeStartup.ms) * 20 + probeStartup.ms;
  if (projectedMs > 30_000) {
    const fit = Math.max(probeRows, Math.floor((rows.length * 30_000) / projectedMs));
    console.log(
      `  the probe (${fmt(probeRows)} rows) took ${fmt(probe.ms / 1000, 1)} s: each round imports the first ${fmt(fit)} rows, not ${fmt(rows.length)}`,
    );
    rows.length = fit;
    csv.length = fit + 1;
  }
  const csvPath = join(RUN_DIR, 'p4.csv');
  writeFileSync(csvPath, csv.join('\n') + '\n');
  const f = { app: [] as number[], appNet: [] as number[], raw: [] as number[], ratio: [] as number[], ratioNet: [] as number[], startup: [] as number[] };
  // The same in CPU time (Linux): the CLI's CPU seconds against the raw inserts' own, less exposed
  // than the wall clock to whatever else a shared machine runs.
  const c = { app: [] as number[], appNet: [] as number[], raw: [] as number[], ratio: [] as number[], ratioNet: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const dbPath = join(RUN_DIR, 'p4.db');
    copyDb(base, dbPath);
    const { result: startup, cpu: startupCpu } = await childCpu(() => runCompiledCli(['help'], { DATABASE_PATH: dbPath }));
    const { result, cpu: importCpu } = await childCpu(() => runCompiledCli(['import', 'monthly', csvPath], { DATABASE_PATH: dbPath }));
    if (result.code !== 0) throw new Error(`cli import failed (${result.code}): ${result.out.slice(-2000)}`);
    const check = new Database(dbPath, { readonly: true });
    const imported = (check.prepare('SELECT count(*) AS n FROM monthly_reports').get() as { n: number }).n;
    check.close();
    if (imported !== rows.length) throw new Error(`imported ${imported} of ${rows.length} rows`);
    const { rate: raw, cpuRate: rawCpu } = rawInserts(join(RUN_DIR, 'p4-raw.db'), rows);
    f.startup.push(startup.ms);
    f.app.push(rows.length / (result.ms / 1000));
    f.appNet.push(rows.length / (Math.max(1, result.ms - startup.ms) / 1000));
    f.raw.push(raw);
    f.ratio.push((100 * rows.length) / (result.ms / 1000) / raw);
    // The raw side starts no process: the importer's own time against it, beside the wall clock.
    f.ratioNet.push((100 * f.appNet[f.appNet.length - 1]!) / raw);
    if (importCpu !== null && startupCpu !== null && importCpu > 0) {
      const app = rows.length / importCpu;
      const net = rows.length / Math.max(0.01, importCpu - startupCpu);
      c.app.push(app);
      c.appNet.push(net);
      c.raw.push(rawCpu);
      c.ratio.push((100 * app) / rawCpu);
      c.ratioNet.push((100 * net) / rawCpu);
    }
  }
  printFigures('  結果', [
    { label: 'cli import monthly, wall clock', unit: 'rows/s', samples: f.app },
    { label: 'the same, less the CLI start-up', unit: 'rows/s', samples: f.appNet },
    { label: 'CLI start-up (cli help)', unit: 'ms', samples: f.startup },
    { label: 'raw prepared INSERT, one transaction', unit: 'rows/s', samples: f.raw },
    { label: 'import (wall clock) / raw', unit: '%', samples: f.ratio, digits: 1 },
    { label: 'import (less start-up) / raw', unit: '%', samples: f.ratioNet, digits: 1 },
    { label: 'cli import monthly, CPU time', unit: 'rows/CPU s', samples: c.app },
    { label: 'the same, less the start-up CPU time', unit: 'rows/CPU s', samples: c.appNet },
    { label: 'raw prepared INSERT, CPU time', unit: 'rows/CPU s', samples: c.raw },
    { label: 'import / raw (CPU time)', unit: '%', samples: c.ratio, digits: 1 },
    { label: 'import (less start-up) / raw (CPU time)', unit: '%', samples: c.ratioNet, digits: 1 },
  ]);
  summary.push({
    path: `P4 cli import monthly, ${fmt(rows.length)} rows`,
    app: `${fmt(median(f.app))} rows/s (${fmt(median(f.appNet))} less start-up)`,
    baseline: `raw INSERT ${fmt(median(f.raw))} rows/s`,
    ratio:
      `${fmt(median(f.ratio), 1)} % (${fmt(median(f.ratioNet), 1)} % less start-up)` +
      (c.ratio.length > 0 ? `; CPU time ${fmt(median(c.ratio), 1)} % (${fmt(median(c.ratioNet), 1)} % less start-up)` : ''),
  });
}

// ---------------------------------------------------------------- main

const started = performance.now();
let gitHead = '';
try {
  gitHead = readFileSync(join(ROOT, '.git'), 'utf8').trim();
} catch {
  /* a normal .git directory */
}
const serverPhases = ['P1', 'P2', 'P3', 'P5'].some((p) => ONLY.has(p));
let serversHow = 'src/ through tsx (--tsx)';
if (USE_DIST && args.dist !== true && serverPhases && !args.prepare) {
  // Built once here (P4 builds again, incrementally): the servers run what a deployment runs.
  serversHow = await buildCompiledCli().then(
    (how) => `dist/ (${how.replace(/^node dist\/cli\.js \((.*)\)$/, '$1')})`,
    (err: unknown) => {
      USE_DIST = false;
      return `src/ through tsx: the build failed (${err instanceof Error ? err.message.slice(0, 300) : String(err)})`;
    },
  );
  if (!existsSync(join(ROOT, 'tsconfig.build.json'))) USE_DIST = false;
} else if (USE_DIST) serversHow = 'dist/ as it is (--dist)';
console.log(`みまもり ベンチマーク${QUICK ? '（--quick）' : ''}: ${ROOT}${gitHead ? ` [${gitHead}]` : ''}; servers run ${serversHow}`);
console.log(`Node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model ?? '?'}), ${fmt(mb(totalmem()))} MB, ${new Date().toISOString()}`);
console.log(`generated databases: ${CACHE_DIR}`);
if (args.prepare) {
  await demoDb();
  await nationalDb();
  process.exit(0);
}
/** A phase that fails (the checkout's code broken mid-change) is reported, and the others still run. */
async function phase(name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    console.log(`\n${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    summary.push({ path: name, app: 'failed (see above)', baseline: '—', ratio: '—' });
  }
}
if (ONLY.has('P1') || ONLY.has('P5')) await phase('P1', p1);
if (ONLY.has('P2') || ONLY.has('P5')) await phase('P2', p2);
if (ONLY.has('P3')) await phase('P3', p3);
if (ONLY.has('P4')) await phase('P4', p4);

console.log('\nP5 サーバーのメモリ');
for (const m of p5Figures) console.log(`  ${m.label.padEnd(46)} RSS ${fmt(mb(m.rss))} MB (peak ${fmt(mb(m.peak))} MB)`);
for (const m of p5Figures) summary.push({ path: `P5 ${m.label}`, app: `${fmt(mb(m.rss))} MB (peak ${fmt(mb(m.peak))} MB)`, baseline: '—', ratio: '—' });

console.log('\n| path | the app (median of 3) | baseline in the same run | ratio |\n|---|---|---|---|');
for (const s of summary) console.log(`| ${s.path} | ${s.app} | ${s.baseline} | ${s.ratio} |`);
console.log(`\n${fmt((performance.now() - started) / 1000)} s in all`);
rmSync(RUN_DIR, { recursive: true, force: true });
