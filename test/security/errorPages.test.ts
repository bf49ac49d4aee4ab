import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { z } from 'zod';
import { monthlyReports } from '../../src/db/schema.js';
import '../../src/errors.js'; // sets the Japanese zod messages, as every entry point does
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';

/*
 * Every error a user can meet is Japanese, on the app's own page (or JSON with
 * `error` for /api/), and shows the request id as 問い合わせ番号 — including the
 * errors Fastify and Node answer themselves before any route runs.
 */

let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

// Words of Fastify's and zod's English messages (a request id is hex, so plain letters are not enough).
const ENGLISH = /Bad Request|Not Found|is not a valid url|exceeding|max param|Too (big|small)|expected|Invalid|Client Error|Unsupported|statusCode/i;

function expectJapanesePage(res: LightMyRequestResponse, status: number, message: RegExp, label = ''): void {
  expect(res.statusCode, label).toBe(status);
  expect(res.headers['content-type'], label).toMatch(/^text\/html; charset=utf-8/);
  expect(res.body, label).toMatch(message);
  expect(res.body, label).not.toMatch(ENGLISH);
  // The page says which request it was, and it is the id the response carries.
  const id = /問い合わせ番号：<span class="code">([^<]+)<\/span>/.exec(res.body)?.[1];
  expect(id, label).toBeTruthy();
  expect(res.headers['x-request-id'], label).toBe(id);
  // The same headers as every other page, though no hook ran.
  expect(String(res.headers['content-security-policy']), label).toMatch(/default-src 'self'/);
  expect(res.headers['permissions-policy'], label).toMatch(/camera=\(\)/);
  expect(res.headers['x-content-type-options'], label).toBe('nosniff');
  expect(res.headers['cache-control'], label).toBe('no-store');
}

function expectJapaneseJson(res: LightMyRequestResponse, status: number, message: RegExp): void {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json<{ error: string; requestId: string }>();
  expect(body.error).toMatch(message);
  expect(body.error).not.toMatch(ENGLISH);
  expect(body.requestId).toBe(res.headers['x-request-id']);
}

describe('errors Fastify answers before routing', () => {
  it('bad %-encoding in a path: a 400 Japanese page (JSON under /api/)', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'city');
    for (const url of ['/districts/101/salons/%FF/edit', '/%E0%A4%A', '/districts/W01/reports/%C0%AF']) {
      expectJapanesePage(await client.get(url), 400, /ページのアドレスを読み取れませんでした/, url);
    }
    const anonymous = await ctx.app.inject({ method: 'GET', url: '/districts/%FF' });
    expectJapanesePage(anonymous, 400, /ページのアドレスを読み取れませんでした/, 'anonymous');
    expectJapaneseJson(await client.get('/api/trends/%FF'), 400, /アドレスを読み取れませんでした/);
  });

  it('a path parameter over 100 characters: a 404 Japanese page on every route with parameters, never English', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'city');
    const withParams = ctx.app.registeredRoutes.filter((r) => r.method === 'GET' && r.url.includes(':'));
    expect(withParams.length).toBeGreaterThan(5);
    for (const route of withParams) {
      for (const length of [101, 150, 2000]) {
        const url = route.url.replace(/:\w+/g, 'x'.repeat(length));
        expectJapanesePage(await client.get(url), 404, /お探しのページは見つかりませんでした/, `${route.url} ${length}`);
      }
      // Exactly 100 characters reaches the route, whose own checks answer (in Japanese).
      const res = await client.get(route.url.replace(/:\w+/g, '9'.repeat(100)));
      expect(res.statusCode, route.url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, route.url).toBeLessThan(500);
      expect(res.body, route.url).not.toMatch(ENGLISH);
    }
    expectJapaneseJson(await client.get(`/api/${'a'.repeat(150)}`), 404, /見つかりません/);
  });

  it('raw UTF-8 in the request line: a Japanese 400 answered on the socket', async () => {
    ctx = await createTestApp();
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = ctx.app.server.address() as net.AddressInfo;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(Buffer.concat([Buffer.from('GET /districts/'), Buffer.from('日本', 'utf8'), Buffer.from(' HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')]));
      });
      const chunks: Buffer[] = [];
      socket.setTimeout(5000, () => socket.destroy(new Error('no answer')));
      socket.on('data', (d) => chunks.push(d));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/content-type: text\/html; charset=utf-8/i);
    expect(answer).toMatch(/content-security-policy: default-src 'self'/i);
    expect(answer).toContain('ページのアドレスを読み取れませんでした');
    expect(answer).toMatch(/問い合わせ番号：[0-9a-f-]{36}/);
    expect(answer.split('\r\n\r\n')[1]).not.toMatch(ENGLISH);
  });
});

