/**
 * The trend page is assembled per request from the page rendered for the user
 * and the table's bytes, encoded once per data version (issue 9, item 6): what
 * comes from the cache is the same for every reader, the rest is each user's
 * own, and nothing a user can type takes the table's place.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../src/db/schema.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { FiguresCache } from '../../src/trends/cache.js';
import { createTestApp, monthlyValues, seedSmallCity, signedIn, type TestContext } from '../support/app.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  for (const month of ['2023-06', '2024-06']) {
    saveMonthlyReport(ctx.database.db, { districtId: ids.d1, month, values: monthlyValues({ watched_elderly: 40 }), userId: null });
  }
});
afterEach(async () => {
  vi.useRealTimers();
  await ctx.close();
});

/** The part of a trend page from the table to the end of its section (the cached part). */
const tablePart = (body: string) => body.slice(body.indexOf('<div class="table-wrap">'), body.indexOf('</section>'));
const count = (body: string, text: string) => body.split(text).length - 1;

describe('the trend page around its cached table', () => {
  it('gives two readers the same table bytes, each with their own name, and the length the bytes have', async () => {
    const city = await signedIn(ctx.app, 'city');
    ctx.database.db.update(users).set({ displayName: '東 花子' }).where(eq(users.login, 'ward-east')).run();
    const ward = await signedIn(ctx.app, 'ward-east');
    const url = `/trends?scope=${encodeURIComponent('ward:東区')}&from=2020&to=2024`;
    const [a, b] = [await city.get(url), await ward.get(url)];
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    for (const res of [a, b]) {
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
      expect(count(res.body, '<table class="data trend-table"')).toBe(1);
      // The review counts come with the table, after it.
      expect(res.body.indexOf('class="review-counts small"')).toBeGreaterThan(res.body.indexOf('</table>'));
      expect(res.body).toContain('令和6年度：確認済み 0 / 1 か月');
    }
    expect(tablePart(b.body)).toBe(tablePart(a.body));
    expect(a.body).toContain('>city（市社協）<');
    expect(b.body).toContain('>東 花子（区社協）<');
    expect(a.body).not.toContain('東 花子');
  });

  it('keeps the cached body of each kind of reader apart: picker and hint follow the role, whoever came first', async () => {
    const city = await signedIn(ctx.app, 'city');
    const ward = await signedIn(ctx.app, 'ward-east');
    const url = `/trends?scope=${encodeURIComponent('ward:東区')}&from=2020&to=2024`;
    for (const order of [
      [ward, city],
      [city, ward],
    ]) {
      // A write empties the cache, so each order starts cold.
      saveMonthlyReport(ctx.database.db, {
        districtId: ids.d2,
        month: '2024-07',
        values: monthlyValues({ watched_elderly: order[0] === city ? 5 : 6 }),
        userId: null,
      });
      for (const client of order) expect((await client.get(url)).statusCode).toBe(200);
      const [cityPage, wardPage] = [(await city.get(url)).body, (await ward.get(url)).body];
      expect(cityPage).toContain('id="scope-hint"');
      expect(cityPage).toContain('value="ward:西区"');
      expect(wardPage).not.toContain('id="scope-hint"');
      expect(wardPage).not.toContain('value="ward:西区"');
      expect(wardPage).toContain('value="district:E02"');
    }
  });

  it('does not let a name that looks like the slot take the place of the table', async () => {
    const slot = '<!--mimamori:page-body-->';
    ctx.database.db
      .update(users)
      .set({ displayName: `${slot}<b>名前</b>` })
      .where(eq(users.login, 'city'))
      .run();
    const city = await signedIn(ctx.app, 'city');
    const res = await city.get('/trends?from=2020&to=2024');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(slot);
    expect(res.body).toContain('&lt;!--mimamori:page-body--&gt;&lt;b&gt;名前&lt;/b&gt;（市社協）');
    expect(count(res.body, '<table class="data trend-table"')).toBe(1);
    // The table sits in the section, after the form, as in a page rendered in one go.
    expect(res.body.indexOf('<table class="data trend-table"')).toBeGreaterThan(res.body.indexOf('</form>'));
    expect(res.body.indexOf('<table class="data trend-table"')).toBeLessThan(res.body.indexOf('</section>'));
  });

  it('moves the default window to the new fiscal year at midnight on 1 April in Japan', async () => {
    const city = await signedIn(ctx.app, 'city');
    vi.useFakeTimers({ toFake: ['Date'] });
    // 23:59:30 on 31 March 2025 in Tokyo: FY2024 is the current year, so the window ends at FY2023.
    vi.setSystemTime(new Date('2025-03-31T14:59:30Z'));
    expect((await city.get('/trends')).body).toContain('id="to" name="to" type="text" value="2023"');
    // Forty seconds later it is FY2025 in Tokyo: FY2024 is over and ends the window.
    vi.setSystemTime(new Date('2025-03-31T15:00:10Z'));
    expect((await city.get('/trends')).body).toContain('id="to" name="to" type="text" value="2024"');
  });
});

describe('a request that read the data version at its start', () => {
  it('is answered as of that version, and the next request sees the write', () => {
    const cache = new FiguresCache(ctx.database.sqlite);
    let builds = 0;
    const build = () => ++builds;
    const start = cache.currentVersion();
    expect(cache.get('k', build, start)).toBe(1);
    // A write lands while the request is under way (another request, the CLI).
    saveMonthlyReport(ctx.database.db, { districtId: ids.d2, month: '2024-08', values: monthlyValues({ watched_elderly: 7 }), userId: null });
    expect(cache.get('k', build, start)).toBe(1);
    // The next request reads the version afresh: the entry is gone.
    const next = cache.currentVersion();
    expect(next).toBeGreaterThan(start);
    expect(cache.get('k', build, next)).toBe(2);
    // A version that is not the cache's own is never trusted: it is read again.
    expect(cache.get('k', build, start)).toBe(2);
    expect(cache.get('k', build)).toBe(2);
  });
});
