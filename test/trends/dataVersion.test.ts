/**
 * A warm trend page reads the data version once (issue 9, item 6): the scope
 * guard's read is the request's, and the route and every cache it asks use it.
 * A write still shows on the next request.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { dataVersionOf, FiguresCache, requestDataVersion } from '../../src/trends/cache.js';
import { createTestApp, monthlyValues, seedSmallCity, signedIn, type TestContext } from '../support/app.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  saveMonthlyReport(ctx.database.db, { districtId: ids.d1, month: '2023-06', values: monthlyValues({ watched_elderly: 40 }), userId: null });
});
afterEach(async () => ctx.close());

describe('the data version of a request', () => {
  it('is read once by a warm /trends, /trends/households and /api/trends, and a write shows at once', async () => {
    const city = await signedIn(ctx.app, 'city');
    const reader = dataVersionOf(ctx.database.sqlite);
    const urls = ['/trends?scope=city&from=2022&to=2023', '/trends/households?scope=city&from=2022&to=2023', '/api/trends?scope=city&from=2022&to=2023'];
    for (const url of urls) expect((await city.get(url)).statusCode).toBe(200);
    for (const url of urls) {
      const before = reader.reads;
      expect((await city.get(url)).statusCode).toBe(200);
      expect(reader.reads - before, url).toBe(1);
    }
    saveMonthlyReport(ctx.database.db, { districtId: ids.d1, month: '2024-03', values: monthlyValues({ watched_elderly: 1234 }), userId: null });
    expect((await city.get('/trends?scope=city&from=2022&to=2023')).body).toContain('1,234');
    expect((await city.get('/api/trends?scope=city&from=2022&to=2023')).body).toContain('1234');
  });

  it('is read once per request object, whichever cache asks first', () => {
    const sqlite = ctx.database.sqlite;
    const reader = dataVersionOf(sqlite);
    const request = {};
    const before = reader.reads;
    const v = requestDataVersion(sqlite, request);
    saveMonthlyReport(ctx.database.db, { districtId: ids.d1, month: '2023-07', values: monthlyValues({ watched_elderly: 41 }), userId: null });
    // The same request keeps the version of its start; a new request sees the write.
    expect(requestDataVersion(sqlite, request)).toBe(v);
    expect(requestDataVersion(sqlite, {})).toBeGreaterThan(v);
    expect(reader.reads - before).toBe(2);
  });
});

describe('a figures cache asked with a version', () => {
  it('never serves an entry built before a newer version it was given, and serves newer entries to an older version', () => {
    const sqlite = new Database(':memory:');
    try {
      sqlite.exec('CREATE TABLE data_version (id INTEGER PRIMARY KEY, version INTEGER NOT NULL); INSERT INTO data_version VALUES (1, 5)');
      const cache = new FiguresCache(sqlite);
      let data = 'five';
      expect(cache.get('k', () => data, 5)).toBe('five');
      // A write: the data and its version move on.
      data = 'six';
      sqlite.exec('UPDATE data_version SET version = 6');
      // A request that began before the write may be served what the cache holds …
      expect(cache.get('k', () => data, 5)).toBe('five');
      // … and one that began after it never sees the older entry.
      expect(cache.get('k', () => data, 6)).toBe('six');
      // A request that began before the write, asking now, gets the newer entry rather than emptying the cache again.
      expect(cache.get('k', () => 'rebuilt', 5)).toBe('six');
      expect(cache.stats().invalidations).toBe(1);
    } finally {
      sqlite.close();
    }
  });
});
