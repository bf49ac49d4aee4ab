/**
 * A warm trend page does only its own work (issue 9, item 6): after the first
 * request, GET /trends and /api/trends compile no SQL statement (the scope,
 * the default window and the scope picker come from a cache that the next
 * write empties), and a write still shows at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { addDistrict, createTestApp, monthlyValues, seedSmallCity, signedIn, type TestContext } from '../support/app.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  saveMonthlyReport(ctx.database.db, { districtId: ids.d1, month: '2023-06', values: monthlyValues({ watched_elderly: 40 }), userId: null });
});
afterEach(async () => ctx.close());

/** The SQL compiled on a connection while `run` runs. */
async function compiled<T>(sqlite: Database.Database, run: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = (source: string) => {
    statements.push(source);
    return prepare(source);
  };
  try {
    return { result: await run(), statements };
  } finally {
    sqlite.prepare = prepare;
  }
}

describe('a warm trend page', () => {
  it('compiles no statement, for the default window and a ward scope alike, until a write', async () => {
    const { sqlite } = ctx.database;
    const ward = await signedIn(ctx.app, 'ward-east');
    const city = await signedIn(ctx.app, 'city');
    const urls = ['/trends', `/trends?scope=${encodeURIComponent('ward:東区')}`, '/api/trends', '/trends/households?scope=district:E01'];
    for (const url of urls) expect((await city.get(url)).statusCode).toBe(200);
    expect((await ward.get('/trends')).statusCode).toBe(200);
    for (const url of urls) {
      const { result, statements } = await compiled(sqlite, () => city.get(url));
      expect(result.statusCode).toBe(200);
      expect(statements, url).toEqual([]);
    }
    const { statements } = await compiled(sqlite, () => ward.get('/trends'));
    expect(statements).toEqual([]);
    // A new district in 東区 shows in the picker at once; a ward user still sees only their own ward's.
    addDistrict(ctx.database, { code: 'E03', name: '東三校区', wardId: ids.wardA });
    expect((await city.get(`/trends?scope=${encodeURIComponent('ward:東区')}`)).body).toContain('value="district:E03"');
    expect((await ward.get('/trends')).body).toContain('value="district:E03"');
    expect((await ward.get('/trends')).body).not.toContain('value="district:W01"');
  });
});
