import { afterEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { auditEvents, sessions, users } from '../../src/db/schema.js';
import { SqliteSessionStore, endSessionsOfUser } from '../../src/auth/sessionStore.js';
import { openDatabase } from '../../src/db/index.js';
import { Client, createTestApp, seedSmallCity, signedIn, TEST_PASSWORD, type TestContext } from '../support/app.js';
import type * as Fastify from 'fastify';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

function userId(context: TestContext, login: string): number {
  return context.database.db.select({ id: users.id }).from(users).where(eq(users.login, login)).get()!.id;
}

function sessionsOf(context: TestContext, login: string) {
  return context.database.db
    .select()
    .from(sessions)
    .where(eq(sessions.userId, userId(context, login)))
    .all();
}

describe('session store with its own clock', () => {
  const toError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));
  const storeCall = {
    set: (store: SqliteSessionStore, sid: string, data: Record<string, unknown>) =>
      new Promise<void>((resolve, reject) => store.set(sid, data as unknown as Fastify.Session, (err) => (err ? reject(toError(err)) : resolve()))),
    get: (store: SqliteSessionStore, sid: string) =>
      new Promise<Fastify.Session | null | undefined>((resolve, reject) => store.get(sid, (err, s) => (err ? reject(toError(err)) : resolve(s)))),
  };

  it('ends a session after the idle time, but not while it is in use', async () => {
    const database = await openDatabase(':memory:');
    let now = 1_800_000_000_000;
    const store = new SqliteSessionStore(database.db, { idleMs: 30 * MINUTE, maxMs: 12 * HOUR }, () => now);
    await storeCall.set(store, 's1', { createdAt: now });
    now += 29 * MINUTE;
    expect(await storeCall.get(store, 's1')).not.toBeNull(); // a request uses it: the idle deadline moves
    now += 29 * MINUTE;
    expect(await storeCall.get(store, 's1')).not.toBeNull(); // 58 minutes after sign-in, still alive
    now += 30 * MINUTE; // 30 minutes since it was last used
    expect(await storeCall.get(store, 's1')).toBeNull();
    // and the row is gone, not merely hidden
    expect(database.db.select().from(sessions).all()).toHaveLength(0);
    database.sqlite.close();
  });

  it('ends a session at the absolute lifetime however busy it is', async () => {
    const database = await openDatabase(':memory:');
    const start = 1_800_000_000_000;
    let now = start;
    const store = new SqliteSessionStore(database.db, { idleMs: 30 * MINUTE, maxMs: 12 * HOUR }, () => now);
    await storeCall.set(store, 's1', { createdAt: start });
    let alive = 0;
    // Used every 10 minutes: alive for 12 hours exactly, then refused.
    for (let i = 0; i < 200; i++) {
      now += 10 * MINUTE;
      const s = await storeCall.get(store, 's1');
      if (!s) break;
      alive++;
      await storeCall.set(store, 's1', s as unknown as Record<string, unknown>);
    }
    expect(now - start).toBe(12 * HOUR);
    expect(alive).toBe(71);
    database.sqlite.close();
  });

  it('prune removes only expired sessions', async () => {
    const database = await openDatabase(':memory:');
    let now = 1_800_000_000_000;
    const store = new SqliteSessionStore(database.db, { idleMs: 30 * MINUTE, maxMs: 12 * HOUR }, () => now);
    await storeCall.set(store, 'old', {});
    now += 20 * MINUTE;
    await storeCall.set(store, 'new', {});
    now += 15 * MINUTE;
    expect(store.prune()).toBe(1);
    expect(database.db.select({ sid: sessions.sid }).from(sessions).all()).toEqual([{ sid: 'new' }]);
    database.sqlite.close();
  });
});

