import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents } from '../../src/db/schema.js';
import type { RegisteredRoute } from '../../src/auth/plugin.js';
import { createTestApp, signedIn, type Client, type TestContext } from '../support/app.js';
import { seedCityWithWestRecords, tableContents } from './populate.js';

/*
 * Access control in one place (ASVS 8): every registered route declares its
 * guard in its options (src/guards/guard.ts), and is either public by design, or
 * refuses an anonymous request and a signed-in user outside its scope. Routes
 * are collected from the app itself, so this keeps working as features add
 * routes; a new route without a guard, or whose guard fits none of the rules
 * below, fails here until someone decides which rule it follows.
 */

/** Open to everyone, on purpose. */
const PUBLIC_BY_DESIGN = new Set(['GET /login', 'POST /login', 'POST /logout', 'GET /static/*']);

/** Any signed-in user, about themselves only: nothing in the URL names a ward or district. */
const OWN_SCOPE_ONLY: Record<string, string> = {
  'GET /': 'start page of the signed-in user',
  'GET /account/password': "the user's own password",
  'POST /account/password': "the user's own password",
};

/**
 * Routes whose scope is chosen in the query string: the query that names
 * something outside the outsider's scope, per outsider.
 */
function queryScoped(wardB: number): Record<string, Partial<Record<Outsider, string>>> {
  const trend = { 'district-e01': 'scope=district:W01', 'ward-east': 'scope=ward:%E8%A5%BF%E5%8C%BA' } as const;
  const chart = { 'district-e01': 'scope=district:W01&item=1', 'ward-east': 'scope=district:W01&item=1' } as const;
  return {
    'GET /trends': trend,
    'GET /trends/households': trend,
    'GET /api/trends': trend,
    'GET /trends/export.csv': trend,
    'GET /trends/export.xlsx': trend,
    'GET /trends/households/export.csv': trend,
    'GET /trends/households/export.xlsx': trend,
    'GET /charts/trend': chart,
    'GET /charts/trend.svg': chart,
    // District staff are sent to their own district whatever the query says (checked separately below).
    'GET /districts': { 'ward-east': `ward=${wardB}` },
    'GET /completeness': { 'ward-east': `ward=${wardB}` },
    'GET /completeness/overdue': { 'ward-east': `ward=${wardB}` },
    'GET /completeness/overdue.csv': { 'ward-east': `ward=${wardB}` },
  };
}

type Outsider = 'district-e01' | 'ward-east';

/**
 * Who is outside a route by its guard alone, whatever the URL names: district staff
 * of every city-level and ward-level route, ward staff of city work (write, admin)
 * and of a ward named in the path (filled with the west ward).
 */
function outsidersByGuard(route: RegisteredRoute): Outsider[] {
  const g = route.guard;
  if (!g) return [];
  switch (g.kind) {
    case 'city':
    case 'agendaSheet':
      return g.action === 'read' ? ['district-e01'] : ['ward-east', 'district-e01'];
    case 'ward': {
      const who: Outsider[] = g.districtStaff === 'redirect' ? [] : ['district-e01'];
      if (g.action === 'admin' || hasParam(route.url, 'wardId') || hasParam(route.url, 'ward')) who.push('ward-east');
      return who;
    }
    default:
      return [];
  }
}

/** Plausible values for any form, so that a handler that validates before it authorizes still reaches the check. */
const PLAUSIBLE_FIELDS: Record<string, string> = {
  watched_elderly: '1',
  watched_disability: '1',
  watched_single_parent: '1',
  watched_other: '1',
  welfare_cooperators: '1',
  mutual_aid_cases: '1',
  coordination_meetings: '1',
  well_club_participants: '1',
  note: 'outsider',
  version: '1',
  name: 'outsider',
  venue: 'outsider',
  opened_on: '2024-04-01',
  closed_on: '2025-03-31',
  subsidy_applied: '1',
  generation: '1',
  formulated_fy: '2024',
  first_fy: '2024',
  last_fy: '2028',
  fiscal_year: '2024',
  title: 'outsider',
  body: 'outsider',
  heading: 'outsider',
  login: 'outsider-user',
  display_name: 'outsider',
  role: 'city',
  password: 'outsider-password',
  confirm: 'outsider',
};

/** Fills :params generically from the seeded small city (W01 is in the west ward; id 1 of every register is W01's). */
function fillParams(url: string, code: string): string {
  return url.replace(/:(\w+)/g, (_m, name: string) => {
    if (name === 'code' || name === 'districtCode') return code;
    // A ward in the URL: the west ward, outside the east ward's staff.
    if (name === 'wardId' || name === 'ward') return String(wardB);
    if (name === 'month') return '2024-04';
    if (name === 'fy') return '2024';
    return '1';
  });
}

