/**
 * Monthly saves that arrive together share one synced commit (issue 9, item 8),
 * and each save is answered only after that commit: on a file database in WAL
 * with synchronous=FULL, as in production, commits counted in the WAL itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { configSchema } from '../../src/config.js';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import type { FastifyInstance } from 'fastify';
import { seedSmallCity, signedIn, TEST_SCRYPT } from '../support/app.js';
import { walCommits } from '../db/walCommits.js';
import { formFields, monthlyAuditCount, monthsAgo, report } from './helpers.js';

let dir: string;
let path: string;
let database: Database$;
let app: FastifyInstance;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mimamori-saves-'));
  path = join(dir, 'mimamori.db');
  database = await openDatabase(path);
  // The WAL keeps every frame while a test counts commits.
  database.sqlite.pragma('wal_autocheckpoint = 0');
  const config = configSchema.parse({ NODE_ENV: 'test', DATABASE_PATH: path, MIMAMORI_DEMO: 'off' });
  app = await buildApp({ config, database, sessionSecret: 'x'.repeat(64), passwordParams: TEST_SCRYPT });
  await app.ready();
  ids = await seedSmallCity(database);
});

afterEach(async () => {
  await app.close();
  database.sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The watched-elderly count of a district-month as another connection sees it (committed data only). */
function committedWatchedElderly(districtId: number, month: string): number | null {
  const reader = new Database(path, { readonly: true });
  try {
    const row = reader.prepare('SELECT watched_elderly FROM monthly_reports WHERE district_id = ? AND month = ?').get(districtId, month) as
      { watched_elderly: number | null } | undefined;
    return row?.watched_elderly ?? null;
  } finally {
    reader.close();
  }
}

const month = monthsAgo(2);

describe('monthly saves arriving together', () => {
  it('are written in one synced commit, and each is answered only once it is committed', async () => {
    const city = await signedIn(app, 'city');
    const ward = await signedIn(app, 'ward-east');
    const district = await signedIn(app, 'district-w01');
    const before = walCommits(path);
    const seenAtAnswer: (number | null)[] = [];
    const saves = [
      [city, 'E01', ids.d1, '11'],
      [ward, 'E02', ids.d2, '22'],
      [district, 'W01', ids.d3, '33'],
    ] as const;
    const responses = await Promise.all(
      saves.map(([client, code, districtId, value]) =>
        client.post(`/districts/${code}/reports/${month}`, formFields({ watched_elderly: value })).then((res) => {
          seenAtAnswer.push(committedWatchedElderly(districtId, month));
          return res;
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual([303, 303, 303]);
    // Answered after the commit: another connection already saw each save when its answer came.
    expect(seenAtAnswer.sort()).toEqual([11, 22, 33]);
    expect(walCommits(path) - before).toBe(1);
    // The message after the redirect is still there, and no session row was written for it.
    for (const res of responses) expect(res.cookies.some((c) => c.name === 'mimamori-flash')).toBe(true);
    expect(report(database, ids.d1, month)?.watchedElderly).toBe(11);
    expect(monthlyAuditCount(database)).toBe(3);
  });

  it('keeps two saves of the same month apart: the second sees the first and gets the conflict page', async () => {
    const city = await signedIn(app, 'city');
    const ward = await signedIn(app, 'ward-east');
    const url = `/districts/E01/reports/${month}`;
    const before = walCommits(path);
    // Both edited the empty month (version 0).
    const responses = await Promise.all([city.post(url, formFields({ watched_elderly: '100' })), ward.post(url, formFields({ watched_elderly: '200' }))]);
    expect(responses.map((r) => r.statusCode).sort()).toEqual([303, 409]);
    const saved = responses.findIndex((r) => r.statusCode === 303);
    expect(responses[1 - saved]!.body).toContain('ほかの人がこの月の報告を保存しました');
    expect(walCommits(path) - before).toBe(1);
    expect(committedWatchedElderly(ids.d1, month)).toBe(saved === 0 ? 100 : 200);
    expect(report(database, ids.d1, month)?.version).toBe(1);
    expect(monthlyAuditCount(database)).toBe(1);
  });
});