describe('sessions in the running app', () => {
  it('uses SESSION_IDLE_MINUTES and SESSION_MAX_HOURS from the settings', async () => {
    ctx = await createTestApp({ SESSION_IDLE_MINUTES: '7', SESSION_MAX_HOURS: '2' });
    await seedSmallCity(ctx.database);
    await signedIn(ctx.app, 'district-e01');
    const [row] = sessionsOf(ctx, 'district-e01');
    if (!row) throw new Error('no session for district-e01');
    expect(row.expiresAt - row.lastSeenAt).toBe(7 * MINUTE);
    // Near the end of the absolute lifetime the idle window is cut short by it.
    const client = await signedIn(ctx.app, 'district-w01');
    const createdAt = Date.now() - 2 * HOUR + 3 * MINUTE;
    ctx.database.db
      .update(sessions)
      .set({ createdAt })
      .where(eq(sessions.userId, userId(ctx, 'district-w01')))
      .run();
    expect((await client.get('/')).statusCode).toBe(200);
    expect(sessionsOf(ctx, 'district-w01').at(0)?.expiresAt).toBe(createdAt + 2 * HOUR);
  });

  it('an idle session (no request for 31 minutes) sends people to sign in again', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'district-e01');
    expect((await client.get('/')).statusCode).toBe(200);
    // As if signed in and last used 31 minutes ago.
    const shift = 31 * MINUTE;
    ctx.database.db
      .update(sessions)
      .set({
        createdAt: sql`${sessions.createdAt} - ${shift}`,
        lastSeenAt: sql`${sessions.lastSeenAt} - ${shift}`,
        expiresAt: sql`${sessions.expiresAt} - ${shift}`,
      })
      .run();
    const res = await client.get('/');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2F');
    expect(sessionsOf(ctx, 'district-e01')).toHaveLength(0);
  });

  it('a busy session older than 12 hours ends too (absolute lifetime, checked on the server)', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'district-e01');
    // Signed in 12 hours and a minute ago, used a moment ago: expires_at still lies in the future.
    ctx.database.db
      .update(sessions)
      .set({ createdAt: Date.now() - 12 * HOUR - MINUTE, expiresAt: Date.now() + 20 * MINUTE })
      .run();
    expect((await client.get('/')).statusCode).toBe(303);
  });

  it('keeps a session alive while it is used (rolling idle timeout)', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'district-e01');
    const shift = 20 * MINUTE;
    ctx.database.db
      .update(sessions)
      .set({ lastSeenAt: sql`${sessions.lastSeenAt} - ${shift}`, expiresAt: sql`${sessions.expiresAt} - ${shift}` })
      .run();
    const before = sessionsOf(ctx, 'district-e01')[0];
    if (!before) throw new Error('no session before the request');
    expect((await client.get('/')).statusCode).toBe(200);
    const after = sessionsOf(ctx, 'district-e01')[0];
    if (!after) throw new Error('no session after the request');
    expect(after.expiresAt).toBeGreaterThan(before.expiresAt + 19 * MINUTE);
  });

  it('signing out ends every session of that user at once, on every device', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const tablet = await signedIn(ctx.app, 'district-e01');
    const office = await signedIn(ctx.app, 'district-e01');
    const someoneElse = await signedIn(ctx.app, 'district-w01');
    expect(sessionsOf(ctx, 'district-e01')).toHaveLength(2);
    const res = await tablet.post('/logout');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect((await office.get('/')).statusCode).toBe(303);
    expect((await tablet.get('/')).statusCode).toBe(303);
    expect((await someoneElse.get('/')).statusCode).toBe(200);
    const audit = ctx.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'sign_out')).all();
    expect(audit.map((a) => a.userId)).toEqual([userId(ctx, 'district-e01')]);
  });

  it('sign-out needs the CSRF token (a foreign page cannot sign people out)', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'district-e01');
    expect((await client.post('/logout', { _csrf: 'forged' })).statusCode).toBe(403);
    expect((await client.get('/')).statusCode).toBe(200);
  });

  it('endSessionsOfUser (used when a user is disabled) ends all of them; a disabled user is out at the next request', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const a = await signedIn(ctx.app, 'district-e01');
    const b = await signedIn(ctx.app, 'district-e01');
    expect(endSessionsOfUser(ctx.database.db, userId(ctx, 'district-e01'))).toBe(2);
    expect((await a.get('/')).statusCode).toBe(303);
    expect((await b.get('/')).statusCode).toBe(303);

    const c = await signedIn(ctx.app, 'ward-east');
    ctx.database.db.update(users).set({ disabled: true }).where(eq(users.login, 'ward-east')).run();
    const res = await c.get('/trends');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
    expect(sessionsOf(ctx, 'ward-east')).toHaveLength(0);
    // The sign-in page still works with the old cookie (a fresh anonymous session), and sign-in is refused.
    expect((await c.get('/login')).statusCode).toBe(200);
    expect((await c.signIn('ward-east')).statusCode).toBe(401);
  });

  it('disabling a user on the users page ends every session of theirs at once', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const tablet = await signedIn(ctx.app, 'district-e01');
    const office = await signedIn(ctx.app, 'district-e01');
    const admin = await signedIn(ctx.app, 'city');
    expect(sessionsOf(ctx, 'district-e01')).toHaveLength(2);
    const res = await admin.post(`/users/${userId(ctx, 'district-e01')}/disable`, { confirmed: '1' });
    expect(res.statusCode).toBe(303);
    expect(sessionsOf(ctx, 'district-e01')).toHaveLength(0);
    expect((await tablet.get('/')).statusCode).toBe(303);
    expect((await office.get('/')).statusCode).toBe(303);
    expect((await admin.get('/')).statusCode).toBe(200);
  });

  it('gives a new session id at sign-in; the id from before sign-in is worth nothing (session fixation)', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = new Client(ctx.app);
    await client.get('/login');
    const before = client.cookies.get('mimamori');
    expect(before).toBeTruthy();
    const res = await client.post('/login', { login: 'district-e01', password: TEST_PASSWORD });
    expect(res.statusCode).toBe(303);
    const after = client.cookies.get('mimamori');
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    // Someone holding the pre-sign-in cookie is not signed in.
    const planted = await ctx.app.inject({ method: 'GET', url: '/', headers: { cookie: `mimamori=${before}` } });
    expect(planted.statusCode).toBe(303);
    expect(planted.headers.location).toMatch(/^\/login/);
    // The signed-in one is.
    expect((await client.get('/')).statusCode).toBe(200);
    // A made-up or tampered cookie is ignored.
    const forged = await ctx.app.inject({ method: 'GET', url: '/', headers: { cookie: `mimamori=${after!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))}` } });
    expect(forged.statusCode).toBe(303);
  });

  it('session cookie: HttpOnly and SameSite=Lax in development', async () => {
    ctx = await createTestApp();
    const res = await ctx.app.inject({ method: 'GET', url: '/login' });
    const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('mimamori='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });
});

