import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';

/*
 * Pages seen while signed in must not come back from the browser's cache after
 * sign-out (issue 8, finding 4): every response but a static file says no-store,
 * and sign-out asks the browser to drop its cache.
 */

let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

describe('Cache-Control', () => {
  it('is no-store on pages, redirects, errors, the API and exports; static files keep their caching', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const city = await signedIn(ctx.app, 'city');
    const responses = {
      'sign-in page': await ctx.app.inject({ method: 'GET', url: '/login' }),
      'anonymous redirect': await ctx.app.inject({ method: 'GET', url: '/' }),
      'anonymous API': await ctx.app.inject({ method: 'GET', url: '/api/trends' }),
      home: await city.get('/'),
      users: await city.get('/users'),
      trends: await city.get('/trends'),
      api: await city.get('/api/trends'),
      'csv export': await city.get('/trends/export.csv'),
      'not found': await city.get('/no-such-page'),
      'bad request': await city.get('/districts/E01/years/abc'),
      'after a save (redirect)': await city.post('/logout'),
    };
    for (const [name, res] of Object.entries(responses)) {
      expect(res.headers['cache-control'], `${name} (${res.statusCode})`).toBe('no-store');
    }
    for (const url of ['/static/style.css', '/static/app.js']) {
      const res = await ctx.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control'], url).not.toMatch(/no-store/);
    }
  });
});

describe('sign-out', () => {
  it('sends Clear-Site-Data: "cache"', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post('/logout');
    expect(res.statusCode).toBe(303);
    expect(res.headers['clear-site-data']).toBe('"cache"');
  });
});
