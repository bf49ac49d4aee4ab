/**
 * Request ids (issue 8 finding 13): taken from X-Request-Id when it is a short
 * printable token, generated (a random UUID) otherwise, and sent back in
 * X-Request-Id so that a proxy's log, the app's log and the error page
 * (問い合わせ番号) can be matched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/app.js';
import { requestIdFor } from '../../src/requestId.js';
import type { IncomingMessage } from 'node:http';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

const idOf = (headers: Record<string, string | string[] | undefined>) => requestIdFor({ headers } as IncomingMessage);

describe('request ids', () => {
  it('echoes a valid X-Request-Id from the proxy', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/login', headers: { 'x-request-id': 'nginx-7f3a9c01' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe('nginx-7f3a9c01');
  });

  it('generates a random UUID when none is given, different for every request (not a per-process counter)', async () => {
    const a = await ctx.app.inject({ method: 'GET', url: '/login' });
    const b = await ctx.app.inject({ method: 'GET', url: '/static/style.css' });
    const c = await ctx.app.inject({ method: 'GET', url: '/no-such-page' });
    const d = await ctx.app.inject({ method: 'GET', url: '/districts/101/salons/%FF/edit' });
    expect(b.statusCode).toBe(200);
    expect(d.statusCode).toBeGreaterThanOrEqual(400); // bad %-encoding: answered before any route
    for (const res of [a, b, c, d]) expect(res.headers['x-request-id']).toMatch(UUID);
    expect(new Set([a, b, c, d].map((r) => r.headers['x-request-id'])).size).toBe(4);
  });

  it('replaces an X-Request-Id that is not a short printable token', async () => {
    for (const bad of ['', 'x'.repeat(65), 'a b', 'id<script>', 'id;rm', '日本語', 'a\u0007b']) {
      expect(idOf({ 'x-request-id': bad }), JSON.stringify(bad)).toMatch(UUID);
    }
    expect(idOf({ 'x-request-id': ['one', 'two'] })).toMatch(UUID);
    const res = await ctx.app.inject({ method: 'GET', url: '/login', headers: { 'x-request-id': 'id<script>' } });
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it('accepts the usual shapes of proxy ids', () => {
    for (const good of ['0d9f1c2e-7b1a-4c55-9a55-2f2f3b1d4e5f', '5f1a0c3b9e8d7c6b', 'Root=1-67891233-abcdef012345678912345678', 'req_01:abc.def']) {
      expect(idOf({ 'x-request-id': good })).toBe(good);
    }
  });
});
