import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { configSchema } from '../../src/config.js';
import { openDatabase } from '../../src/db/index.js';
import { createTestApp, seedSmallCity, signedIn, TEST_SCRYPT, type TestContext } from '../support/app.js';

let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

/** CSP directives as a map: name → sources. */
function parseCsp(header: string | string[] | undefined): Map<string, string[]> {
  const text = [header].flat().join(';');
  const map = new Map<string, string[]>();
  for (const part of text.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), sources);
  }
  return map;
}

function header(headers: Record<string, unknown>, name: string): string {
  return [headers[name]].flat().join(';');
}

/** Permissions-Policy as a map: feature → allow list. */
function parsePermissions(value: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of value.split(',')) {
    const [feature, allow] = part.trim().split('=');
    if (feature) map.set(feature, allow ?? '');
  }
  return map;
}

function expectStrictHeaders(headers: Record<string, unknown>): void {
  const csp = parseCsp(headers['content-security-policy'] as string);
  const scripts = csp.get('script-src') ?? csp.get('default-src')!;
  expect(scripts).toEqual(["'self'"]);
  expect(scripts.join(' ')).not.toMatch(/unsafe-inline|unsafe-eval|\*|data:/);
  expect(csp.get('script-src-attr')).toEqual(["'none'"]); // no onerror="…" handlers either
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(csp.get('base-uri')).toEqual(["'none'"]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('form-action')).toEqual(["'self'"]);
  expect(csp.get('default-src')).toEqual(["'self'"]);
  // No inline styles either (style="…" attributes were moved to the stylesheets), and fonts only from here.
  expect([header(headers, 'content-security-policy')].join(' ')).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes/);
  expect(csp.get('style-src')).toEqual(["'self'"]);
  expect(csp.get('font-src')).toEqual(["'self'"]);
  // Browser features the app does not use are turned off.
  const permissions = parsePermissions(header(headers, 'permissions-policy'));
  for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'interest-cohort', 'browsing-topics', 'display-capture']) {
    expect(permissions.get(feature), feature).toBe('()');
  }
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toMatch(/^(same-origin|no-referrer|strict-origin-when-cross-origin|strict-origin)$/);
  expect(headers['x-frame-options']).toMatch(/^(DENY|SAMEORIGIN)$/);
  expect(headers['x-powered-by']).toBeUndefined();
}

describe('security headers', () => {
  it('sets a strict CSP, nosniff and a referrer policy on pages, errors and static files (no HSTS outside production)', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'city');
    const responses = {
      login: await ctx.app.inject({ method: 'GET', url: '/login' }),
      home: await client.get('/'),
      trends: await client.get('/trends'),
      notFound: await client.get('/no-such-page'),
      forbiddenApi: await (await signedIn(ctx.app, 'district-e01')).get('/api/trends?scope=city'),
      staticFile: await ctx.app.inject({ method: 'GET', url: '/static/app.js' }),
    };
    for (const [name, res] of Object.entries(responses)) {
      expect(res.statusCode, name).toBeLessThan(500);
      expectStrictHeaders(res.headers);
      expect(res.headers['strict-transport-security'], name).toBeUndefined();
    }
    expect(responses.notFound.statusCode).toBe(404);
    expect(responses.forbiddenApi.statusCode).toBe(403);
  });

  it('pages carry no inline script or style: every <script> is a file from /static, no style attributes or elements', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'city');
    for (const url of [
      '/',
      '/trends',
      '/trends/households',
      '/account/password',
      '/published-figures',
      '/agendas',
      '/agendas/new',
      '/completeness',
      '/users',
      '/districts/W01',
      '/no-such-page',
    ]) {
      const body = (await client.get(url)).body;
      expect(body, url).not.toMatch(/\sstyle\s*=/i);
      expect(body, url).not.toMatch(/<style\b/i);
      const scripts = [...body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      for (const [, attrs, inner] of scripts) {
        expect(attrs, url).toMatch(/src="\/static\/[\w.-]+\.js"/);
        expect(inner?.trim(), url).toBe('');
      }
      expect(body, url).not.toMatch(/\son[a-z]+\s*=\s*["']/i);
    }
  });

  it('in production adds HSTS and upgrade-insecure-requests', async () => {
    ctx = await createTestApp({ NODE_ENV: 'production', SESSION_SECRET: 'p'.repeat(40), TRUST_PROXY: '1' });
    const res = await ctx.app.inject({ method: 'GET', url: '/login', headers: { 'x-forwarded-proto': 'https' } });
    expectStrictHeaders(res.headers);
    const hsts = String(res.headers['strict-transport-security']);
    const maxAge = Number(/max-age=(\d+)/.exec(hsts)?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(31_536_000);
    expect(hsts).toMatch(/includeSubDomains/);
    expect(parseCsp(res.headers['content-security-policy'] as string).has('upgrade-insecure-requests')).toBe(true);
    // Pages Fastify answers before any hook (a bad %-encoding) carry the same headers.
    const bare = await ctx.app.inject({ method: 'GET', url: '/districts/%FF', headers: { 'x-forwarded-proto': 'https' } });
    expect(bare.statusCode).toBe(400);
    expectStrictHeaders(bare.headers);
    expect(String(bare.headers['strict-transport-security'])).toMatch(/max-age=31536000; includeSubDomains/);
    expect(parseCsp(bare.headers['content-security-policy'] as string).has('upgrade-insecure-requests')).toBe(true);
  });

  it('5xx pages never show internals', async () => {
    const database = await openDatabase(':memory:');
    const app = await buildApp({
      config: configSchema.parse({ NODE_ENV: 'test', DATABASE_PATH: ':memory:' }),
      database,
      sessionSecret: 'q'.repeat(40),
      passwordParams: TEST_SCRYPT,
    });
    app.get('/__boom', { config: { public: true } }, () => {
      throw new Error('SQLITE_SECRET_INTERNAL at /srv/mimamori/db.ts:42');
    });
    ctx = {
      app,
      database,
      close: async () => {
        await app.close();
        database.sqlite.close();
      },
    };
    const res = await app.inject({ method: 'GET', url: '/__boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).toContain('システムの内部でエラーが起きました');
    expect(res.body).not.toContain('SQLITE_SECRET_INTERNAL');
    expect(res.body).not.toContain('db.ts');
  });
});
