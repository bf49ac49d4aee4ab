import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { buildApp } from '../../src/app.js';
import { configSchema } from '../../src/config.js';
import { openDatabase } from '../../src/db/index.js';
import { users } from '../../src/db/schema.js';
import {
  OWASP_SCRYPT,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  hashPassword,
  needsRehash,
  passwordProblem,
  verifyPassword,
} from '../../src/auth/passwords.js';
import { Client, createTestApp, seedSmallCity, TEST_PASSWORD, TEST_SCRYPT, type TestContext } from '../support/app.js';

describe('password hashing', () => {
  it('defaults to OWASP scrypt minimums: N=2^17, r=8, p=1', async () => {
    expect(OWASP_SCRYPT).toEqual({ N: 131072, r: 8, p: 1 });
    const hash = await hashPassword('みまもり-パスワード');
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(await verifyPassword('みまもり-パスワード', hash)).toBe(true);
    expect(needsRehash(hash)).toBe(false);
  });

  it('the app uses the OWASP parameters unless told otherwise', async () => {
    const database = await openDatabase(':memory:');
    const app = await buildApp({ config: configSchema.parse({ NODE_ENV: 'test', DATABASE_PATH: ':memory:' }), database, sessionSecret: 'k'.repeat(40) });
    expect(app.passwordParams).toEqual(OWASP_SCRYPT);
    await app.close();
    database.sqlite.close();
  });

  it('salts every hash and treats NFC/NFD forms of Japanese text as the same password', async () => {
    const a = await hashPassword('がっこう-password', TEST_SCRYPT);
    const b = await hashPassword('がっこう-password', TEST_SCRYPT);
    expect(a).not.toBe(b);
    expect(await verifyPassword('がっこう-password'.normalize('NFD'), a)).toBe(true);
  });

  it('rejects malformed stored hashes instead of throwing', async () => {
    for (const bad of ['', 'plain', 'scrypt$x$8$1$AAAA$BBBB', 'bcrypt$1$2$3$4$5', 'scrypt$1024$8$1$AAAA']) {
      expect(await verifyPassword('anything', bad)).toBe(false);
      expect(needsRehash(bad)).toBe(true);
    }
  });

  it('needsRehash notices any change of parameters', async () => {
    const hash = await hashPassword('x'.repeat(10), TEST_SCRYPT);
    expect(needsRehash(hash, TEST_SCRYPT)).toBe(false);
    expect(needsRehash(hash, { ...TEST_SCRYPT, N: 2048 })).toBe(true);
    expect(needsRehash(hash, { ...TEST_SCRYPT, r: 16 })).toBe(true);
    expect(needsRehash(hash, { ...TEST_SCRYPT, p: 2 })).toBe(true);
  });

  it('length rules: at least 8 and at most 128 characters, counted as people count them', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(8);
    expect(PASSWORD_MAX_LENGTH).toBe(128);
    expect(passwordProblem('1234567')).toMatch(/8文字以上/);
    expect(passwordProblem('12345678')).toBeNull();
    expect(passwordProblem('みまもりのあいことば')).toBeNull(); // 10 Japanese characters
    expect(passwordProblem('🐱🐱🐱🐱🐱🐱🐱')).toMatch(/8文字以上/); // 7 characters, 14 UTF-16 units
    expect(passwordProblem('a'.repeat(128))).toBeNull();
    expect(passwordProblem('a'.repeat(129))).toMatch(/128文字以内/);
    expect(passwordProblem('🐱'.repeat(128))).toBeNull();
  });
});

describe('hash upgrade at sign-in', () => {
  let ctx: TestContext | undefined;
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
  });

  it('re-hashes with the current parameters on a successful sign-in, and only then', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const old = await hashPassword(TEST_PASSWORD, { N: 512, r: 8, p: 1 });
    ctx.database.db.update(users).set({ passwordHash: old }).where(eq(users.login, 'ward-east')).run();
    const stored = () => ctx!.database.db.select({ h: users.passwordHash }).from(users).where(eq(users.login, 'ward-east')).get()!.h;

    const client = new Client(ctx.app);
    expect((await client.signIn('ward-east', 'not-the-password')).statusCode).toBe(401);
    expect(stored()).toBe(old);

    expect((await client.signIn('ward-east')).statusCode).toBe(303);
    const upgraded = stored();
    expect(upgraded).not.toBe(old);
    expect(upgraded.startsWith(`scrypt$${TEST_SCRYPT.N}$${TEST_SCRYPT.r}$${TEST_SCRYPT.p}$`)).toBe(true);
    expect(await verifyPassword(TEST_PASSWORD, upgraded)).toBe(true);
    expect((await new Client(ctx.app).signIn('ward-east')).statusCode).toBe(303);
  });
});
