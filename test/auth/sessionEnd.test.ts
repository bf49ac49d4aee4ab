import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { configSchema } from '../../src/config.js';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { sessions, users } from '../../src/db/schema.js';
import { SqliteSessionStore } from '../../src/auth/sessionStore.js';
import { seedSmallCity, signedIn, TEST_PASSWORD, TEST_SCRYPT, type Client } from '../support/app.js';
import type * as Fastify from 'fastify';

/*
 * An ended session stays ended (issue 8, finding 2): a request that is still
 * running on a stolen cookie while the session is ended must not write the
 * session back when it finishes, and the cookie is dead from then on.
 */

interface Held {
  /** Resolves once the slow request is inside its handler (signed in, session loaded). */
  entered: Promise<void>;
  release(): void;
}

interface SlowApp {
  app: FastifyInstance;
  database: Database$;
  /** Arms the next GET /slow to wait until released. */
  hold(): Held;
  close(): Promise<void>;
}

/** The real app plus one test-only route that waits in the middle of a request, as a slow export would. */
async function appWithSlowRoute(): Promise<SlowApp> {
  const config = configSchema.parse({ NODE_ENV: 'test', DATABASE_PATH: ':memory:', MIMAMORI_DEMO: 'off' });
  const database = await openDatabase(':memory:');
  const app = await buildApp({ config, database, sessionSecret: 'x'.repeat(64), passwordParams: TEST_SCRYPT });
  let armed: { entered: () => void; released: Promise<void> } | undefined;
  app.get('/slow', async (request) => {
    const gate = armed;
    armed = undefined;
    gate?.entered();
    await gate?.released;
    // The request changes its session on the way out, so the store is asked to save it.
    (request.session as unknown as Record<string, unknown>).lastSlowRequest = Date.now();
    return 'done';
  });
  await app.ready();
  return {
    app,
    database,
    hold() {
      let entered!: () => void;
      let release!: () => void;
      const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      armed = { entered, released };
      return { entered: enteredPromise, release };
    },
    async close() {
      await app.close();
      database.sqlite.close();
    },
  };
}

let ctx: SlowApp | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

function userIdOf(database: Database$, login: string): number {
  return database.db.select({ id: users.id }).from(users).where(eq(users.login, login)).get()!.id;
}

/** The session id inside a signed session cookie (`<sid>.<signature>`). */
function sidOf(client: Client): string {
  const cookie = client.cookies.get('mimamori')!;
  return cookie.slice(0, cookie.lastIndexOf('.'));
}

function sessionRow(database: Database$, sid: string) {
  return database.db.select().from(sessions).where(eq(sessions.sid, sid)).get();
}

/** Runs GET /slow on `victim`, ends the session with `end` while it waits, then lets it finish. */
async function endWhileInFlight(app: SlowApp, victim: Client, end: () => Promise<unknown>): Promise<void> {
  const held = app.hold();
  const slow = victim.get('/slow');
  await held.entered;
  await end();
  held.release();
  const res = await slow;
  expect(res.statusCode).toBe(200);
}

async function expectDead(app: SlowApp, client: Client, sid: string): Promise<void> {
  expect(sessionRow(app.database, sid)).toBeUndefined();
  const res = await client.get('/');
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toMatch(/^\/login/);
}

describe('a session ended while one of its requests is in flight stays ended', () => {
  it('sign-out (which ends every session of the user)', async () => {
    ctx = await appWithSlowRoute();
    await seedSmallCity(ctx.database);
    const stolen = await signedIn(ctx.app, 'district-e01');
    const owner = await signedIn(ctx.app, 'district-e01');
    const sid = sidOf(stolen);
    await endWhileInFlight(ctx, stolen, () => owner.post('/logout'));
    await expectDead(ctx, stolen, sid);
    expect(
      ctx.database.db
        .select()
        .from(sessions)
        .where(eq(sessions.userId, userIdOf(ctx.database, 'district-e01')))
        .all(),
    ).toHaveLength(0);
  });

  it('a password reset by a city user', async () => {
    ctx = await appWithSlowRoute();
    await seedSmallCity(ctx.database);
    const stolen = await signedIn(ctx.app, 'district-e01');
    const admin = await signedIn(ctx.app, 'city');
    const sid = sidOf(stolen);
    const target = userIdOf(ctx.database, 'district-e01');
    await endWhileInFlight(ctx, stolen, async () => {
      await admin.get(`/users/${target}/password`);
      const res = await admin.post(`/users/${target}/password`, { password: 'new-password-2026', password_confirm: 'new-password-2026' });
      expect(res.statusCode).toBe(303);
    });
    await expectDead(ctx, stolen, sid);
  });

  it('disabling the user', async () => {
    ctx = await appWithSlowRoute();
    await seedSmallCity(ctx.database);
    const stolen = await signedIn(ctx.app, 'district-e01');
    const admin = await signedIn(ctx.app, 'city');
    const sid = sidOf(stolen);
    await endWhileInFlight(ctx, stolen, async () => {
      await admin.get('/users');
      expect((await admin.post(`/users/${userIdOf(ctx!.database, 'district-e01')}/disable`, { confirmed: '1' })).statusCode).toBe(303);
    });
    await expectDead(ctx, stolen, sid);
  });

  it('the user changing their own password on another device: that device stays signed in', async () => {
    ctx = await appWithSlowRoute();
    await seedSmallCity(ctx.database);
    const stolen = await signedIn(ctx.app, 'district-e01');
    const owner = await signedIn(ctx.app, 'district-e01');
    const sid = sidOf(stolen);
    await endWhileInFlight(ctx, stolen, async () => {
      await owner.get('/account/password');
      const res = await owner.post('/account/password', {
        current_password: TEST_PASSWORD,
        new_password: 'a-brand-new-password',
        new_password_confirm: 'a-brand-new-password',
      });
      expect(res.statusCode).toBe(303);
    });
    await expectDead(ctx, stolen, sid);
    expect((await owner.get('/')).statusCode).toBe(200);
    expect((await owner.get('/account/password')).statusCode).toBe(200);
  });
});

