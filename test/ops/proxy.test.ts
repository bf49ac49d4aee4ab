/**
 * TRUST_PROXY (issue 8 finding 3): behind one proxy the client's address is
 * the one the proxy appended to X-Forwarded-For, never an entry the client
 * wrote itself; the sign-in audit and throttle see that address.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { like } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { configSchema } from '../../src/config.js';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { auditEvents } from '../../src/db/schema.js';
import { addUser, TEST_SCRYPT } from '../support/app.js';

const open: { app: FastifyInstance; database: Database$ }[] = [];
afterEach(async () => {
  for (const { app, database } of open.splice(0)) {
    await app.close();
    database.sqlite.close();
  }
});

/** The app with one extra public route that answers the address Fastify decided on. */
async function appBehind(trustProxy: string | undefined): Promise<{ app: FastifyInstance; database: Database$ }> {
  const config = configSchema.parse({
    NODE_ENV: 'test',
    DATABASE_PATH: ':memory:',
    MIMAMORI_DEMO: 'off',
    ...(trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy }),
  });
  const database = await openDatabase(':memory:');
  const app = await buildApp({ config, database, sessionSecret: 'x'.repeat(64), passwordParams: TEST_SCRYPT });
  app.get('/__ip', { config: { public: true } }, (request) => ({ ip: request.ip, ips: request.ips ?? null }));
  await app.ready();
  const ctx = { app, database };
  open.push(ctx);
  return ctx;
}

const PROXY = '127.0.0.1';
const FORGED = '203.0.113.9, 10.0.0.9';

async function ipSeen(app: FastifyInstance, remoteAddress: string, forwardedFor?: string): Promise<string> {
  const res = await app.inject({ method: 'GET', url: '/__ip', remoteAddress, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
  expect(res.statusCode).toBe(200);
  return res.json<{ ip: string }>().ip;
}

describe('TRUST_PROXY', () => {
  it('with one proxy hop, the address is the one the proxy appended, not the left-most one the client wrote', async () => {
    const { app } = await appBehind('1');
    expect(await ipSeen(app, PROXY, FORGED)).toBe('10.0.0.9');
    expect(await ipSeen(app, PROXY, '10.0.0.9')).toBe('10.0.0.9');
    expect(await ipSeen(app, PROXY)).toBe(PROXY);
  });

  it('with the proxy given by address, only that proxy is believed', async () => {
    const { app } = await appBehind('127.0.0.1');
    expect(await ipSeen(app, PROXY, FORGED)).toBe('10.0.0.9');
    // A client that reaches the app directly cannot claim another address.
    expect(await ipSeen(app, '198.51.100.7', FORGED)).toBe('198.51.100.7');
  });

  it('without TRUST_PROXY, X-Forwarded-For is ignored', async () => {
    const { app } = await appBehind(undefined);
    expect(await ipSeen(app, '198.51.100.7', FORGED)).toBe('198.51.100.7');
  });

  it('the sign-in audit records the real address, and the per-address throttle counts it however the client rotates its header', async () => {
    const { app, database } = await appBehind('1');
    await addUser(database, { login: 'city', role: 'city' });
    const statuses: number[] = [];
    // Different logins each time, so that only the per-address limit can stop them; bounded loop.
    for (let i = 0; i < 120 && !statuses.includes(429); i++) {
      const forwardedFor = `203.0.113.${i % 250}, 10.0.0.9`;
      const form = await app.inject({ method: 'GET', url: '/login', remoteAddress: PROXY, headers: { 'x-forwarded-for': forwardedFor } });
      const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
      const cookie = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const res = await app.inject({
        method: 'POST',
        url: '/login',
        remoteAddress: PROXY,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor, cookie },
        payload: new URLSearchParams({ _csrf: token, login: `nobody-${i}`, password: 'wrong-password' }).toString(),
      });
      statuses.push(res.statusCode);
    }
    expect(statuses[0]).toBe(401);
    expect(statuses).toContain(429);
    const details = database.db
      .select({ detail: auditEvents.detail })
      .from(auditEvents)
      .where(like(auditEvents.action, 'sign_in%'))
      .all()
      .map((r) => r.detail ?? '');
    expect(details.length).toBeGreaterThan(0);
    for (const d of details) {
      expect(d).toContain('10.0.0.9');
      expect(d).not.toContain('203.0.113.');
    }
  });
});
