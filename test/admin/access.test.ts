import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Client, createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { auditEvents, closedFiscalYears, publishedFigures, settings, users } from '../../src/db/schema.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

const CITY_ONLY_PAGES = [
  '/fiscal-years',
  '/published-figures',
  '/published-figures/edit?item=1&fy=2023&scope=city',
  '/users',
  '/users/new',
  '/users/1/password',
  '/settings',
];

function userId(login: string): number {
  return ctx.database.db.select().from(users).where(eq(users.login, login)).get()!.id;
}

/** Rows of every table these pages write, to prove a refused request changed nothing. */
function snapshot() {
  const { db } = ctx.database;
  return {
    users: db.select().from(users).all(),
    closed: db.select().from(closedFiscalYears).all(),
    figures: db.select().from(publishedFigures).all(),
    settings: db.select().from(settings).all(),
    audit: db.select().from(auditEvents).where(eq(auditEvents.action, 'forbidden')).all().length,
  };
}

describe('anonymous visitors', () => {
  it('are sent to the sign-in page from every admin page', async () => {
    const anon = new Client(ctx.app);
    for (const url of ['/districts', '/completeness', ...CITY_ONLY_PAGES]) {
      const res = await anon.get(url);
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location, url).toMatch(/^\/login\?next=/);
    }
  });

  it('cannot post to admin routes', async () => {
    const anon = new Client(ctx.app);
    await anon.get('/login');
    const before = snapshot();
    for (const url of ['/fiscal-years/2023/close', '/users/new', '/users/2/disable', '/settings', '/published-figures/edit?item=1&fy=2023&scope=city']) {
      const res = await anon.post(url, { role: 'city', login: 'intruder', regularMeetingMonths: '1' });
      expect(res.statusCode, url).toBe(303);
      // Back to the page after signing in (the form's values are kept only for a user who signed in on this browser).
      expect(res.headers.location, url).toBe(`/login?next=${encodeURIComponent(url.split('?')[0]!)}`);
    }
    expect(snapshot().users).toEqual(before.users);
    expect(snapshot().settings).toEqual(before.settings);
  });
});

describe('ward users', () => {
  it('get 403 on every city-only page', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    for (const url of CITY_ONLY_PAGES) {
      const res = await ward.get(url);
      expect(res.statusCode, url).toBe(403);
      expect(res.body, url).toContain('権限がありません');
    }
  });

  it('cannot change anything through city-only forms', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    const before = snapshot();
    const posts: [string, Record<string, string>][] = [
      ['/fiscal-years/2023/close', {}],
      ['/users/new', { login: 'sneaky', display_name: 'x', role: 'city', password: 'password-123', password_confirm: 'password-123' }],
      [`/users/${userId('city')}/disable`, {}],
      [`/users/${userId('district-w01')}/password`, { password: 'password-123', password_confirm: 'password-123' }],
      ['/settings', { regularMeetingMonths: '1', reportDueDay: '5', plausibilityFactor: '2', plausibilityMonths: '3' }],
      ['/published-figures/edit?item=1&fy=2023&scope=city', { kind: 'value', value: '5', expected: '' }],
    ];
    for (const [url, fields] of posts) {
      const res = await ward.post(url, fields);
      expect(res.statusCode, url).toBe(403);
    }
    const after = snapshot();
    expect(after.users).toEqual(before.users);
    expect(after.closed).toEqual(before.closed);
    expect(after.figures).toEqual(before.figures);
    expect(after.settings).toEqual(before.settings);
    // Each refusal is itself recorded.
    expect(after.audit).toBe(before.audit + posts.length);
  });

  it('get 403 asking for another ward on the district list and completeness', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    expect((await ward.get(`/districts?ward=${ids.wardB}`)).statusCode).toBe(403);
    expect((await ward.get(`/completeness?ward=${ids.wardB}`)).statusCode).toBe(403);
    expect((await ward.get(`/districts?ward=${ids.wardA}`)).statusCode).toBe(200);
  });
});

describe('district users', () => {
  it('are sent to their own district from the list, and get 403 elsewhere', async () => {
    const district = await signedIn(ctx.app, 'district-e01');
    const list = await district.get('/districts');
    expect(list.statusCode).toBe(303);
    expect(list.headers.location).toBe('/districts/E01');
    expect((await district.get('/completeness')).statusCode).toBe(403);
    for (const url of CITY_ONLY_PAGES) expect((await district.get(url)).statusCode, url).toBe(403);
  });

  it('cannot close years, add users or change settings', async () => {
    const district = await signedIn(ctx.app, 'district-e01');
    const before = snapshot();
    expect((await district.post('/fiscal-years/2023/close', { confirmed: '1' })).statusCode).toBe(403);
    expect(
      (await district.post('/users/new', { login: 'x-user', display_name: 'x', role: 'city', password: 'password-123', password_confirm: 'password-123' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await district.post('/settings', { regularMeetingMonths: '1', reportDueDay: '5', plausibilityFactor: '2', plausibilityMonths: '3' })).statusCode,
    ).toBe(403);
    const after = snapshot();
    expect(after.users).toEqual(before.users);
    expect(after.closed).toEqual(before.closed);
    expect(after.settings).toEqual(before.settings);
  });
});

describe('city users', () => {
  it('open every admin page', async () => {
    const city = await signedIn(ctx.app, 'city');
    for (const url of ['/districts', '/completeness', ...CITY_ONLY_PAGES.filter((u) => !u.startsWith('/users/1/'))]) {
      const res = await city.get(url);
      expect(res.statusCode, url).toBe(200);
    }
  });

  it('get a clean 4xx for malformed parameters, never a 500', async () => {
    const city = await signedIn(ctx.app, 'city');
    const bad = [
      '/completeness?fy=abc',
      '/completeness?ward=-1',
      '/districts?ward=abc',
      `/districts?q=${'あ'.repeat(200)}`,
      '/published-figures/edit?item=9&fy=2023&scope=city',
      '/published-figures/edit?item=1&fy=xx&scope=city',
      '/published-figures/edit?item=1&fy=2023',
      '/users/abc/password',
      '/users/0/password',
    ];
    for (const url of bad) {
      const res = await city.get(url);
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.headers['content-type'], url).toContain('text/html');
    }
    expect((await city.get('/published-figures/edit?item=1&fy=2023&scope=ward:ない区')).statusCode).toBe(404);
    expect((await city.get('/users/9999/password')).statusCode).toBe(404);
    expect((await city.get('/districts?ward=9999')).statusCode).toBe(404);
    expect((await city.get('/completeness?ward=9999')).statusCode).toBe(404);
    // A malformed path parameter names nothing: the same 404 as a missing record (src/web/replies.ts).
    expect((await city.post('/fiscal-years/abc/close', { confirmed: '1' })).statusCode).toBe(404);
    expect((await city.post('/users/abc/disable', { confirmed: '1' })).statusCode).toBe(404);
  });
});
