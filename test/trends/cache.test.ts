import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Client, createTestApp, monthlyValues, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { users } from '../../src/db/schema.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { CACHE_ENTRIES, FiguresCache, figuresCache } from '../../src/trends/cache.js';
import type { TrendsJson } from '../support/json.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  saveMonthlyReport(ctx.database.db, { districtId: ids.d1, month: '2024-03', values: monthlyValues({ watched_elderly: 95 }), userId: null });
  saveMonthlyReport(ctx.database.db, { districtId: ids.d3, month: '2024-09', values: monthlyValues({ watched_elderly: 40 }), userId: null });
});
afterEach(async () => ctx.close());

const stats = () => figuresCache(ctx.database.sqlite).stats();
const version = () => (ctx.database.sqlite.prepare('SELECT version FROM data_version').get() as { version: number }).version;
const TABLE = '/trends?scope=city&from=2023&to=2024';

function rename(login: string, displayName: string) {
  ctx.database.db.update(users).set({ displayName }).where(eq(users.login, login)).run();
}

async function twoCityUsers(): Promise<[Client, Client]> {
  const { addUser } = await import('../support/app.js');
  await addUser(ctx.database, { login: 'city-2', role: 'city' });
  rename('city', '市の太郎');
  rename('city-2', '市の花子');
  return [await signedIn(ctx.app, 'city'), await signedIn(ctx.app, 'city-2')];
}

const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1];

describe('the figures cache', () => {
  it('serves the second reader of a table from the cache, with their own name and CSRF token', async () => {
    const [taro, hanako] = await twoCityUsers();
    const before = stats();
    const first = await taro.get(TABLE);
    const afterFirst = stats();
    const second = await hanako.get(TABLE);
    const afterSecond = stats();
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    // The first built the table (misses), the second found it (a hit, nothing built).
    expect(afterFirst.misses).toBeGreaterThan(before.misses);
    expect(afterSecond.misses).toBe(afterFirst.misses);
    expect(afterSecond.hits).toBeGreaterThan(afterFirst.hits);
    // The same table …
    const table = (body: string) => body.slice(body.indexOf('<table class="data trend-table"'), body.indexOf('</table>'));
    expect(table(second.body)).toBe(table(first.body));
    expect(table(first.body)).toContain('95');
    // … inside each user's own page.
    const [tokenA, tokenB] = [csrfOf(first.body), csrfOf(second.body)];
    expect(tokenA && tokenB).toBeTruthy();
    expect(tokenA).not.toBe(tokenB);
    expect(first.body).toContain('市の太郎');
    expect(first.body).not.toContain('市の花子');
    expect(second.body).toContain('市の花子');
    expect(second.body).not.toContain('市の太郎');
    expect(second.body).not.toContain(tokenA!);
  });

  it("never shows one user's flash message to another", async () => {
    const [taro, hanako] = await twoCityUsers();
    await taro.get('/districts/E01/reports/2024-04');
    const saved = await taro.post('/districts/E01/reports/2024-04', { version: '0', watched_elderly: '97', note: '' });
    expect(saved.statusCode).toBe(303);
    const withFlash = await taro.get(TABLE);
    expect(withFlash.body).toContain('保存しました');
    const other = await hanako.get(TABLE);
    expect(stats().hits).toBeGreaterThan(0);
    expect(other.body).not.toContain('保存しました');
  });

  it('shows a new figure as soon as a write has changed it', async () => {
    const client = await signedIn(ctx.app, 'city');
    const api = '/api/trends?scope=city&from=2023&to=2024';
    const read = async () => (await client.get(api)).json<TrendsJson>().rows[0]!.values.map((v) => v.value);
    expect(await read()).toEqual([95, 40]);
    expect(await read()).toEqual([95, 40]);
    // Through the app's write path …
    saveMonthlyReport(ctx.database.db, { districtId: ids.d2, month: '2024-05', values: monthlyValues({ watched_elderly: 7 }), userId: null });
    expect(await read()).toEqual([95, 47]);
    // … and by any other writer (the CLI, another process): the triggers bump the version.
    ctx.database.sqlite
      .prepare("INSERT INTO published_figures (item, fiscal_year, scope_type, scope_id, value, updated_at) VALUES ('1', 2023, 'city', 0, 100, 'x')")
      .run();
    expect(await read()).toEqual([100, 47]);
    expect(stats().invalidations).toBeGreaterThanOrEqual(2);
  });

  it('keeps tables apart by what they show', async () => {
    const client = await signedIn(ctx.app, 'city');
    const yoy = (await client.get('/api/trends?scope=city&from=2023&to=2024&strong=0.9')).json<TrendsJson>();
    const strict = (await client.get('/api/trends?scope=city&from=2023&to=2024&strong=0.2&flat=0.01')).json<TrendsJson>();
    const ward = (await client.get(`/api/trends?scope=${encodeURIComponent('ward:西区')}&from=2023&to=2024`)).json<TrendsJson>();
    const households = (await client.get('/api/trends?scope=city&from=2023&to=2024&table=households')).json<TrendsJson>();
    expect(yoy.rows[0]!.trend.text).not.toBe(strict.rows[0]!.trend.text);
    expect(ward.rows[0]!.values.map((v) => v.value)).toEqual([null, 40]);
    expect(households.rows[0]!.item).not.toBe(yoy.rows[0]!.item);
    expect(stats().hits).toBe(0);
  });

  it('caches exports and charts until the next write', async () => {
    const client = await signedIn(ctx.app, 'city');
    const csv = '/trends/export.csv?scope=city&from=2023&to=2024';
    const first = await client.get(csv);
    const misses = stats().misses;
    const again = await client.get(csv);
    expect(again.body).toBe(first.body);
    expect(stats().misses).toBe(misses);
    const chart = '/charts/trend.svg?scope=city&from=2023&to=2024&item=1';
    const svg = await client.get(chart);
    expect(svg.statusCode).toBe(200);
    const hits = stats().hits;
    expect((await client.get(chart)).body).toBe(svg.body);
    expect(stats().hits).toBeGreaterThan(hits);
    saveMonthlyReport(ctx.database.db, { districtId: ids.d2, month: '2024-05', values: monthlyValues({ watched_elderly: 1234 }), userId: null });
    expect((await client.get(csv)).body).toContain(',1274,');
    expect((await client.get(chart)).body).toContain('1,274');
  });

  it('is bounded: the least recently used entry goes first', () => {
    const cache = new FiguresCache(ctx.database.sqlite, 3);
    let builds = 0;
    const get = (key: string) => cache.get(key, () => ++builds);
    get('a');
    get('b');
    get('c');
    get('a'); // a is now the most recent
    get('d'); // evicts b
    expect(cache.stats().entries).toBe(3);
    expect(builds).toBe(4);
    get('a');
    get('c');
    expect(builds).toBe(4);
    get('b');
    expect(builds).toBe(5);
    expect(CACHE_ENTRIES).toBeGreaterThanOrEqual(100);
  });
});

