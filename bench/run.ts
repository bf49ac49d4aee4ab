/**
 * `npm run bench`: prints how fast the heavy paths are on this machine, on a
 * city of 130 districts with 10 fiscal years of monthly reports. Bounded in
 * time and size; it asserts nothing (CONVENTIONS: a benchmark prints figures).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.js';
import { configSchema } from '../src/config.js';
import { backupDatabase, openDatabase } from '../src/db/index.js';
import { districts, monthlyReports, plans, salons, users, wards } from '../src/db/schema.js';
import { hashPassword, OWASP_SCRYPT, verifyPassword, type ScryptParams } from '../src/auth/passwords.js';
import { COUNT_FIELDS, saveMonthlyReport, type MonthlyValues } from '../src/monthlyReports/repository.js';
import { loadTrendTable, resolveScope } from '../src/trends/repository.js';
import { DEFAULT_THRESHOLDS } from '../src/domain/trend.js';
import { monthsOfFiscalYear } from '../src/domain/fiscalYear.js';

const WARDS = 7;
const DISTRICTS = 130;
const FIRST_FY = 2016;
const LAST_FY = 2025;
const SAVE_BUDGET_MS = 8_000; // measured single saves stop after this long …
const SAVE_MAX = 2_000; // … or this many
const CHEAP: ScryptParams = { N: 1024, r: 8, p: 1 };
const PASSWORD = 'bench-password-1234';

const rows: [string, string][] = [];
const report = (what: string, figure: string) => {
  rows.push([what, figure]);
  console.log(`  ${what.padEnd(58)} ${figure}`);
};

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms (n=${samples.length})`;
}

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const result = fn();
  return [result, performance.now() - start];
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
}

/** Plausible counts that drift slowly, so the series look like a real city's. */
function valuesFor(d: number, monthIndex: number): MonthlyValues {
  const base = 80 + ((d * 37) % 400);
  const drift = 1 + monthIndex / 1200;
  const v = (k: number) => Math.round((base / k) * drift);
  return {
    watched_elderly: v(1),
    watched_disability: v(8),
    watched_single_parent: v(15),
    watched_other: v(30),
    welfare_cooperators: v(4),
    mutual_aid_cases: v(6),
    coordination_meetings: monthIndex % 2,
    well_club_participants: v(2),
    note: monthIndex % 12 === 0 ? '年度はじめ' : null,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'mimamori-bench-'));