describe('session cookie in production (HTTPS behind a reverse proxy)', () => {
  const productionEnv = { NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(48), TRUST_PROXY: '1' };
  const https = { 'x-forwarded-proto': 'https' };

  it('is named __Host-mimamori, Secure, HttpOnly, Path=/ and has no Domain', async () => {
    ctx = await createTestApp(productionEnv);
    await seedSmallCity(ctx.database);
    const page = await ctx.app.inject({ method: 'GET', url: '/login', headers: https });
    const cookies = [page.headers['set-cookie']].flat().filter(Boolean) as string[];
    const session = cookies.find((c) => c.startsWith('__Host-mimamori='));
    expect(session, cookies.join('\n')).toBeDefined();
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*Path=\//i);
    expect(session).not.toMatch(/Domain=/i);
    expect(cookies.some((c) => c.startsWith('mimamori='))).toBe(false);

    // And sign-in works over HTTPS with that cookie.
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!csrf) throw new Error('no _csrf field on the sign-in page');
    const cookie = session!.split(';')[0];
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/login',
      headers: { ...https, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, login: 'city', password: TEST_PASSWORD }).toString(),
    });
    expect(res.statusCode).toBe(303);
    const signedInCookie = ([res.headers['set-cookie']].flat() as string[]).find((c) => c.startsWith('__Host-mimamori='))!;
    expect(signedInCookie).toMatch(/;\s*Secure/i);
    const home = await ctx.app.inject({ method: 'GET', url: '/', headers: { ...https, cookie: signedInCookie.split(';')[0] } });
    expect(home.statusCode).toBe(200);
  });

  it('never sends the session cookie over plain HTTP', async () => {
    ctx = await createTestApp(productionEnv);
    const res = await ctx.app.inject({ method: 'GET', url: '/login' });
    const cookies = [res.headers['set-cookie']].flat().filter(Boolean) as string[];
    expect(cookies.filter((c) => /mimamori=/.test(c))).toEqual([]);
  });
});
