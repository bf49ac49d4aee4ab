import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Client, createTestApp, seedSmallCity, signedIn, TEST_PASSWORD, type TestContext } from '../support/app.js';
import { sessions, users } from '../../src/db/schema.js';
import { verifyPassword } from '../../src/auth/passwords.js';
import { auditOf, textOf } from './helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
let city: Client;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  city = await signedIn(ctx.app, 'city');
});
afterEach(async () => ctx.close());

function userRow(login: string) {
  return ctx.database.db.select().from(users).where(eq(users.login, login)).get();
}

const NEW_PASSWORD = 'はじめの-pass-2026';

function newUser(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    login: 'higashi-2',
    display_name: '東区社協 山田',
    role: 'ward',
    ward_id: String(ids.wardA),
    district_id: '',
    password: NEW_PASSWORD,
    password_confirm: NEW_PASSWORD,
    ...overrides,
  };
}

/** Every audit row must be free of password hashes. */
function expectNoHashInAudit() {
  for (const e of auditOf(ctx.database, 'user')) {
    expect(`${e.before} ${e.after} ${e.detail}`).not.toMatch(/scrypt\$|passwordHash|password_hash/);
  }
}

describe('GET /users', () => {
  it('lists users with role, scope and state', async () => {
    const res = await city.get('/users');
    expect(res.statusCode).toBe(200);
    const row = (login: string) => textOf(new RegExp(`<tr data-login="${login}"[^>]*>[\\s\\S]*?</tr>`).exec(res.body)![0]);
    expect(row('ward-east')).toContain('区社協 東区');
    expect(row('district-w01')).toContain('校(地)区社協 西区 西一校区');
    expect(row('city')).toContain('（あなた）');
    expect(row('city')).not.toContain('停止する');
    expect(row('ward-east')).toContain('利用中');
    // city staff first
    expect([...res.body.matchAll(/<tr data-login="([^"]+)"/g)].map((m) => m[1])[0]).toBe('city');
  });
});

describe('adding users', () => {
  it('adds a ward user (audited without the hash) who can then sign in', async () => {
    const res = await city.post('/users/new', newUser());
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/users');
    const row = userRow('higashi-2')!;
    expect(row).toMatchObject({ role: 'ward', wardId: ids.wardA, districtId: null, displayName: '東区社協 山田', disabled: false });
    expect(await verifyPassword(NEW_PASSWORD, row.passwordHash)).toBe(true);
    const created = auditOf(ctx.database, 'user', 'create');
    expect(created).toHaveLength(1);
    expect(JSON.parse(created[0]!.after!)).toEqual({
      login: 'higashi-2',
      displayName: '東区社協 山田',
      role: 'ward',
      wardId: ids.wardA,
      districtId: null,
      disabled: false,
    });
    expectNoHashInAudit();
    expect((await city.get('/users')).body).toContain('利用者「東区社協 山田」（higashi-2）を追加しました');

    const newcomer = new Client(ctx.app);
    await newcomer.get('/login');
    const signIn = await newcomer.post('/login', { login: 'higashi-2', password: NEW_PASSWORD });
    expect(signIn.statusCode).toBe(303);
    expect((await newcomer.get('/completeness')).statusCode).toBe(200);
    expect((await newcomer.get('/users')).statusCode).toBe(403);
  });

  it('adds district and city users with the right scope', async () => {
    expect(
      (await city.post('/users/new', newUser({ login: 'w01-b', role: 'district', ward_id: String(ids.wardA), district_id: String(ids.d3) }))).statusCode,
    ).toBe(303);
    expect(userRow('w01-b')).toMatchObject({ role: 'district', districtId: ids.d3, wardId: null });
    expect(
      (await city.post('/users/new', newUser({ login: 'city-2', role: 'city', ward_id: String(ids.wardA), district_id: String(ids.d1) }))).statusCode,
    ).toBe(303);
    expect(userRow('city-2')).toMatchObject({ role: 'city', districtId: null, wardId: null });
    const districtUser = new Client(ctx.app);
    expect((await districtUser.signIn('w01-b', NEW_PASSWORD)).statusCode).toBe(303);
    expect((await districtUser.get('/districts')).headers.location).toBe('/districts/W01');
  });

  it('refuses bad input with 422, keeping typed values but never the passwords', async () => {
    const cases: [Record<string, string>, string][] = [
      [newUser({ password: 'short', password_confirm: 'short' }), '8文字以上'],
      [newUser({ password_confirm: 'something-else-1' }), '確認用のパスワードが一致しません'],
      [newUser({ login: 'ward-east' }), 'このログインIDはすでに使われています'],
      [newUser({ ward_id: '' }), '担当の区を選んでください'],
      [newUser({ role: 'district', district_id: '' }), '担当の校(地)区を選んでください'],
      [newUser({ role: 'admin' }), '役割を選んでください'],
      [newUser({ login: 'a b' }), '半角の英字・数字'],
      [newUser({ display_name: '   ' }), '表示名を入力してください'],
    ];
    const countBefore = ctx.database.db.select().from(users).all().length;
    for (const [fields, message] of cases) {
      const res = await city.post('/users/new', fields);
      expect(res.statusCode, message).toBe(422);
      expect(res.body, message).toContain(message);
      expect(res.body).toContain('error-summary');
      expect(res.body).not.toContain(fields.password);
      expect(res.body).not.toContain(fields.password_confirm);
      expect(res.body).toMatch(/name="password" type="password" value=""/);
      const displayName = fields.display_name;
      if (displayName === undefined) throw new Error('case without a display name');
      if (displayName.trim()) expect(res.body).toContain(`value="${displayName}"`);
      if (fields.role === 'ward') expect(res.body).toMatch(/value="ward" checked/);
    }
    expect(ctx.database.db.select().from(users).all()).toHaveLength(countBefore);
    expect(auditOf(ctx.database, 'user')).toHaveLength(0);
  });
});

describe('disabling and enabling', () => {
  it("ends the user's existing session at once, and lets them back in when enabled", async () => {
    const ward = await signedIn(ctx.app, 'ward-west');
    expect((await ward.get('/completeness')).statusCode).toBe(200);
    const target = userRow('ward-west')!;
    const res = await city.post(`/users/${target.id}/disable`, { confirmed: '1' });
    expect(res.statusCode).toBe(303);
    expect(userRow('ward-west')!.disabled).toBe(true);
    expect(ctx.database.db.select().from(sessions).where(eq(sessions.userId, target.id)).all()).toHaveLength(0);

    // The session they already had stops working on the next request.
    const after = await ward.get('/completeness');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/login/);
    // And they cannot sign in again.
    const again = new Client(ctx.app);
    await again.get('/login');
    expect((await again.post('/login', { login: 'ward-west', password: TEST_PASSWORD })).statusCode).toBe(401);
    expect(textOf((await city.get('/users')).body)).toContain('停止中');

    expect((await city.post(`/users/${target.id}/enable`)).statusCode).toBe(303);
    expect(userRow('ward-west')!.disabled).toBe(false);
    expect((await again.post('/login', { login: 'ward-west', password: TEST_PASSWORD })).statusCode).toBe(303);

    const events = auditOf(ctx.database, 'user');
    expect(events.map((e) => e.action)).toEqual(['disable', 'enable']);
    const [disabled] = events;
    if (!disabled) throw new Error('no disable event');
    expect(JSON.parse(disabled.before!)).toMatchObject({ disabled: false });
    expect(JSON.parse(disabled.after!)).toMatchObject({ disabled: true });
    expectNoHashInAudit();
  });

  it('does not let city staff disable themselves, nor disable twice', async () => {
    const self = userRow('city')!;
    const res = await city.post(`/users/${self.id}/disable`, { confirmed: '1' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('ご自身を停止することはできません');
    expect(userRow('city')!.disabled).toBe(false);
    const other = userRow('district-e01')!;
    await city.post(`/users/${other.id}/disable`, { confirmed: '1' });
    expect((await city.post(`/users/${other.id}/disable`, { confirmed: '1' })).statusCode).toBe(409);
    expect((await city.post('/users/9999/disable', { confirmed: '1' })).statusCode).toBe(404);
    expect(auditOf(ctx.database, 'user')).toHaveLength(1);
  });
});

describe('password reset', () => {
  it('sets a new password typed twice (audited without the hash) and ends their sessions', async () => {
    const district = await signedIn(ctx.app, 'district-e01');
    const target = userRow('district-e01')!;
    const page = await city.get(`/users/${target.id}/password`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('district-e01');
    const res = await city.post(`/users/${target.id}/password`, { password: 'kari-password-9', password_confirm: 'kari-password-9' });
    expect(res.statusCode).toBe(303);
    const row = userRow('district-e01')!;
    expect(await verifyPassword('kari-password-9', row.passwordHash)).toBe(true);
    expect(row.passwordChangedAt).not.toBeNull();
    expect((await district.get('/')).statusCode).toBe(303);
    const events = auditOf(ctx.database, 'user', 'password_reset');
    expect(events).toHaveLength(1);
    expect(events[0]!.entityId).toBe(String(target.id));
    expectNoHashInAudit();
    const fresh = new Client(ctx.app);
    await fresh.get('/login');
    expect((await fresh.post('/login', { login: 'district-e01', password: 'kari-password-9' })).statusCode).toBe(303);
  });

  it('refuses short or mismatched passwords with 422 and changes nothing', async () => {
    const target = userRow('district-e01')!;
    const short = await city.post(`/users/${target.id}/password`, { password: 'abc', password_confirm: 'abc' });
    expect(short.statusCode).toBe(422);
    expect(short.body).toContain('8文字以上');
    const mismatch = await city.post(`/users/${target.id}/password`, { password: 'long-enough-1', password_confirm: 'long-enough-2' });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.body).toContain('一致しません');
    expect(mismatch.body).not.toContain('long-enough-1');
    expect(userRow('district-e01')!.passwordHash).toBe(target.passwordHash);
    expect(auditOf(ctx.database, 'user')).toHaveLength(0);
  });

  it('sends city staff to the account page for their own password', async () => {
    const self = userRow('city')!;
    const res = await city.get(`/users/${self.id}/password`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/password');
    expect((await city.post(`/users/${self.id}/password`, { password: 'long-enough-1', password_confirm: 'long-enough-1' })).statusCode).toBe(409);
  });
});