describe('messages from input schemas', () => {
  it('every zod message a schema does not word itself is plain Japanese', () => {
    const results = [
      z.string().max(3).safeParse('abcd'),
      z.string().min(1).safeParse(''),
      z.string().min(5).safeParse('ab'),
      z.coerce.number().max(10).safeParse('11'),
      z.coerce.number().min(0).safeParse('-1'),
      z.coerce.number().safeParse('x'),
      z.coerce.number().int().safeParse('1.5'),
      z.number().safeParse(Infinity),
      z.enum(['a', 'b']).safeParse('c'),
      z.literal('x').safeParse('y'),
      z.string().regex(/^\d$/).safeParse('x'),
      z.object({ a: z.string() }).safeParse({}),
      z.union([z.literal('a'), z.literal('b')]).safeParse('c'),
      z.array(z.string()).max(1).safeParse(['a', 'b']),
    ];
    for (const r of results) {
      expect(r.success).toBe(false);
      for (const issue of r.error!.issues) {
        expect(issue.message, JSON.stringify(issue)).toMatch(/[ぁ-んァ-ン一-龥]/);
        expect(issue.message).not.toMatch(ENGLISH);
      }
    }
    // A schema's own message is kept.
    expect(z.string().max(1, { message: '1文字で入力してください。' }).safeParse('ab').error!.issues[0]!.message).toBe('1文字で入力してください。');
  });

  it('trend thresholds and years out of range answer in Japanese on the page and in the API', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'city');
    const cases: [string, RegExp][] = [
      ['flatPercent=1e308', /1000以下の数で指定してください/],
      ['strongPercent=-1', /0以上の数で指定してください/],
      ['flat=abc', /数で指定してください/],
      ['flat=Infinity', /数で指定してください/],
      [`from=${'9'.repeat(30)}`, /20文字以内で指定してください/],
      [`scope=${'x'.repeat(200)}`, /120文字以内で指定してください/],
    ];
    for (const [query, message] of cases) {
      const page = await client.get(`/trends?${query}`);
      expect(page.statusCode, query).toBeGreaterThanOrEqual(400);
      expect(page.statusCode, query).toBeLessThan(500);
      expect(page.body, query).toMatch(message);
      expect(page.body, query).not.toMatch(ENGLISH);
      expect(page.body, query).toContain('問い合わせ番号：');
      const api = await client.get(`/api/trends?${query}`);
      expect(api.statusCode, query).toBe(page.statusCode);
      expect(api.json<{ error: string }>().error, query).toMatch(message);
      expect(api.body, query).not.toMatch(ENGLISH);
    }
  });

  it('a request id given by the proxy is the 問い合わせ番号 on the page', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'city');
    const notFound = await client.get('/no-such-page', { 'x-request-id': 'proxy-abc-123' });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.body).toContain('問い合わせ番号：<span class="code">proxy-abc-123</span>');
    const badUrl = await ctx.app.inject({ method: 'GET', url: '/districts/%FF', headers: { 'x-request-id': 'proxy-def-456' } });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.body).toContain('問い合わせ番号：<span class="code">proxy-def-456</span>');
  });
});

describe('form routes take form bodies only', () => {
  it('a JSON (or plain text) body to any POST route outside /api/ gets a Japanese 415 and changes nothing', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'city');
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const posts = ctx.app.registeredRoutes.filter((r) => r.method === 'POST' && !r.url.startsWith('/api/'));
    expect(posts.length).toBeGreaterThan(10);
    for (const route of posts) {
      const url = route.url
        .replace(/:code/g, 'W01')
        .replace(/:month/g, '2024-05')
        .replace(/:fy/g, '2024')
        .replace(/:\w+/g, '1');
      const fields = { _csrf: client.csrfToken, note: '1', watched_elderly: '5', version: '0', login: 'city', password: 'x', name: 'JSON' };
      for (const [type, payload] of [
        ['application/json', JSON.stringify(fields)],
        ['application/json; charset=utf-8', JSON.stringify(fields)],
        ['text/plain', new URLSearchParams(fields).toString()],
      ] as const) {
        const res = await ctx.app.inject({ method: 'POST', url, headers: { cookie, 'content-type': type }, payload });
        expect(res.statusCode, `${route.url} ${type}`).toBe(415);
        expect(res.body, route.url).toContain('画面の入力欄から送信された内容だけを受け付けます');
        expect(res.body, route.url).not.toMatch(ENGLISH);
      }
    }
    expect(ctx.database.db.select().from(monthlyReports).all()).toEqual([]);
    // The same form as a form body is taken.
    const form = await client.post('/districts/W01/reports/2024-05', { watched_elderly: '5', note: '', version: '0' });
    expect(form.statusCode).toBe(303);
  });
});