try {
  console.log(`みまもり ベンチマーク: ${DISTRICTS} 校(地)区 × ${LAST_FY - FIRST_FY + 1} 年度（${FIRST_FY}〜${LAST_FY}）, Node ${process.version}`);
  const database = await openDatabase(join(dir, 'bench.db'));
  const { db } = database;
  const now = new Date().toISOString();

  // Geography and users.
  const wardIds = Array.from({ length: WARDS }, (_, w) => db.insert(wards).values({ name: `第${w + 1}区`, kana: `だい${w + 1}く`, sortOrder: w }).returning({ id: wards.id }).get().id);
  const districtIds = Array.from(
    { length: DISTRICTS },
    (_, d) =>
      db
        .insert(districts)
        .values({ code: `B${String(d).padStart(3, '0')}`, name: `ベンチ${d}校区`, kana: `べんち${d}`, wardId: wardIds[d % WARDS] })
        .returning({ id: districts.id })
        .get().id,
  );
  const cityHash = await hashPassword(PASSWORD, CHEAP);
  const cityId = db.insert(users).values({ login: 'bench-city', displayName: 'ベンチ', passwordHash: cityHash, role: 'city', createdAt: now }).returning({ id: users.id }).get().id;

  const months = Array.from({ length: LAST_FY - FIRST_FY + 1 }, (_, i) => monthsOfFiscalYear(FIRST_FY + i)).flat();
  const cells = districtIds.flatMap((id, d) => months.map((month, m) => ({ id, d, month, m })));

  // 1. Monthly saves through the one write path (own transaction, audit row, fsync each).
  console.log('\n月次報告の保存');
  const saveTimes: number[] = [];
  const budgetEnd = performance.now() + SAVE_BUDGET_MS;
  let saved = 0;
  for (const c of cells) {
    if (saved >= SAVE_MAX || performance.now() > budgetEnd) break;
    const [, ms] = time(() => saveMonthlyReport(db, { districtId: c.id, month: c.month, values: valuesFor(c.d, c.m), expectedVersion: 0, userId: cityId }));
    saveTimes.push(ms);
    saved++;
  }
  const total = saveTimes.reduce((a, b) => a + b, 0);
  report('saveMonthlyReport, one at a time (synchronous=FULL)', `${(saved / (total / 1000)).toFixed(0)} saves/s; ${stats(saveTimes)}`);

  // The rest in one transaction, only to build the data set quickly.
  const [, bulkMs] = time(() =>
    db.transaction((tx) => {
      for (const c of cells.slice(saved)) {
        const v = valuesFor(c.d, c.m);
        tx.insert(monthlyReports)
          .values({
            districtId: c.id,
            month: c.month,
            watchedElderly: v.watched_elderly,
            watchedDisability: v.watched_disability,
            watchedSingleParent: v.watched_single_parent,
            watchedOther: v.watched_other,
            welfareCooperators: v.welfare_cooperators,
            mutualAidCases: v.mutual_aid_cases,
            coordinationMeetings: v.coordination_meetings,
            wellClubParticipants: v.well_club_participants,
            note: v.note,
            updatedAt: now,
          })
          .run();
      }
      districtIds.forEach((id, d) => {
        for (let s = 0; s < 1 + (d % 4); s++) tx.insert(salons).values({ districtId: id, name: `サロン${s}`, openedOn: `${2012 + s}-05-01`, closedOn: s === 3 ? '2021-03-31' : null }).run();
        tx.insert(plans).values({ districtId: id, generation: 1, formulatedFy: 2015 + (d % 6), firstFy: 2016 + (d % 6), lastFy: 2020 + (d % 6) }).run();
      });
    }),
  );
  report(`bulk insert of the other ${cells.length - saved} reports (one transaction)`, `${bulkMs.toFixed(0)} ms`);

  // 2. The citywide rollup behind every trend table.
  console.log('\n推移表の集計（loadTrendTable）');
  const city = resolveScope(db, 'city')!;
  const ward = resolveScope(db, 'ward:第1区')!;
  for (const [label, scope, kind] of [
    ['city, ① – ⑦, 10 years', city, 'items'],
    ['city, households, 10 years', city, 'households'],
    ['one ward, ① – ⑦, 10 years', ward, 'items'],
  ] as const) {
    const samples: number[] = [];
    for (let i = 0; i < 15; i++) samples.push(time(() => loadTrendTable(db, scope, { kind, fromFy: FIRST_FY, toFy: LAST_FY, basis: 'slope', thresholds: DEFAULT_THRESHOLDS }))[1]);
    report(label, stats(samples));
  }

  // 3. Pages through the real app (inject: no network, but routing, session store, templates).
  console.log('\n画面（app.inject、ログイン済み）');
  const config = configSchema.parse({ NODE_ENV: 'production', SESSION_SECRET: 'b'.repeat(48), TRUST_PROXY: 'true', DATABASE_PATH: join(dir, 'bench.db'), MIMAMORI_DEMO: 'off' });
  const app = await buildApp({ config, database, sessionSecret: 'b'.repeat(48), passwordParams: CHEAP });
  await app.ready();
  const https = { 'x-forwarded-proto': 'https' };
  let cookie = '';
  const remember = (setCookie: string | string[] | undefined) => {
    for (const c of [setCookie ?? []].flat()) if (c.startsWith('__Host-mimamori=')) cookie = c.split(';')[0];
  };
  const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
  const loginPage = await app.inject({ method: 'GET', url: '/login', headers: https });
  remember(loginPage.headers['set-cookie']);
  const signIn = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { ...https, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrfOf(loginPage.body), login: 'bench-city', password: PASSWORD }).toString(),
  });
  remember(signIn.headers['set-cookie']);
  if (signIn.statusCode !== 303) throw new Error(`sign-in failed: ${signIn.statusCode}`);
  for (const [label, url] of [
    ['GET /trends (city, 10 years)', `/trends?scope=city&from=${FIRST_FY}&to=${LAST_FY}`],
    ['GET /trends/households (city)', `/trends/households?scope=city&from=${FIRST_FY}&to=${LAST_FY}`],
    ['GET /api/trends (city, JSON)', `/api/trends?scope=city&from=${FIRST_FY}&to=${LAST_FY}`],
    ['GET /completeness (city)', '/completeness'],
    ['GET /districts (130 districts)', '/districts'],
  ] as const) {
    const samples: number[] = [];
    let status = 0;
    for (let i = 0; i < 20; i++) {
      const [res, ms] = await timeAsync(() => app.inject({ method: 'GET', url, headers: { ...https, cookie } }));
      status = res.statusCode;
      samples.push(ms);
    }
    report(`${label} → ${status}`, stats(samples));
  }

  // 4. Monthly saves through the form (CSRF, session, validation, plausibility, write, redirect).
  const form = await app.inject({ method: 'GET', url: '/districts/B000/reports/2026-04', headers: { ...https, cookie } });
  const csrf = csrfOf(form.body) || csrfOf((await app.inject({ method: 'GET', url: '/', headers: { ...https, cookie } })).body);
  const postTimes: number[] = [];
  const statuses = new Map<number, number>();
  const postEnd = performance.now() + SAVE_BUDGET_MS;
  for (let d = 0; d < DISTRICTS && performance.now() < postEnd; d++) {
    const values = valuesFor(d, months.length + 1);
    const fields: Record<string, string> = { _csrf: csrf, version: '0', note: '' };
    for (const f of COUNT_FIELDS) fields[f] = String(values[f] ?? '');
    const [res, ms] = await timeAsync(() =>
      app.inject({
        method: 'POST',
        url: `/districts/B${String(d).padStart(3, '0')}/reports/2026-04`,
        headers: { ...https, cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      }),
    );
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    postTimes.push(ms);
  }
  report(`POST /districts/:code/reports/:month (statuses ${JSON.stringify(Object.fromEntries(statuses))})`, stats(postTimes));
  await app.close();

  // 5. Password hashing at the app's cost, and a backup of the whole data set.
  console.log('\nパスワードとバックアップ');
  const [owaspHash, hashMs] = await timeAsync(() => hashPassword(PASSWORD, OWASP_SCRYPT));
  const [, verifyMs] = await timeAsync(() => verifyPassword(PASSWORD, owaspHash));
  report('scrypt N=2^17 r=8 p=1: hash / verify (one sign-in)', `${hashMs.toFixed(0)} ms / ${verifyMs.toFixed(0)} ms`);
  const [, backupMs] = await timeAsync(() => backupDatabase(database.sqlite, join(dir, 'backup.db')));
  const pages = database.sqlite.pragma('page_count', { simple: true }) as number;
  const pageSize = database.sqlite.pragma('page_size', { simple: true }) as number;
  report(`online backup of ${((pages * pageSize) / 1024 / 1024).toFixed(1)} MiB (with integrity check)`, `${backupMs.toFixed(0)} ms`);
  database.sqlite.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
