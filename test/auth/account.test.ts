import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents, users } from '../../src/db/schema.js';
import { verifyPassword } from '../../src/auth/passwords.js';
import { Client, createTestApp, seedSmallCity, signedIn, TEST_PASSWORD, type TestContext } from '../support/app.js';

let ctx: TestContext;
afterEach(async () => {
  await ctx?.close();
});

const storedHash = (login: string) => ctx.database.db.select().from(users).where(eq(users.login, login)).get()!;

describe('/account/password', () => {
  it('shows the form to a signed-in user and sends strangers to sign in', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const anonymous = await ctx.app.inject({ method: 'GET', url: '/account/password' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/login?next=%2Faccount%2Fpassword');
    const client = await signedIn(ctx.app, 'district-e01');
    const page = await client.get('/account/password');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('パスワードの変更');
    for (const name of ['current_password', 'new_password', 'new_password_confirm']) expect(page.body).toContain(`name="${name}"`);
    expect(page.body).toContain('autocomplete="new-password"');
  });

  it('changes the password, audits it without the hash, and ends the other sessions only', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const here = await signedIn(ctx.app, 'district-e01');
    const elsewhere = await signedIn(ctx.app, 'district-e01');
    const colleague = await signedIn(ctx.app, 'district-w01');
    await here.get('/account/password');
    const newPassword = '新しい あいことば 2026';
    const res = await here.post('/account/password', { current_password: TEST_PASSWORD, new_password: newPassword, new_password_confirm: newPassword });
    expect(res.statusCode).toBe(303);
    const row = storedHash('district-e01');
    expect(await verifyPassword(newPassword, row.passwordHash)).toBe(true);
    expect(row.passwordChangedAt).not.toBeNull();

    const home = await here.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('パスワードを変更しました');
    expect((await elsewhere.get('/')).statusCode).toBe(303);
    expect((await colleague.get('/')).statusCode).toBe(200);

    const audit = ctx.database.db.select().from(auditEvents).where(eq(auditEvents.entity, 'user')).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'update', userId: row.id, entityId: String(row.id) });
    const all = JSON.stringify(ctx.database.db.select().from(auditEvents).all());
    expect(all).not.toContain(newPassword);
    expect(all).not.toContain(TEST_PASSWORD);
    expect(all).not.toContain(row.passwordHash.split('$')[5]);

    // The new password signs in; the old one no longer does.
    expect((await new Client(ctx.app).signIn('district-e01', newPassword)).statusCode).toBe(303);
    expect((await new Client(ctx.app).signIn('district-e01')).statusCode).toBe(401);
  });

  it('refuses bad input with 422, a message beside each field and a summary, changing nothing', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'district-e01');
    await client.get('/account/password');
    const before = storedHash('district-e01').passwordHash;
    const cases: { fields: Record<string, string>; errors: Record<string, RegExp> }[] = [
      { fields: {}, errors: { current_password: /入力してください/, new_password: /入力してください/, new_password_confirm: /もう一度/ } },
      {
        fields: { current_password: 'wrong-password', new_password: 'abcdefgh1', new_password_confirm: 'abcdefgh1' },
        errors: { current_password: /違います/ },
      },
      { fields: { current_password: TEST_PASSWORD, new_password: 'short', new_password_confirm: 'short' }, errors: { new_password: /8文字以上/ } },
      {
        fields: { current_password: TEST_PASSWORD, new_password: 'x'.repeat(129), new_password_confirm: 'x'.repeat(129) },
        errors: { new_password: /128文字以内/ },
      },
      {
        fields: { current_password: TEST_PASSWORD, new_password: 'abcdefgh1', new_password_confirm: 'abcdefgh2' },
        errors: { new_password_confirm: /一致しません/ },
      },
      { fields: { current_password: TEST_PASSWORD, new_password: TEST_PASSWORD, new_password_confirm: TEST_PASSWORD }, errors: { new_password: /違うもの/ } },
    ];
    for (const c of cases) {
      const res = await client.post('/account/password', c.fields);
      expect(res.statusCode, JSON.stringify(c.fields)).toBe(422);
      expect(res.body).toContain('error-summary');
      for (const [field, message] of Object.entries(c.errors)) {
        const beside = new RegExp(`id="${field}-error">([^<]*)<`).exec(res.body);
        expect(beside?.[1], field).toMatch(message);
      }
      // Passwords are not written back into the page.
      for (const v of Object.values(c.fields)) if (v.length >= 5) expect(res.body).not.toContain(`value="${v}"`);
    }
    expect(storedHash('district-e01').passwordHash).toBe(before);
    // The form still works after the failures (the page carried a fresh CSRF token).
    const ok = await client.post('/account/password', { current_password: TEST_PASSWORD, new_password: 'abcdefgh-ok', new_password_confirm: 'abcdefgh-ok' });
    expect(ok.statusCode).toBe(303);
  });

  it('repeated wrong current passwords are throttled like sign-in (429) and audited', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'district-e01');
    await client.get('/account/password');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await client.post('/account/password', { current_password: `guess-${i}`, new_password: 'abcdefgh1', new_password_confirm: 'abcdefgh1' })).statusCode,
      );
    }
    expect(statuses).toEqual([422, 422, 422, 422, 422, 429]);
    const actions = ctx.database.db
      .select({ a: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.entity, 'user'))
      .all()
      .map((r) => r.a);
    expect(actions.filter((a) => a === 'password_change_failed')).toHaveLength(5);
    expect(actions).toContain('password_change_throttled');
  });

  it('a malformed body (repeated fields, JSON array) is a clean 4xx, never a 500', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const client = await signedIn(ctx.app, 'district-e01');
    await client.get('/account/password');
    const repeated = await client.post('/account/password', { current_password: [TEST_PASSWORD, 'x'], new_password: ['a', 'b'] });
    expect(repeated.statusCode).toBe(422);
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const json = await ctx.app.inject({
      method: 'POST',
      url: '/account/password',
      headers: { cookie, 'content-type': 'application/json' },
      payload: '[1,2,3]',
    });
    expect(json.statusCode).toBeGreaterThanOrEqual(400);
    expect(json.statusCode).toBeLessThan(500);
  });
});
