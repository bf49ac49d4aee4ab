import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/db/index.js';
import { addDistrict, addUser, addWard, TEST_PASSWORD } from '../support/app.js';

/*
 * Crash safety (DESIGN §7 "an acknowledged save survives a crash"): the real
 * app in a child process, twenty clients saving monthly reports at once,
 * SIGKILL in the middle, restart, and every save that was answered 303 must be
 * there with its values. Three rounds in one run. The child is `src/server.ts`
 * itself, with real (OWASP-cost) password hashing: the test users' cheap
 * hashes are upgraded at their first sign-in, and their sessions then survive
 * the crashes, so only the first round pays for the hashing.
 */

const CLIENTS = 20;
const ROUNDS = 3;
const MAX_SAVES_PER_CLIENT_PER_ROUND = [90, 50, 50];
const FIRST_MONTH = { year: 2010, month: 4 };

const root = process.cwd();
let dir: string;
let dbPath: string;
let backupPath: string;
let port: number;
const children = new Set<ChildProcess>();

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function env(): NodeJS.ProcessEnv {
  return { ...process.env, NODE_ENV: 'test', DATABASE_PATH: dbPath, PORT: String(port), HOST: '127.0.0.1', MIMAMORI_DEMO: 'off' };
}

/** Starts the app as a child process and waits (bounded) until it answers. */
async function startServer(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: root, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout.on('data', (d) => (output += String(d)));
  child.stderr.on('data', (d) => (output += String(d)));
  child.once('exit', () => children.delete(child));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/login`, { redirect: 'manual', signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return child;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start within 90 s:\n${output}`);
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** A browser-like client: its own cookie jar, redirects not followed. */
class HttpClient {
  private cookies = new Map<string, string>();
  csrf = '';
  constructor(readonly login: string) {}

  private remember(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      if (pair === undefined) throw new Error('empty Set-Cookie header');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }

  async send(path: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ status: number; location: string | null; body: string }> {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ _csrf: this.csrf, ...init.form }).toString();
    }
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    this.remember(res);
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, location: res.headers.get('location'), body: text };
  }

  /** Keeps a session that survived the crash (sessions live in the database); signs in otherwise. */
  async ensureSignedIn(): Promise<void> {
    const home = await this.send('/');
    if (home.status !== 200) await this.signIn();
  }

  async signIn(): Promise<void> {
    await this.send('/login');
    const res = await this.send('/login', { method: 'POST', form: { login: this.login, password: TEST_PASSWORD } });
    if (res.status !== 303) throw new Error(`sign-in of ${this.login} failed: ${res.status}`);
    await this.send('/');
  }
}

/** Runs the command line against the live database and waits for it (bounded). */
function runCli(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, output });
    });
  });
}

/** The backup is whole and one point in time, and holds every save acknowledged before it started. */
function checkBackup(acknowledgedBefore: Save[]): void {
  const copy = new Database(backupPath, { readonly: true, fileMustExist: true });
  try {
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.pragma('foreign_key_check')).toEqual([]);
    const reports = (copy.prepare('SELECT count(*) AS n FROM monthly_reports').get() as { n: number }).n;
    const audits = (copy.prepare("SELECT count(*) AS n FROM audit_events WHERE entity = 'monthly_report'").get() as { n: number }).n;
    expect(reports).toBe(audits);
    expect(reports).toBeGreaterThanOrEqual(acknowledgedBefore.length);
    const find = copy.prepare('SELECT r.note FROM monthly_reports r JOIN districts d ON d.id = r.district_id WHERE d.code = ? AND r.month = ?');
    for (const s of acknowledgedBefore) expect((find.get(s.code, s.month) as { note: string } | undefined)?.note).toBe(s.note);
  } finally {
    copy.close();
  }
}