describe('users.sessions_valid_after', () => {
  it('refuses a session signed in before it, even if its row were written back', async () => {
    ctx = await appWithSlowRoute();
    await seedSmallCity(ctx.database);
    const stolen = await signedIn(ctx.app, 'district-e01');
    const owner = await signedIn(ctx.app, 'district-e01');
    const copy = sessionRow(ctx.database, sidOf(stolen))!;
    await owner.post('/logout');
    const userRow = ctx.database.db.select().from(users).where(eq(users.login, 'district-e01')).get()!;
    expect(userRow.sessionsValidAfter).toBeGreaterThan(0);
    // As if some other path had restored the row: the sign-in time still gives it away.
    ctx.database.db.insert(sessions).values(copy).run();
    const res = await stolen.get('/');
    expect(res.statusCode).toBe(303);
    expect(sessionRow(ctx.database, copy.sid)).toBeUndefined();
    // Signing in again afterwards works at once.
    const again = await signedIn(ctx.app, 'district-e01');
    expect((await again.get('/')).statusCode).toBe(200);
  });

  it('is set by a password reset and by disabling, but not by re-enabling', async () => {
    ctx = await appWithSlowRoute();
    await seedSmallCity(ctx.database);
    const admin = await signedIn(ctx.app, 'city');
    const validAfter = (login: string) => ctx!.database.db.select().from(users).where(eq(users.login, login)).get()!.sessionsValidAfter;
    const before = Date.now();
    const ward = userIdOf(ctx.database, 'ward-east');
    await admin.get('/users');
    await admin.post(`/users/${ward}/password`, { password: 'new-password-2026', password_confirm: 'new-password-2026' });
    expect(validAfter('ward-east')).toBeGreaterThanOrEqual(before);
    const district = userIdOf(ctx.database, 'district-w01');
    await admin.post(`/users/${district}/disable`, { confirmed: '1' });
    const disabledAt = validAfter('district-w01');
    expect(disabledAt).toBeGreaterThanOrEqual(before);
    await admin.post(`/users/${district}/enable`);
    expect(validAfter('district-w01')).toBe(disabledAt);
    expect((await signedIn(ctx.app, 'district-w01').then((c) => c.get('/'))).statusCode).toBe(200);
  });
});

describe('SqliteSessionStore saves', () => {
  const toError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));
  const set = (store: SqliteSessionStore, sid: string, data: Record<string, unknown>) =>
    new Promise<void>((resolve, reject) => store.set(sid, data as unknown as Fastify.Session, (err) => (err ? reject(toError(err)) : resolve())));
  const get = (store: SqliteSessionStore, sid: string) =>
    new Promise<Fastify.Session | null | undefined>((resolve, reject) => store.get(sid, (err, s) => (err ? reject(toError(err)) : resolve(s))));

  it('inserts a new session, updates a stored one, and never writes back a deleted one', async () => {
    const database = await openDatabase(':memory:');
    const store = new SqliteSessionStore(database.db, { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 });
    await set(store, 's1', { userId: null, createdAt: Date.now() });
    const loaded = (await get(store, 's1'))!;
    expect(loaded.stored).toBe(true);
    await set(store, 's1', { ...loaded, note: 'changed' });
    expect(JSON.parse(database.db.select().from(sessions).get()!.data)).toMatchObject({ note: 'changed' });
    database.db.delete(sessions).run(); // ended elsewhere while a request held it
    await set(store, 's1', { ...loaded, note: 'written back?' });
    expect(database.db.select().from(sessions).all()).toHaveLength(0);
    database.sqlite.close();
  });
});
