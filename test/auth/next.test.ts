import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeNext } from '../../src/auth/routes.js';
import { Client, createTestApp, seedSmallCity, TEST_PASSWORD, type TestContext } from '../support/app.js';

/*
 * Where sign-in goes next (issue 8, finding 6): only a path on this site
 * survives; anything else goes home, and no input makes sign-in answer 500.
 */

const BASE = 'http://x.invalid';
/** Safe: a path on this site, rebuilt by the URL parser, with nothing a browser would drop or reinterpret. */
function expectSameSitePath(location: string): void {
  expect(location.startsWith('/')).toBe(true);
  expect(location.startsWith('//')).toBe(false);
  expect(location).not.toMatch(/[\\\s\p{Cc}\p{Cf}]/u);
  expect(new URL(location, BASE).origin).toBe(BASE);
}

const HOSTILE = [
  '/\t/evil.example', // what next=/%09/evil.example arrives as
  '/%09/evil.example',
  '/\r\nSet-Cookie: x=1',
  '/\rfoo',
  '/\nfoo',
  '/\0foo',
  '/\u007ffoo',
  '/\u2028foo',
  '/\u202e/evil',
  '//evil.example',
  '/\\evil.example',
  '/\\\\evil.example',
  'https://evil.example/',
  'javascript:alert(1)',
  '/ /evil.example',
  '\t//evil.example',
  '/..//evil.example',
  '/%2F%2Fevil.example',
  'x'.repeat(3000),
];

describe('safeNext', () => {
  it.each(HOSTILE.map((next) => [JSON.stringify(next).slice(0, 40), next]))('keeps %s on this site', (_label, next) => {
    expectSameSitePath(safeNext(next));
  });

  it('sends control characters, whitespace and other origins home', () => {
    for (const next of ['/\t/evil.example', '/\r\nx', '/\0', '/\u007f', '/\u2028', '//evil', '/\\evil', 'https://evil', '', '/a b']) {
      expect(safeNext(next), JSON.stringify(next)).toBe('/');
    }
  });

  it('keeps ordinary paths with their query, encoding non-ASCII text', () => {
    expect(safeNext('/trends?scope=ward:1&fy=2024')).toBe('/trends?scope=ward:1&fy=2024');
    expect(safeNext('/districts/E01/years/2024')).toBe('/districts/E01/years/2024');
    expect(safeNext('/日本')).toBe('/%E6%97%A5%E6%9C%AC');
    expect(safeNext('/trends#table')).toBe('/trends');
  });
});

describe('sign-in with a hostile next', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
  });
  afterAll(async () => ctx.close());

  it.each([...HOSTILE, '/日本', '/%E6%97%A5%E6%9C%AC'].map((next) => [JSON.stringify(next).slice(0, 40), next]))(
    'a correct password with next=%s answers 303 to a path on this site',
    async (_label, next) => {
      const client = new Client(ctx.app);
      // Through the sign-in page's own query string, as a link would carry it …
      const page = await client.get(`/login?next=${encodeURIComponent(next)}`);
      expect(page.statusCode).toBe(200);
      // … and posted back with the password.
      const res = await client.post('/login', { login: 'city', password: TEST_PASSWORD, next });
      expect(res.statusCode).toBe(303);
      expectSameSitePath(res.headers.location as string);
    },
  );

  it('a wrong password with a hostile next re-renders the form (401), never 500', async () => {
    for (const next of ['/\r\n', '/\u2028', '/日本']) {
      const client = new Client(ctx.app);
      await client.get('/login');
      expect((await client.post('/login', { login: 'city', password: 'wrong', next })).statusCode).toBe(401);
    }
  });

  it('a same-site next survives sign-in', async () => {
    const client = new Client(ctx.app);
    await client.get('/login?next=%2Ftrends%3Ffy%3D2024');
    const res = await client.post('/login', { login: 'city', password: TEST_PASSWORD, next: '/trends?fy=2024' });
    expect(res.headers.location).toBe('/trends?fy=2024');
  });
});
