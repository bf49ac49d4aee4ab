import { afterEach, describe, expect, it } from 'vitest';
import { count, eq, sql } from 'drizzle-orm';
import { sessions } from '../../src/db/schema.js';
import { fiscalYearOfMonth, monthLabelLong } from '../../src/domain/fiscalYear.js';
import { Client, createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { formFields, monthsAgo } from '../monthlyReports/helpers.js';

/*
 * Requests do only their own work (issue 9 item 6, issue 8 finding 8): a
 * session row is written only when the session changed (or, at most once a
 * minute, to move its idle deadline), and an anonymous request that renders no
 * form gets no session at all.
 */

let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

function sessionCount(context: TestContext): number {
  return context.database.db.select({ n: count() }).from(sessions).get()!.n;
}

/** Counts every INSERT, UPDATE and DELETE on the sessions table from now on (a temporary trigger). */
function watchSessionWrites(context: TestContext): () => number {
  const { sqlite } = context.database;
  sqlite.exec(`
    CREATE TEMP TABLE IF NOT EXISTS session_writes (kind TEXT NOT NULL);
    DELETE FROM session_writes;
    CREATE TEMP TRIGGER IF NOT EXISTS session_ins AFTER INSERT ON main.sessions BEGIN INSERT INTO session_writes VALUES ('insert'); END;
    CREATE TEMP TRIGGER IF NOT EXISTS session_upd AFTER UPDATE ON main.sessions BEGIN INSERT INTO session_writes VALUES ('update'); END;
    CREATE TEMP TRIGGER IF NOT EXISTS session_del AFTER DELETE ON main.sessions BEGIN INSERT INTO session_writes VALUES ('delete'); END;
  `);
  return () => (sqlite.prepare('SELECT count(*) AS n FROM session_writes').get() as { n: number }).n;
}

const setCookies = (headers: Record<string, unknown>): string[] => [headers['set-cookie']].flat().filter((c): c is string => typeof c === 'string');

describe('no session for anonymous requests that render no form', () => {
  it('100 anonymous requests for static files and / create no session row and no cookie', async () => {
    ctx = await createTestApp();
    const files = ['/static/style.css', '/static/app.js', '/static/admin.css', '/static/monthly.css'];
    for (let i = 0; i < 100; i++) {
      const url = i % 2 === 0 ? '/' : files[i % files.length];
      const res = await ctx.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(url === '/' ? 303 : 200);
      expect(
        setCookies(res.headers).filter((c) => c.startsWith('mimamori=')),
        url,
      ).toEqual([]);
    }
    // Nor does a missing file or an unknown page.
    for (const url of ['/static/no-such-file.css', '/no-such-page', '/favicon.ico']) await ctx.app.inject({ method: 'GET', url });
    expect(sessionCount(ctx)).toBe(0);
  });

  it('the sign-in page (a form) makes one session, and reloading it makes no more', async () => {
    ctx = await createTestApp();
    const visitor = new Client(ctx.app);
    const first = await visitor.get('/login');
    expect(first.body).toMatch(/name="_csrf" value="[^"]+"/);
    for (let i = 0; i < 5; i++) await visitor.get('/login');
    expect(sessionCount(ctx)).toBe(1);
  });
});

describe('a signed-in session is written only when it changed', () => {
  it('pages read within a minute write nothing to the sessions table', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'city');
    const writes = watchSessionWrites(ctx);
    for (const url of ['/', '/trends', '/users', '/', '/account/password']) expect((await client.get(url)).statusCode, url).toBe(200);
    expect(writes()).toBe(0);
  });

  it('moves the idle deadline once a minute has passed since the last write', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'city');
    ctx.database.db
      .update(sessions)
      .set({ lastSeenAt: sql`${sessions.lastSeenAt} - 61000`, expiresAt: sql`${sessions.expiresAt} - 61000` })
      .run();
    const before = ctx.database.db.select().from(sessions).get()!;
    const writes = watchSessionWrites(ctx);
    await client.get('/');
    await client.get('/');
    expect(writes()).toBe(1);
    const after = ctx.database.db.select().from(sessions).where(eq(sessions.sid, before.sid)).get()!;
    expect(after.lastSeenAt).toBeGreaterThan(before.lastSeenAt + 60_000);
    expect(after.expiresAt).toBeGreaterThan(before.expiresAt + 60_000);
  });

  it('a monthly save does not touch the session (the message after it travels in a cookie) and still shows 保存しました once', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'district-e01');
    const month = monthsAgo(1);
    const url = `/districts/E01/reports/${month}`;
    await client.get(url);
    const writes = watchSessionWrites(ctx);
    const res = await client.post(url, formFields({ watched_elderly: '120' }));
    expect(res.statusCode).toBe(303);
    expect(writes()).toBe(0);
    const message = `${monthLabelLong(month)}の報告を保存しました。`;
    const year = await client.get(res.headers.location as string);
    expect(res.headers.location).toBe(`/districts/E01/years/${fiscalYearOfMonth(month)}`);
    expect(year.body).toContain(message);
    expect((await client.get(res.headers.location as string)).body).not.toContain(message);
    expect(writes()).toBe(0);
  });

  it('a flash cookie that was tampered with shows nothing', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'city');
    client.cookies.set('mimamori-flash', encodeURIComponent('<b>偽のお知らせ</b>.c2lnbmF0dXJl'));
    const res = await client.get('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('偽のお知らせ');
  });
});
