/**
 * The demo city never reaches production (issue 8 finding 1): off by default
 * with NODE_ENV=production, never created in a database that has any user,
 * and a production start refuses a database whose demo users still have the
 * published password.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { users, wards } from '../../src/db/schema.js';
import { DEMO_PASSWORD, ensureDemoCity } from '../../src/demo/demoCity.js';
import { prepareForStart, UnsafeSettingError } from '../../src/startup.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { addUser, addWard, TEST_SCRYPT } from '../support/app.js';

const open: Database$[] = [];
afterEach(() => {
  for (const d of open.splice(0)) d.sqlite.close();
});
async function emptyDatabase(): Promise<Database$> {
  const database = await openDatabase(':memory:');
  open.push(database);
  return database;
}
const PRODUCTION = { NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(48), TRUST_PROXY: '1' };
const userCount = (d: Database$) => d.db.select({ n: count() }).from(users).get()!.n;
const wardCount = (d: Database$) => d.db.select({ n: count() }).from(wards).get()!.n;

describe('demo city and production', () => {
  it('is not created in a database that has a user but no wards yet (the first step of a real installation)', async () => {
    const database = await emptyDatabase();
    await addUser(database, { login: 'admin1', role: 'city' });
    expect(await ensureDemoCity(database.db, { passwordParams: TEST_SCRYPT })).toBeNull();
    expect(wardCount(database)).toBe(0);
    expect(userCount(database)).toBe(1);
  });

  it('a production start without MIMAMORI_DEMO creates no demo, even on an empty database', async () => {
    const database = await emptyDatabase();
    const result = await prepareForStart(loadConfig(PRODUCTION), database.db);
    expect(result.demo).toBeNull();
    expect(userCount(database)).toBe(0);
    expect(wardCount(database)).toBe(0);
  });

  it('a production start after `user add admin1` creates no demo users', async () => {
    const database = await emptyDatabase();
    await addUser(database, { login: 'admin1', role: 'city' });
    await prepareForStart(loadConfig(PRODUCTION), database.db);
    expect(database.db.select({ login: users.login }).from(users).all()).toEqual([{ login: 'admin1' }]);
  });

  it('production refuses MIMAMORI_DEMO=on on a database that real users work in', async () => {
    const database = await emptyDatabase();
    addWard(database, '東区');
    await addUser(database, { login: 'admin1', role: 'city' });
    await expect(prepareForStart(loadConfig({ ...PRODUCTION, MIMAMORI_DEMO: 'on' }), database.db)).rejects.toThrow(UnsafeSettingError);
    await expect(prepareForStart(loadConfig({ ...PRODUCTION, MIMAMORI_DEMO: 'on' }), database.db)).rejects.toThrow(/デモ用以外の利用者/);
  });

  it('production refuses to start while a demo user still signs in with the published password', async () => {
    const database = await emptyDatabase();
    addWard(database, '東区');
    database.db
      .insert(users)
      .values({
        login: 'demo-city',
        displayName: 'デモ',
        role: 'city',
        passwordHash: await hashPassword(DEMO_PASSWORD, TEST_SCRYPT),
        createdAt: new Date().toISOString(),
      })
      .run();
    await expect(prepareForStart(loadConfig(PRODUCTION), database.db)).rejects.toThrow(/demo-city.*公開のパスワード/);
    // Outside production the same database starts (it is the demo).
    await expect(prepareForStart(loadConfig({ NODE_ENV: 'development' }), database.db)).resolves.toMatchObject({ demo: null });
  });

  it('warns when production runs without a proxy setting', async () => {
    const database = await emptyDatabase();
    const { warnings } = await prepareForStart(loadConfig({ ...PRODUCTION, TRUST_PROXY: 'false' }), database.db);
    expect(warnings.join('\n')).toMatch(/TRUST_PROXY/);
  });
});