const hasParam = (url: string, name: string) => new RegExp(`:${name}\\b`).test(url);
const namesDistrict = (url: string) => hasParam(url, 'code') || hasParam(url, 'districtCode');
const isApi = (url: string) => url.startsWith('/api/');

let ctx: TestContext;
let routes: RegisteredRoute[];
let clients: Record<Outsider | 'city', Client>;
let wardB: number;

beforeAll(async () => {
  ctx = await createTestApp();
  ({ wardB } = await seedCityWithWestRecords(ctx.database));
  routes = ctx.app.registeredRoutes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
  clients = {
    city: await signedIn(ctx.app, 'city'),
    'ward-east': await signedIn(ctx.app, 'ward-east'),
    'district-e01': await signedIn(ctx.app, 'district-e01'),
  };
});
afterAll(async () => {
  await ctx?.close();
});

/** Everything users record, to prove a refused request changed nothing (sessions and the audit log may grow). */
function recordedData(): Record<string, unknown[]> {
  const all = tableContents(ctx.database);
  delete all.sessions;
  delete all.audit_events;
  return all;
}

async function request(client: Client | null, method: string, url: string) {
  if (client === null) {
    return ctx.app.inject({
      method: method as 'GET',
      url,
      ...(method === 'GET'
        ? {}
        : { payload: new URLSearchParams(PLAUSIBLE_FIELDS).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    });
  }
  if (method === 'GET') return client.get(url);
  if (method === 'POST') {
    await client.get('/'); // a fresh CSRF token
    return client.post(url, PLAUSIBLE_FIELDS);
  }
  throw new Error(`no helper for ${method}`);
}

describe('every route goes through the access rule', () => {
  it('the app has the routes of every feature registered (sanity: the registry works)', () => {
    const keys = new Set(routes.map((r) => `${r.method} ${r.url}`));
    for (const k of ['GET /login', 'POST /login', 'GET /', 'GET /trends', 'GET /api/trends', 'GET /account/password']) expect(keys).toContain(k);
    // The import page and the district templates go through the same rules as every page.
    for (const k of ['GET /imports', 'POST /imports', 'GET /imports/:id', 'POST /imports/:id', 'GET /districts/:code/years/:fy/template.xlsx'])
      expect(keys).toContain(k);
    expect(routes.length).toBeGreaterThan(10);
  });

  it('no route escapes the registry (all but the static files are registered after the auth plugin)', () => {
    // printRoutes lists every route the router knows; count its methods (HEAD is added automatically for GET).
    const printed = ctx.app.printRoutes({ commonPrefix: false });
    let methods = 0;
    for (const [, list] of printed.matchAll(/\(([A-Z, ]+)\)/g)) {
      if (list === undefined) throw new Error('method list not captured');
      methods += list
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== 'HEAD' && x !== 'OPTIONS').length;
    }
    const staticFiles = 1; // GET /static/*, registered before the auth plugin, public by design
    expect(methods).toBe(routes.length + staticFiles);
  });

  it('every route declares its guard in its options, and only guard.public() routes are public', () => {
    const undeclared = routes.filter((r) => r.guard === undefined).map((r) => `${r.method} ${r.url}`);
    expect(undeclared, 'routes without { preHandler: guard.…() } in their options').toEqual([]);
    for (const r of routes) expect(r.public, `${r.method} ${r.url}`).toBe(r.guard?.kind === 'public');
    // A route that names a district in its path loads it through the district guard.
    const districtRoutes = routes.filter((r) => namesDistrict(r.url));
    expect(districtRoutes.length).toBeGreaterThan(10);
    expect(districtRoutes.filter((r) => r.guard?.kind !== 'district').map((r) => `${r.method} ${r.url}`)).toEqual([]);
    // Routes for any signed-in user are exactly the ones that concern only the user.
    expect(
      routes
        .filter((r) => r.guard?.kind === 'signedIn')
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual(Object.keys(OWN_SCOPE_ONLY).sort());
  });

  it('public routes are exactly the allow-list', async () => {
    const publicRoutes = routes.filter((r) => r.public).map((r) => `${r.method} ${r.url}`);
    expect([...new Set(publicRoutes), 'GET /static/*'].sort()).toEqual([...PUBLIC_BY_DESIGN].sort());
    const staticFile = await ctx.app.inject({ method: 'GET', url: '/static/app.js' });
    expect(staticFile.statusCode).toBe(200);
    // Only files under public/ are served: no way out of the folder.
    for (const url of ['/static/../package.json', '/static/%2e%2e/package.json', '/static/..%2fsrc%2fconfig.ts']) {
      const res = await ctx.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).not.toBe(200);
      expect(res.body, url).not.toContain('"dependencies"');
    }
  });

  it('every other route refuses an anonymous request: 303 to the sign-in page, or 401 for JSON', async () => {
    const before = recordedData();
    const failures: string[] = [];
    for (const r of routes.filter((x) => !x.public)) {
      const url = fillParams(r.url, 'W01');
      const res = await request(null, r.method, url);
      const ok = isApi(url) ? res.statusCode === 401 : res.statusCode === 303 && /^\/login(\?|$)/.test(String(res.headers.location));
      if (!ok) failures.push(`${r.method} ${url} → ${res.statusCode} ${res.headers.location ?? ''}`);
    }
    expect(failures).toEqual([]);
    expect(recordedData()).toEqual(before);
  });

  it('every other route refuses a signed-in user outside its scope with 403, and changes nothing', async () => {
    const scopedByQuery = queryScoped(wardB);
    const failures: string[] = [];
    const unclassified: string[] = [];
    let checked = 0;
    for (const r of routes.filter((x) => !x.public)) {
      const key = `${r.method} ${r.url}`;
      const attempts: { who: Outsider; url: string }[] = [];
      for (const who of outsidersByGuard(r)) attempts.push({ who, url: fillParams(r.url, 'W01') });
      // City work on a district (edit, end): refused even to the staff of its own ward and to the district itself.
      if (r.guard?.kind === 'district' && r.guard.action === 'admin')
        attempts.push({ who: 'ward-east', url: fillParams(r.url, 'E01') }, { who: 'district-e01', url: fillParams(r.url, 'E01') });
      if (namesDistrict(r.url)) {
        attempts.push(
          { who: 'ward-east', url: fillParams(r.url, 'W01') },
          { who: 'district-e01', url: fillParams(r.url, 'W01') },
          { who: 'district-e01', url: fillParams(r.url, 'E02') },
        );
      }
      const byQuery = scopedByQuery[key];
      if (byQuery) for (const [who, query] of Object.entries(byQuery)) attempts.push({ who: who as Outsider, url: `${r.url}?${query}` });
      if (attempts.length === 0) {
        if (!(key in OWN_SCOPE_ONLY)) unclassified.push(key);
        continue;
      }
      for (const a of attempts) {
        const before = recordedData();
        const forbiddenBefore = ctx.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'forbidden')).all().length;
        const res = await request(clients[a.who], r.method, a.url);
        checked++;
        const label = `${a.who}: ${r.method} ${a.url} → ${res.statusCode}`;
        if (res.statusCode !== 403) failures.push(label);
        else if (/画面の有効期限が切れました/.test(res.body)) failures.push(`${label} (CSRF, not the access rule)`);
        else {
          // The refusal came from the access rule, which audits it.
          const forbiddenAfter = ctx.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'forbidden')).all().length;
          if (forbiddenAfter !== forbiddenBefore + 1) failures.push(`${label} (not audited)`);
        }
        if (JSON.stringify(recordedData()) !== JSON.stringify(before)) failures.push(`${label} CHANGED DATA`);
      }
    }
    expect(unclassified, 'routes that name no scope: add a rule or list them in OWN_SCOPE_ONLY with a reason').toEqual([]);
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });

  it('the same URLs with the right scope are not refused (so the 403s above mean something)', async () => {
    const failures: string[] = [];
    for (const r of routes.filter((x) => !x.public && x.method === 'GET')) {
      const url = fillParams(r.url, 'W01');
      const res = await clients.city.get(url);
      if (res.statusCode === 403 || res.statusCode >= 500 || res.statusCode === 401) failures.push(`city: GET ${url} → ${res.statusCode}`);
      if (r.guard?.kind === 'district' && r.guard.action !== 'admin') {
        const own = await clients['district-e01'].get(fillParams(r.url, 'E01').replace(/\/1(\/|$|\.)/, '/999999$1'));
        if (own.statusCode === 403 || own.statusCode >= 500) failures.push(`district-e01: GET ${fillParams(r.url, 'E01')} → ${own.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('district staff asking for another ward’s district list are sent to their own district', async () => {
    const res = await clients['district-e01'].get(`/districts?ward=${wardB}`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/districts/E01');
  });
});
