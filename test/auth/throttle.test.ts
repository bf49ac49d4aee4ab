import { afterEach, describe, expect, it } from 'vitest';
import { eq, like } from 'drizzle-orm';
import { auditEvents } from '../../src/db/schema.js';
import { DEFAULT_THROTTLE_POLICY, SignInThrottle, loginKey } from '../../src/auth/throttle.js';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Client, createTestApp, seedSmallCity, signedIn, TEST_PASSWORD, type TestContext } from '../support/app.js';

/** Opens the sign-in page and signs in from a given address (a browser of its own: cookie and token). */
async function signInFrom(app: FastifyInstance, address: string, login: string, password: string): Promise<LightMyRequestResponse> {
  const page = await app.inject({ method: 'GET', url: '/login', remoteAddress: address });
  const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!csrf) throw new Error('no _csrf field on the sign-in page');
  return app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: address,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, login, password }).toString(),
  });
}

const MINUTE = 60_000;

describe('SignInThrottle (clock injected)', () => {
  const quick = { ...DEFAULT_THROTTLE_POLICY, loginSlowStepMs: 100, loginSlowMaxMs: 300 };

  it('lets the first failures of a login from one address through, then makes that pair wait, doubling up to a short cap', () => {
    let now = 0;
    const t = new SignInThrottle(quick, () => now);
    for (let i = 0; i < 5; i++) {
      expect(t.check('taro', '10.0.0.1').allowed).toBe(true);
      t.recordFailure('taro', '10.0.0.1');
    }
    const first = t.check('taro', '10.0.0.1');
    expect(first).toEqual({ allowed: false, reason: 'pair', retryAfterMs: 30_000 });
    now += 30_000;
    expect(t.check('taro', '10.0.0.1').allowed).toBe(true);
    t.recordFailure('taro', '10.0.0.1');
    expect(t.check('taro', '10.0.0.1')).toMatchObject({ allowed: false, retryAfterMs: 60_000 });
    // However many failures, the wait never exceeds the cap (5 minutes).
    for (let i = 0; i < 20; i++) {
      now += 1000;
      t.recordFailure('taro', '10.0.0.1');
    }
    const capped = t.check('taro', '10.0.0.1');
    expect(capped.allowed).toBe(false);
    if (!capped.allowed) expect(capped.retryAfterMs).toBe(5 * MINUTE);
    now += 5 * MINUTE;
    expect(t.check('taro', '10.0.0.1').allowed).toBe(true);
  });

  it('never refuses a login from an address without failures, however often it failed elsewhere: it only slows it down', () => {
    const t = new SignInThrottle(quick, () => 0);
    for (let i = 0; i < 200; i++) t.recordFailure('taro', `10.0.${i >> 8}.${i & 255}`);
    const decision = t.check('taro', '192.0.2.50');
    expect(decision).toEqual({ allowed: true, delayMs: 300 });
    // Other logins are neither refused nor slowed.
    expect(t.check('hanako', '10.0.0.1')).toEqual({ allowed: true, delayMs: 0 });
  });

  it('counts one login however it is typed (case, full-width, spaces)', () => {
    expect(loginKey(' ＴＡＲＯ ')).toBe('taro');
    const t = new SignInThrottle(quick, () => 0);
    for (const typed of ['taro', 'TARO', 'ｔａｒｏ', ' taro', 'Taro']) t.recordFailure(typed, '10.0.0.1');
    expect(t.check('taro', '10.0.0.1').allowed).toBe(false);
    expect(t.check('taro', '10.0.0.2')).toMatchObject({ allowed: true });
  });

  it('forgets failures after the window, and a success clears the login and the pair', () => {
    let now = 0;
    const t = new SignInThrottle(quick, () => now);
    for (let i = 0; i < 5; i++) t.recordFailure('hanako', '10.0.0.1');
    expect(t.check('hanako', '10.0.0.1').allowed).toBe(false);
    now += DEFAULT_THROTTLE_POLICY.windowMs + 1;
    expect(t.check('hanako', '10.0.0.1')).toEqual({ allowed: true, delayMs: 0 });
    for (let i = 0; i < 4; i++) t.recordFailure('hanako', '10.0.0.1');
    t.recordSuccess('hanako', '10.0.0.1');
    t.recordFailure('hanako', '10.0.0.1');
    expect(t.check('hanako', '10.0.0.1')).toEqual({ allowed: true, delayMs: 0 });
  });

  it('refuses an address that fails for many logins, without touching those logins elsewhere', () => {
    let now = 0;
    const t = new SignInThrottle(quick, () => now);
    for (let i = 0; i < 30; i++) {
      now += 1000;
      t.recordFailure(`user${i}`, '192.0.2.7');
    }
    const refused = t.check('someone', '192.0.2.7');
    expect(refused).toMatchObject({ allowed: false, reason: 'address' });
    if (!refused.allowed) expect(refused.retryAfterMs).toBeLessThanOrEqual(DEFAULT_THROTTLE_POLICY.windowMs);
    expect(t.check('user3', '198.51.100.1').allowed).toBe(true);
    now += DEFAULT_THROTTLE_POLICY.windowMs;
    expect(t.check('someone', '192.0.2.7').allowed).toBe(true);
  });

  it('slows every attempt at a login after a few failures, within a bound', () => {
    const t = new SignInThrottle(quick, () => 0);
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      const d = t.check('jiro', `10.0.0.${i}`);
      delays.push(d.allowed ? d.delayMs : -1);
      t.recordFailure('jiro', `10.0.0.${i}`);
    }
    expect(delays.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(delays[4]).toBe(100);
    expect(delays[5]).toBe(200);
    expect(Math.max(...delays)).toBe(300);
  });

  it('lists current lockouts and clears them one by one', () => {
    const now = 1_000_000;
    const t = new SignInThrottle(quick, () => now);
    for (let i = 0; i < 5; i++) t.recordFailure('Taro', '10.0.0.1');
    for (let i = 0; i < 30; i++) t.recordFailure(`guess${i}`, '192.0.2.7');
    const listed = t.lockouts();
    expect(listed).toContainEqual({ kind: 'pair', login: 'taro', address: '10.0.0.1', failures: 5, until: now + 30_000 });
    expect(listed).toContainEqual({ kind: 'address', login: null, address: '192.0.2.7', failures: 30, until: now + DEFAULT_THROTTLE_POLICY.windowMs });
    expect(t.slowedLogins()).toEqual([{ login: 'taro', failures: 5, delayMs: 200 }]);
    expect(t.clearPair('taro', '10.0.0.1')).toBe(true);
    expect(t.check('taro', '10.0.0.1').allowed).toBe(true);
    expect(t.clearAddress('192.0.2.7')).toBe(true);
    expect(t.check('anyone', '192.0.2.7').allowed).toBe(true);
    expect(t.clearLogin('TARO')).toBe(true);
    expect(t.check('taro', '10.0.0.9')).toEqual({ allowed: true, delayMs: 0 });
    expect(t.lockouts()).toEqual([]);
    expect(t.clearPair('taro', '10.0.0.1')).toBe(false);
  });

  it('keeps memory bounded when someone tries endless made-up logins', () => {
    const t = new SignInThrottle({ ...quick, maxTrackedKeys: 50 }, () => 0);
    for (let i = 0; i < 1000; i++) t.recordFailure(`nobody-${i}`, `10.1.${i >> 8}.${i & 255}`);
    const internals = t as unknown as { byLogin: Map<string, unknown>; byAddress: Map<string, unknown>; byPair: Map<string, unknown> };
    expect(internals.byLogin.size).toBeLessThanOrEqual(50);
    expect(internals.byAddress.size).toBeLessThanOrEqual(50);
    expect(internals.byPair.size).toBeLessThanOrEqual(50);
  });
});

