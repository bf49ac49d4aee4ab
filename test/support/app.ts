import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { configSchema } from '../../src/config.js';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { districts, users, wards, type Role } from '../../src/db/schema.js';
import { hashPassword, type ScryptParams } from '../../src/auth/passwords.js';
import { COUNT_FIELDS, type MonthlyValues } from '../../src/monthlyReports/repository.js';

/** Cheap scrypt cost for tests only; the app's default (OWASP) is tested in test/auth. */
export const TEST_SCRYPT: ScryptParams = { N: 1024, r: 8, p: 1 };
export const TEST_PASSWORD = 'correct-horse-battery';

export interface TestContext {
  app: FastifyInstance;
  database: Database$;
  close(): Promise<void>;
}

/** A fresh app on its own in-memory database. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestContext> {
  const config = configSchema.parse({ NODE_ENV: 'test', DATABASE_PATH: ':memory:', MIMAMORI_DEMO: 'off', ...env });
  const database = await openDatabase(':memory:');
  const app = await buildApp({ config, database, sessionSecret: 'x'.repeat(64), passwordParams: TEST_SCRYPT });
  await app.ready();
  return {
    app,
    database,
    async close() {
      await app.close();
      database.sqlite.close();
    },
  };
}

/** Adds a ward and returns its id. */
export function addWard(database: Database$, name: string, sortOrder = 0): number {
  return database.db.insert(wards).values({ name, kana: name, sortOrder }).returning({ id: wards.id }).get().id;
}

/** Adds a district and returns its id. */
export function addDistrict(
  database: Database$,
  d: { code: string; name: string; wardId: number; kana?: string; activeFrom?: number | null; activeTo?: number | null },
): number {
  return database.db
    .insert(districts)
    .values({ code: d.code, name: d.name, kana: d.kana ?? d.name, wardId: d.wardId, activeFrom: d.activeFrom ?? null, activeTo: d.activeTo ?? null })
    .returning({ id: districts.id })
    .get().id;
}

/** Adds a user with TEST_PASSWORD and returns its id. */
export async function addUser(
  database: Database$,
  u: { login: string; role: Role; wardId?: number | null; districtId?: number | null; disabled?: boolean },
): Promise<number> {
  return database.db
    .insert(users)
    .values({
      login: u.login,
      displayName: u.login,
      passwordHash: await hashPassword(TEST_PASSWORD, TEST_SCRYPT),
      role: u.role,
      wardId: u.wardId ?? null,
      districtId: u.districtId ?? null,
      disabled: u.disabled ?? false,
      createdAt: new Date().toISOString(),
    })
    .returning({ id: users.id })
    .get().id;
}

/** The small standard city most integration tests use: two wards, three districts, a user per role. */
export async function seedSmallCity(database: Database$) {
  const wardA = addWard(database, '東区', 1);
  const wardB = addWard(database, '西区', 2);
  const d1 = addDistrict(database, { code: 'E01', name: '東一校区', wardId: wardA, kana: 'ひがしいち' });
  const d2 = addDistrict(database, { code: 'E02', name: '東二校区', wardId: wardA, kana: 'ひがしに' });
  const d3 = addDistrict(database, { code: 'W01', name: '西一校区', wardId: wardB, kana: 'にしいち' });
  await addUser(database, { login: 'city', role: 'city' });
  await addUser(database, { login: 'ward-east', role: 'ward', wardId: wardA });
  await addUser(database, { login: 'ward-west', role: 'ward', wardId: wardB });
  await addUser(database, { login: 'district-e01', role: 'district', districtId: d1 });
  await addUser(database, { login: 'district-w01', role: 'district', districtId: d3 });
  return { wardA, wardB, d1, d2, d3 };
}

/** Cookie jar and CSRF token of a signed-in browser, for app.inject. */
export class Client {
  cookies = new Map<string, string>();
  csrfToken = '';
  constructor(private readonly app: FastifyInstance) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: LightMyRequestResponse): void {
    for (const c of res.cookies) this.cookies.set(c.name, c.value);
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token) this.csrfToken = token;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), ...headers } });
    this.remember(res);
    return res;
  }

  /** Posts a form (adds the current CSRF token unless the fields give one). */
  async post(url: string, fields: Record<string, string | string[]> = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    if (!('_csrf' in fields)) body.append('_csrf', this.csrfToken);
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    });
    this.remember(res);
    return res;
  }

  /** Signs in through the real sign-in page and route. */
  async signIn(login: string, password = TEST_PASSWORD): Promise<LightMyRequestResponse> {
    await this.get('/login');
    const res = await this.post('/login', { login, password });
    if (res.statusCode === 303) await this.get('/'); // pick up a CSRF token for later forms
    return res;
  }
}

/** Signs in a new client as `login`; fails the test if sign-in does not succeed. */
export async function signedIn(app: FastifyInstance, login: string): Promise<Client> {
  const client = new Client(app);
  const res = await client.signIn(login);
  if (res.statusCode !== 303) throw new Error(`sign-in as ${login} failed: ${res.statusCode}`);
  return client;
}

/** Monthly values with everything not reported except what is given. */
export function monthlyValues(partial: Partial<MonthlyValues> = {}): MonthlyValues {
  const values = { note: null } as MonthlyValues;
  for (const f of COUNT_FIELDS) values[f] = null;
  return { ...values, ...partial };
}