function monthAt(index: number): string {
  const total = FIRST_MONTH.year * 12 + (FIRST_MONTH.month - 1) + index;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

interface Save {
  client: number;
  code: string;
  month: string;
  note: string;
  elderly: number;
}

function valuesFor(client: number, month: string) {
  return {
    watched_elderly: String(100 + client),
    watched_disability: '12',
    watched_single_parent: '３',
    watched_other: '1,234',
    welfare_cooperators: '40',
    mutual_aid_cases: '7',
    coordination_meetings: '1',
    well_club_participants: '55',
    note: `client ${client} ${month} 確認済み`,
    version: '0',
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mimamori-crash-'));
  dbPath = join(dir, 'mimamori.db');
  backupPath = join(dir, 'backups', 'during-writes.db');
  port = await freePort();
  const database = await openDatabase(dbPath);
  const ward = addWard(database, '中央区');
  for (let i = 0; i < CLIENTS; i++) {
    const code = `C${String(i).padStart(2, '0')}`;
    const districtId = addDistrict(database, { code, name: `中央${i}校区`, wardId: ward });
    await addUser(database, { login: `volunteer-${i}`, role: 'district', districtId });
  }
  database.sqlite.close();
});

afterAll(async () => {
  await Promise.all([...children].map(killHard));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('crash safety with the real server in a child process', () => {
  it(`every acknowledged save survives SIGKILL (${ROUNDS} rounds, ${CLIENTS} concurrent clients)`, async () => {
    const clients = Array.from({ length: CLIENTS }, (_, i) => new HttpClient(`volunteer-${i}`));
    const nextMonth = Array.from({ length: CLIENTS }, () => 0);
    /** The next month client i saves (each client walks its own months). */
    const takeMonth = (i: number): string => {
      const taken = nextMonth[i];
      if (taken === undefined) throw new Error(`no client ${i}`);
      nextMonth[i] = taken + 1;
      return monthAt(taken);
    };
    const acknowledged: Save[] = [];
    const roundsSummary: { acknowledged: number; inFlightAtKill: number }[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      const server = await startServer();
      // Sessions live in the database, so after a crash the clients keep them; they sign in only when theirs is gone.
      await Promise.all(clients.map((c) => c.ensureSignedIn()));

      let ackThisRound = 0;
      let inFlight = 0;
      let killed = false;
      const killAfter = 40 + Math.floor(Math.random() * 40);
      const maxSaves = MAX_SAVES_PER_CLIENT_PER_ROUND[round];
      if (maxSaves === undefined) throw new Error(`no save limit for round ${round}`);

      const work = clients.map(async (client, i) => {
        const code = `C${String(i).padStart(2, '0')}`;
        for (let n = 0; n < maxSaves && !killed; n++) {
          const month = takeMonth(i);
          const form = valuesFor(i, month);
          inFlight++;
          try {
            const res = await client.send(`/districts/${code}/reports/${month}`, { method: 'POST', form });
            if (res.status === 303 && res.location?.startsWith(`/districts/${code}`)) {
              acknowledged.push({ client: i, code, month, note: form.note, elderly: 100 + i });
              ackThisRound++;
            } else if (!killed) {
              throw new Error(`unexpected answer for ${code} ${month}: ${res.status} ${res.location ?? ''}\n${res.body.slice(0, 500)}`);
            }
          } catch (err) {
            if (!killed) throw err;
            return; // the server is gone: this save's outcome is unknown, which is allowed
          } finally {
            inFlight--;
          }
        }
      });

      // In the first round, `npm run cli -- backup` runs while the clients write.
      if (round === 0) {
        const ready = Date.now() + 60_000;
        while (ackThisRound < 10 && Date.now() < ready) await sleep(5);
        const before = [...acknowledged];
        const result = await runCli(['backup', backupPath]);
        expect(result.code, result.output).toBe(0);
        expect(result.output).toContain('バックアップを作成しました');
        checkBackup(before);
      }

      // Kill in the middle of the traffic (bounded wait).
      const deadline = Date.now() + 120_000;
      while (ackThisRound < killAfter && Date.now() < deadline) await sleep(5);
      const inFlightAtKill = inFlight;
      killed = true;
      await killHard(server);
      await Promise.all(work);
      roundsSummary.push({ acknowledged: ackThisRound, inFlightAtKill });
      expect(ackThisRound).toBeGreaterThanOrEqual(killAfter);
    }

    // Restart once more and look at what survived.
    const server = await startServer();
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      const find = db.prepare(
        'SELECT r.watched_elderly AS elderly, r.watched_other AS other, r.watched_single_parent AS singleParent, r.note, r.version, (SELECT count(*) FROM audit_events a WHERE a.entity = ? AND a.entity_id = CAST(r.id AS TEXT)) AS audits FROM monthly_reports r JOIN districts d ON d.id = r.district_id WHERE d.code = ? AND r.month = ?',
      );
      const missing: string[] = [];
      for (const s of acknowledged) {
        const row = find.get('monthly_report', s.code, s.month) as
          { elderly: number; other: number; singleParent: number; note: string; version: number; audits: number } | undefined;
        if (!row) missing.push(`${s.code} ${s.month} missing`);
        else if (row.elderly !== s.elderly || row.other !== 1234 || row.singleParent !== 3 || row.note !== s.note || row.audits !== 1) {
          missing.push(`${s.code} ${s.month} differs: ${JSON.stringify(row)}`);
        }
      }
      expect(missing).toEqual([]);
      // Nothing half-written: every stored report has exactly its one audit event.
      const orphans = db
        .prepare(
          "SELECT count(*) AS n FROM monthly_reports r WHERE (SELECT count(*) FROM audit_events a WHERE a.entity = 'monthly_report' AND a.entity_id = CAST(r.id AS TEXT)) <> 1",
        )
        .get() as { n: number };
      expect(orphans.n).toBe(0);
    } finally {
      db.close();
    }
    // The restarted server works: a client saves again.
    const again = new HttpClient('volunteer-0');
    await again.signIn();
    const month = takeMonth(0);
    const res = await again.send(`/districts/C00/reports/${month}`, { method: 'POST', form: valuesFor(0, month) });
    expect(res.status).toBe(303);
    await killHard(server);

    expect(roundsSummary).toHaveLength(ROUNDS);
    expect(acknowledged.length).toBeGreaterThanOrEqual(ROUNDS * 40);
    console.log(`crash test: ${JSON.stringify(roundsSummary)} — ${acknowledged.length} acknowledged saves checked`);
  }, 420_000);
});