describe('the data version', () => {
  // Every table whose rows change a figure bumps it on insert, update and delete.
  const writes: [string, string[]][] = [
    [
      'wards',
      [
        "INSERT INTO wards (name, kana) VALUES ('北区', 'きたく')",
        "UPDATE wards SET kana = 'きた' WHERE name = '北区'",
        "DELETE FROM wards WHERE name = '北区'",
      ],
    ],
    [
      'districts',
      [
        "INSERT INTO districts (code, name, kana, ward_id) VALUES ('N01', '北一', 'きたいち', 1)",
        "UPDATE districts SET name = '北一校区' WHERE code = 'N01'",
        "DELETE FROM districts WHERE code = 'N01'",
      ],
    ],
    [
      'monthly_reports',
      [
        "INSERT INTO monthly_reports (district_id, month, watched_elderly, updated_at) VALUES (2, '2024-06', 3, 'x')",
        "UPDATE monthly_reports SET watched_elderly = 4 WHERE month = '2024-06'",
        "DELETE FROM monthly_reports WHERE month = '2024-06'",
      ],
    ],
    [
      'salons',
      [
        "INSERT INTO salons (district_id, name, opened_on) VALUES (1, 'サロン', '2020-04-01')",
        "UPDATE salons SET closed_on = '2024-03-31' WHERE name = 'サロン'",
        "DELETE FROM salons WHERE name = 'サロン'",
      ],
    ],
    [
      'plans',
      [
        'INSERT INTO plans (district_id, generation, formulated_fy, first_fy, last_fy) VALUES (1, 1, 2020, 2021, 2025)',
        'UPDATE plans SET last_fy = 2026 WHERE district_id = 1',
        'DELETE FROM plans WHERE district_id = 1',
      ],
    ],
    [
      'published_figures',
      [
        "INSERT INTO published_figures (item, fiscal_year, scope_type, scope_id, value, updated_at) VALUES ('1', 2020, 'city', 0, 5, 'x')",
        'UPDATE published_figures SET value = 6 WHERE fiscal_year = 2020',
        'DELETE FROM published_figures WHERE fiscal_year = 2020',
      ],
    ],
    [
      'settings',
      [
        "INSERT INTO settings (key, value) VALUES ('bench', '1')",
        "UPDATE settings SET value = '2' WHERE key = 'bench'",
        "DELETE FROM settings WHERE key = 'bench'",
      ],
    ],
    [
      'closed_fiscal_years',
      [
        "INSERT INTO closed_fiscal_years (fiscal_year, closed_at) VALUES (2019, 'x')",
        "UPDATE closed_fiscal_years SET closed_at = 'y' WHERE fiscal_year = 2019",
        'DELETE FROM closed_fiscal_years WHERE fiscal_year = 2019',
      ],
    ],
  ];
  for (const [table, statements] of writes) {
    it(`moves on every insert, update and delete of ${table}`, () => {
      for (const statement of statements) {
        const was = version();
        const changed = ctx.database.sqlite.prepare(statement).run().changes;
        expect(changed, statement).toBe(1);
        expect(version(), statement).toBeGreaterThan(was);
      }
    });
  }

  it('moves with the stored yearly figures too, and not with sessions or the audit log', () => {
    const triggers = ctx.database.sqlite
      .prepare("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%data_version%'")
      .all()
      .map((r) => (r as { tbl_name: string }).tbl_name);
    expect(new Set(triggers)).toContain('district_year_figures');
    expect(triggers).not.toContain('sessions');
    expect(triggers).not.toContain('audit_events');
    const was = version();
    ctx.database.sqlite.prepare("INSERT INTO audit_events (at, action, entity) VALUES ('x', 'test', 'test')").run();
    expect(version()).toBe(was);
  });
});
