import { afterEach, describe, expect, it } from 'vitest';
import { eq, like } from 'drizzle-orm';
import { auditEvents } from '../../src/db/schema.js';
import { DEFAULT_THROTTLE_POLICY, SignInThrottle, loginKey } from '../../src/auth/throttle.js';
import { Client, createTestApp, seedSmallCity, TEST_PASSWORD, type TestContext } from '../support/app.js';

const MINUTE = 60_000;

describe('SignInThrottle (clock injected)', () => {
  const quick = { ...DEFAULT_THROTTLE_POLICY, slowStepMs: 100, slowMaxMs: 300 };

  it('lets the first failures through, then makes a login wait, doubling up to a short cap', () => {
    let now = 0;
    const t = new SignInThrottle(quick, () => now);
    for (let i = 0; i < 5; i++) {
      expect(t.check('taro', '10.0.0.1')).toEqual({ allowed: true });
      t.recordFailure('taro', '10.0.0.1');
    }
    const first = t.check('taro', '10.0.0.1');
    expect(first).toEqual({ allowed: false, reason: 'login', retryAfterMs: 30_000 });
    now += 30_000;
    expect(t.check('taro', '10.0.0.1').allowed).toBe(true);
    t.recordFailure('taro', '10.0.0.1');
    expect(t.check('taro', '10.0.0.1')).toMatchObject({ allowed: false, retryAfterMs: 60_000 });
    // However many failures, the wait never exceeds the cap (5 minutes).
    for (let i = 0; i < 30; i++) {
      now += 1000;
      t.recordFailure('taro', `10.0.1.${i}`);
    }
    const capped = t.check('taro', '10.0.0.9');
    expect(capped.allowed).toBe(false);
    if (!capped.allowed) expect(capped.retryAfterMs).toBe(5 * MINUTE);
    now += 5 * MINUTE;
    expect(t.check('taro', '10.0.0.9').allowed).toBe(true);
  });

  it('counts one login however it is typed (case, full-width, spaces)', () => {
    expect(loginKey(' ＴＡＲＯ ')).toBe('taro');
    const t = new SignInThrottle(quick, () => 0);
    for (const typed of ['taro', 'TARO', 'ｔａｒｏ', ' taro', 'Taro']) t.recordFailure(typed, '10.0.0.1');
    expect(t.check('taro', '10.0.0.2').allowed).toBe(false);
  });

  it('forgets failures after the window, and a success clears the login', () => {
    let now = 0;
    const t = new SignInThrottle(quick, () => now);
    for (let i = 0; i < 5; i++) t.recordFailure('hanako', '10.0.0.1');
    expect(t.check('hanako', '10.0.0.1').allowed).toBe(false);
    now += DEFAULT_THROTTLE_POLICY.windowMs + 1;
    expect(t.check('hanako', '10.0.0.1').allowed).toBe(true);
    for (let i = 0; i < 4; i++) t.recordFailure('hanako', '10.0.0.1');
    t.recordSuccess('hanako');
    t.recordFailure('hanako', '10.0.0.1');
    expect(t.check('hanako', '10.0.0.1').allowed).toBe(true);
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

  it('slows failed answers after a few failures, within a bound', () => {
    const t = new SignInThrottle(quick, () => 0);
    const delays = Array.from({ length: 10 }, () => t.recordFailure('jiro', '10.0.0.1'));
    expect(delays.slice(0, 3)).toEqual([0, 0, 0]);
    expect(delays[3]).toBe(100);
    expect(delays[4]).toBe(200);
    expect(Math.max(...delays)).toBe(300);
  });

  it('keeps memory bounded when someone tries endless made-up logins', () => {
    const t = new SignInThrottle({ ...quick, maxTrackedKeys: 50 }, () => 0);
    for (let i = 0; i < 1000; i++) t.recordFailure(`nobody-${i}`, `10.1.${i >> 8}.${i & 255}`);
    const internals = t as unknown as { byLogin: Map<string, unknown>; byAddress: Map<string, unknown> };
    expect(internals.byLogin.size).toBeLessThanOrEqual(50);
    expect(internals.byAddress.size).toBeLessThanOrEqual(50);
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

  it('refuses a login with 429 and a Japanese page after repeated failures; the right password also waits; time lets it through', async () => {
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
    expect(forbidden[0].detail).toContain('/trends?scope=district:W01');
    expect(forbidden[0].userId).not.toBeNull();
  });
});