describe('sign-in throttling in the app', () => {
  let ctx: TestContext | undefined;
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
  });

  async function attempt(client: Client, login: string, password: string) {
    return client.post('/login', { login, password });
  }

  it('refuses a login from one address with 429 and a Japanese page after repeated failures there; the right password also waits there; time lets it through', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    let now = Date.now();
    ctx.app.signInThrottle.now = () => now;
    const client = new Client(ctx.app);
    await client.get('/login');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempt(client, 'district-e01', `wrong-${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);

    const refused = await attempt(client, 'district-e01', TEST_PASSWORD);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/text\/html/);
    expect(refused.body).toContain('しばらくログインを受け付けません');
    expect(refused.body).toContain('約1分後');
    expect(Number(refused.headers['retry-after'])).toBe(30);
    expect(refused.body).toContain('value="district-e01"'); // what was typed stays

    // Another user is not affected.
    const other = new Client(ctx.app);
    expect((await other.signIn('district-w01')).statusCode).toBe(303);
    // Nor is the same user from another address.
    expect((await signInFrom(ctx.app, '198.51.100.20', 'district-e01', TEST_PASSWORD)).statusCode).toBe(303);

    // Half a minute later the real user gets in.
    now += 31_000;
    expect((await attempt(client, 'district-e01', TEST_PASSWORD)).statusCode).toBe(303);
  });

  it('refuses an address that guesses many logins, with 429', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = new Client(ctx.app);
    await client.get('/login');
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await attempt(client, `guess-${i}`, 'x')).statusCode);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
    const page = await attempt(client, 'city', TEST_PASSWORD);
    expect(page.statusCode).toBe(429);
    expect(page.body).toContain('この端末からのログインの失敗が続いたため');
  });

  it('writes every success, failure and refusal to the audit log, never the password', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    ctx.app.signInThrottle.now = () => 1_900_000_000_000;
    const client = new Client(ctx.app);
    await client.get('/login');
    const secretGuesses = ['秘密のあいことば-1', 'Tr0ub4dor&3-2', 'p@ss-3', 'p@ss-4', 'p@ss-5', 'p@ss-6'];
    for (const guess of secretGuesses) await attempt(client, 'ward-east', guess);
    await attempt(client, 'no-such-user', 'whatever-7');
    expect((await client.signIn('city')).statusCode).toBe(303);

    const rows = ctx.database.db.select().from(auditEvents).where(eq(auditEvents.entity, 'session')).all();
    const actions = rows.map((r) => r.action);
    expect(actions.filter((a) => a === 'sign_in_failed')).toHaveLength(6);
    expect(actions.filter((a) => a === 'sign_in_throttled')).toHaveLength(1);
    expect(actions.filter((a) => a === 'sign_in')).toHaveLength(1);
    expect(rows.find((r) => r.action === 'sign_in_failed' && r.detail?.includes('login=no-such-user'))).toBeDefined();
    const everything = JSON.stringify(ctx.database.db.select().from(auditEvents).all());
    for (const secret of [...secretGuesses, 'whatever-7', TEST_PASSWORD]) expect(everything).not.toContain(secret);
  });

  it('an inflated flood from one address is refused by the coarse rate limit with a Japanese 429 page', async () => {
    ctx = await createTestApp();
    const client = new Client(ctx.app);
    await client.get('/login');
    // Forged tokens: refused (403) without ever reaching the password check, but still counted.
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await client.post('/login', { _csrf: 'forged', login: 'x', password: 'y' })).statusCode);
    expect(statuses.slice(0, 60).every((s) => s === 403)).toBe(true);
    const last = await client.post('/login', { _csrf: 'forged', login: 'x', password: 'y' });
    expect(last.statusCode).toBe(429);
    expect(last.body).toContain('短い時間にログインの操作が多すぎます');
  });

  it('refused authorizations are audited (403)', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = new Client(ctx.app);
    await client.signIn('district-e01');
    const res = await client.get('/trends?scope=district:W01');
    expect(res.statusCode).toBe(403);
    const forbidden = ctx.database.db.select().from(auditEvents).where(like(auditEvents.action, 'forbidden')).all();
    expect(forbidden).toHaveLength(1);
    expect(forbidden.at(0)?.detail).toContain('/trends?scope=district:W01');
    expect(forbidden.at(0)?.userId).not.toBeNull();
  });
});

describe('a lockout cannot be used against the user', () => {
  let ctx: TestContext | undefined;
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
  });

  it('failures for a login from other addresses only slow it down: the right password from a clean address signs in', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    // Someone who knows the login tries it from six addresses (a few tries each would do the same).
    for (let i = 1; i <= 6; i++) expect((await signInFrom(ctx.app, `203.0.113.${i}`, 'district-e01', `guess-${i}`)).statusCode).toBe(401);
    const started = Date.now();
    const res = await signInFrom(ctx.app, '198.51.100.20', 'district-e01', TEST_PASSWORD);
    expect(res.statusCode).toBe(303);
    // Slowed, not refused: six failures make every attempt wait (3 beyond the free ones × 400 ms).
    expect(Date.now() - started).toBeGreaterThanOrEqual(1100);
  });

  it('failures from one address hold back that login there only; other logins from that address still work', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    for (let i = 0; i < 5; i++) expect((await signInFrom(ctx.app, '203.0.113.9', 'district-e01', `guess-${i}`)).statusCode).toBe(401);
    expect((await signInFrom(ctx.app, '203.0.113.9', 'district-e01', TEST_PASSWORD)).statusCode).toBe(429);
    expect((await signInFrom(ctx.app, '203.0.113.9', 'district-w01', TEST_PASSWORD)).statusCode).toBe(303);
    expect((await signInFrom(ctx.app, '198.51.100.20', 'district-e01', TEST_PASSWORD)).statusCode).toBe(303);
  });
});

describe('lockouts on the users page', () => {
  let ctx: TestContext | undefined;
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
  });

  it('a city user sees a login held back at an address and clears it (audited); the user then signs in there', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    for (let i = 0; i < 5; i++) await signInFrom(ctx.app, '203.0.113.9', 'ward-east', `guess-${i}`);
    expect((await signInFrom(ctx.app, '203.0.113.9', 'ward-east', TEST_PASSWORD)).statusCode).toBe(429);

    const city = await signedIn(ctx.app, 'city');
    const page = await city.get('/users');
    expect(page.statusCode).toBe(200);
    const section = /<section[^>]*id="lockouts"[\s\S]*?<\/section>/.exec(page.body)![0];
    const row = /<tr data-lockout="pair">[\s\S]*?<\/tr>/.exec(section)![0];
    expect(row).toContain('203.0.113.9');
    expect(row).toContain('ward-east');
    expect(row).toContain('5回');
    expect(row).toContain('まで受け付けません');
    // The login is also listed as slowed down (nobody is refused for that).
    expect(section).toContain('data-lockout="login"');

    // Without the page's token nothing is cleared.
    expect((await city.post('/users/lockouts/clear', { _csrf: 'forged', kind: 'pair', login: 'ward-east', address: '203.0.113.9' })).statusCode).toBe(403);
    expect((await signInFrom(ctx.app, '203.0.113.9', 'ward-east', TEST_PASSWORD)).statusCode).toBe(429);

    const res = await city.post('/users/lockouts/clear', { kind: 'pair', login: 'ward-east', address: '203.0.113.9' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/users#lockouts');
    const after = await city.get('/users');
    expect(after.body).toContain('端末（203.0.113.9）からの「ward-east」のログインの制限を解除しました。');
    expect(after.body).not.toContain('data-lockout="pair"');
    const audit = ctx.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'lockout_cleared')).all();
    expect(audit).toHaveLength(1);
    expect(audit.at(0)?.detail).toContain('login=ward-east');
    expect(audit.at(0)?.detail).toContain('ip=203.0.113.9');
    expect((await signInFrom(ctx.app, '203.0.113.9', 'ward-east', TEST_PASSWORD)).statusCode).toBe(303);
  });

  it('a refused address (an office behind one NAT) is listed and can be cleared', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    for (let i = 0; i < 30; i++) await signInFrom(ctx.app, '192.0.2.7', `guess-${i}`, 'x');
    expect((await signInFrom(ctx.app, '192.0.2.7', 'district-w01', TEST_PASSWORD)).statusCode).toBe(429);
    const city = await signedIn(ctx.app, 'city');
    const page = await city.get('/users');
    expect(/<tr data-lockout="address">[\s\S]*?<\/tr>/.exec(page.body)![0]).toContain('192.0.2.7');
    expect((await city.post('/users/lockouts/clear', { kind: 'address', address: '192.0.2.7' })).statusCode).toBe(303);
    expect((await signInFrom(ctx.app, '192.0.2.7', 'district-w01', TEST_PASSWORD)).statusCode).toBe(303);
  });

  it('shows that nothing is held back when nothing is; ward users cannot clear anything', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const city = await signedIn(ctx.app, 'city');
    expect((await city.get('/users')).body).toContain('いまかかっている制限はありません。');
    const ward = await signedIn(ctx.app, 'ward-east');
    expect((await ward.post('/users/lockouts/clear', { kind: 'address', address: '127.0.0.1' })).statusCode).toBe(403);
    expect(ctx.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'lockout_cleared')).all()).toHaveLength(0);
  });
});
