// A server process for the benchmark (plain JavaScript, so that a compiled app
// runs without the TypeScript loader). It builds the app of BENCH_APP_ROOT in
// production mode on BENCH_DB, signs the bench user in through `inject` (as a
// browser behind the TLS-terminating proxy would), listens on 127.0.0.1 and
// reports the cookie, a CSRF token and its memory over IPC.
//
//   node [--import tsx] bench/server.mjs        (driven by bench/run.ts)
//
// Messages from the parent: { type: 'rss' } → { type: 'rss', rss, peak, usage, commits } (usage:
// process.memoryUsage(); commits: the group commit's batches and units, where the checkout has them).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.env.BENCH_APP_ROOT;
const dbPath = process.env.BENCH_DB;
const login = process.env.BENCH_LOGIN;
const password = process.env.BENCH_PASSWORD;
const useDist = process.env.BENCH_DIST === '1';
const SECRET = 'bench-session-secret-'.padEnd(48, 'x');

const mod = (path) => import(pathToFileURL(join(root, useDist ? 'dist' : 'src', useDist ? path.replace(/\.ts$/, '.js') : path)).href);

/** Peak and current resident set size of this process, in bytes (Linux). */
function memory() {
  const status = existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '';
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: process.memoryUsage().rss, peak: kb('VmHWM') };
}

const { buildApp } = await mod('app.ts');
const { configSchema } = await mod('config.ts');
const { openDatabase } = await mod('db/index.ts');

// TRUST_PROXY: one proxy hop (current config) or `true` (older config).
const base = { NODE_ENV: 'production', SESSION_SECRET: SECRET, DATABASE_PATH: dbPath, MIMAMORI_DEMO: 'off', LOG_LEVEL: 'silent' };
let config;
for (const trust of ['1', 'true']) {
  const parsed = configSchema.safeParse({ ...base, TRUST_PROXY: trust });
  if (parsed.success) {
    config = parsed.data;
    break;
  }
}
if (!config) throw new Error('no configuration the app accepts');

const database = await openDatabase(dbPath);
// The group commit of monthly saves (older checkouts have none): batches and units, for units per commit.
const groupCommit = await mod('db/groupCommit.ts').then(
  (m) => m.groupCommitOf?.(database),
  () => undefined,
);
const app = await buildApp({ config, database, sessionSecret: SECRET, logger: false });
await app.ready();

// Sign in through the app itself: GET /login for the CSRF token, POST /login.
const https = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '127.0.0.1' };
let cookie = '';
const remember = (setCookie) => {
  for (const c of [setCookie ?? []].flat()) {
    const pair = c.split(';')[0];
    if (pair.includes('mimamori')) cookie = pair;
  }
};
const csrfOf = (body) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
const loginPage = await app.inject({ method: 'GET', url: '/login', headers: https });
remember(loginPage.headers['set-cookie']);
const signIn = await app.inject({
  method: 'POST',
  url: '/login',
  headers: { ...https, cookie, 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams({ _csrf: csrfOf(loginPage.body), login, password }).toString(),
});
remember(signIn.headers['set-cookie']);
if (signIn.statusCode !== 303) throw new Error(`sign-in failed: ${signIn.statusCode} ${signIn.body.slice(0, 300)}`);
// A CSRF token of this session, from a page with a form.
const page = await app.inject({ method: 'GET', url: process.env.BENCH_CSRF_PAGE || '/account/password', headers: { ...https, cookie } });
remember(page.headers['set-cookie']);
const csrf = csrfOf(page.body);

const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.on('message', (message) => {
  if (message?.type === 'rss')
    process.send({ type: 'rss', ...memory(), usage: process.memoryUsage(), commits: groupCommit?.stats ? { ...groupCommit.stats } : null });
});
process.on('SIGTERM', () => {
  app.close().finally(() => process.exit(0));
});
// The bench process went away (stopped, crashed): do not outlive it.
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', url: address, cookie, csrf, ...memory() });
