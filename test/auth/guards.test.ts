import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '../../src/auth/access.js';
import { declaredGuard } from '../../src/auth/guardSpec.js';
import { districtInScope, guard, wardInScope } from '../../src/guards/guard.js';
import { ForbiddenError, NotFoundError } from '../../src/errors.js';
import { createTestApp, seedSmallCity, signedIn, type Client, type TestContext } from '../support/app.js';

/*
 * The guard factory (src/guards/guard.ts): each route declares one guard in its
 * options, which loads the record the URL names through the user's scope. An
 * unknown record is 404, one outside the user's scope 403 (DESIGN §1).
 */

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
let city: Client;
let wardEast: Client;
let districtE01: Client;

beforeAll(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  city = await signedIn(ctx.app, 'city');
  wardEast = await signedIn(ctx.app, 'ward-east');
  districtE01 = await signedIn(ctx.app, 'district-e01');
});
afterAll(async () => {
  await ctx?.close();
});

function user(partial: Partial<CurrentUser> & Pick<CurrentUser, 'role'>): CurrentUser {
  return { id: 1, login: 'x', displayName: 'x', wardId: null, districtId: null, wardName: null, districtCode: null, ...partial };
}

describe('declaring a guard', () => {
  it('a route reads the guard it declares from its preHandler, with its scope and action', () => {
    expect(declaredGuard({ preHandler: guard.district('write') })).toEqual({ kind: 'district', action: 'write' });
    expect(declaredGuard({ preHandler: [guard.city('admin')] })).toEqual({ kind: 'city', action: 'admin' });
    expect(declaredGuard({ preHandler: guard.ward('read', { wholeCity: true }) })).toEqual({
      kind: 'ward',
      action: 'read',
      wholeCity: true,
      districtStaff: 'refuse',
    });
    expect(declaredGuard({ preHandler: guard.public() })).toEqual({ kind: 'public' });
    expect(declaredGuard({})).toBeUndefined();
    // An ordinary preHandler is not a guard.
    expect(declaredGuard({ preHandler: (_request, _reply, done) => done() })).toBeUndefined();
  });

  it('two guards on one route are a mistake caught when the route is registered', () => {
    expect(() => declaredGuard({ preHandler: [guard.signedIn(), guard.city('read')] })).toThrow(/more than one guard/);
  });

  it('the registry records every route’s guard, and guard.public() makes a route public', () => {
    const byKey = new Map(ctx.app.registeredRoutes.map((r) => [`${r.method} ${r.url}`, r]));
    expect(byKey.get('GET /login')).toMatchObject({ public: true, guard: { kind: 'public' } });
    expect(byKey.get('GET /')).toMatchObject({ public: false, guard: { kind: 'signedIn' } });
    expect(byKey.get('POST /districts/:code/reports/:month')?.guard).toEqual({ kind: 'district', action: 'write' });
    expect(byKey.get('GET /agendas/:id/print')?.guard).toEqual({ kind: 'agendaSheet', action: 'read' });
    expect(byKey.get('GET /api/trends')?.guard).toEqual({ kind: 'scope', action: 'read' });
  });
});

describe('loading through the user’s scope', () => {
  it('a district: its own staff and its ward’s staff and the city may write it; others are refused; an unknown code is not found', () => {
    const { db } = ctx.database;
    const own = user({ role: 'district', districtId: ids.d1, wardId: ids.wardA, districtCode: 'E01' });
    const eastWard = user({ role: 'ward', wardId: ids.wardA });
    expect(districtInScope(db, own, 'write', 'E01').id).toBe(ids.d1);
    expect(districtInScope(db, eastWard, 'write', 'E02').id).toBe(ids.d2);
    expect(districtInScope(db, user({ role: 'city' }), 'admin', 'W01').id).toBe(ids.d3);
    expect(() => districtInScope(db, own, 'read', 'E02')).toThrow(ForbiddenError);
    expect(() => districtInScope(db, eastWard, 'read', 'W01')).toThrow(ForbiddenError);
    expect(() => districtInScope(db, eastWard, 'admin', 'E01')).toThrow(ForbiddenError);
    expect(() => districtInScope(db, own, 'read', 'NOPE')).toThrow(NotFoundError);
    expect(() => districtInScope(db, own, 'read', undefined)).toThrow(NotFoundError);
  });

  it('a ward: checked before it is looked up, so ward staff cannot learn which ids exist elsewhere', () => {
    const { db } = ctx.database;
    const eastWard = user({ role: 'ward', wardId: ids.wardA });
    expect(wardInScope(db, eastWard, 'read', ids.wardA).name).toBe('東区');
    expect(() => wardInScope(db, eastWard, 'read', ids.wardB)).toThrow(ForbiddenError);
    expect(() => wardInScope(db, eastWard, 'read', 999_999)).toThrow(ForbiddenError);
    expect(() => wardInScope(db, user({ role: 'city' }), 'read', 999_999)).toThrow(NotFoundError);
  });
});

describe('guards on the real routes', () => {
  it('guard.district: 404 for an unknown code, 403 outside the scope, the page inside it', async () => {
    expect((await wardEast.get('/districts/E01/salons')).statusCode).toBe(200);
    expect((await wardEast.get('/districts/W01/salons')).statusCode).toBe(403);
    expect((await districtE01.get('/districts/E02/history')).statusCode).toBe(403);
    const missing = await districtE01.get('/districts/NOPE/salons');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('その校(地)区は見つかりません。');
    // City work on a district: not even its own ward's staff.
    expect((await wardEast.get('/districts/E01/edit')).statusCode).toBe(403);
    expect((await city.get('/districts/E01/edit')).statusCode).toBe(200);
  });

  it('guard.ward: own ward by default, 403 for another ward, 404 for an unknown one, 422 for a malformed filter', async () => {
    expect((await wardEast.get('/completeness')).statusCode).toBe(200);
    expect((await wardEast.get(`/completeness?ward=${ids.wardA}`)).statusCode).toBe(200);
    expect((await wardEast.get(`/completeness?ward=${ids.wardB}`)).statusCode).toBe(403);
    expect((await city.get('/completeness')).statusCode).toBe(200);
    const unknown = await city.get('/completeness?ward=999999');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('指定された区が見つかりません。');
    expect((await city.get('/completeness?ward=abc')).statusCode).toBe(422);
    expect((await districtE01.get('/completeness')).statusCode).toBe(403);
    // The district list sends district staff to their own district whatever the query says.
    const list = await districtE01.get(`/districts?ward=${ids.wardB}`);
    expect(list.statusCode).toBe(303);
    expect(list.headers.location).toBe('/districts/E01');
  });

  it('guard.agendaSheet: composing is refused to ward staff before any sheet is looked up; unknown sheets are 404', async () => {
    expect((await wardEast.get('/agendas/999999/edit')).statusCode).toBe(403);
    expect((await city.get('/agendas/999999/edit')).statusCode).toBe(404);
    expect((await wardEast.get('/agendas/abc/print')).statusCode).toBe(404);
    expect((await districtE01.get('/agendas/999999/print')).statusCode).toBe(403);
  });

  it('guard.scope: the user’s own scope by default, 403 beyond it, 404 for a scope that does not exist', async () => {
    expect((await districtE01.get('/api/trends')).statusCode).toBe(200);
    expect((await districtE01.get('/api/trends?scope=district:E01')).statusCode).toBe(200);
    expect((await districtE01.get('/api/trends?scope=city')).statusCode).toBe(403);
    expect((await wardEast.get('/api/trends?scope=district:W01')).statusCode).toBe(403);
    expect((await wardEast.get('/api/trends?scope=city')).statusCode).toBe(200);
    expect((await city.get('/api/trends?scope=ward:nope')).statusCode).toBe(404);
  });

  it('guard.city and guard.public', async () => {
    expect((await wardEast.get('/settings')).statusCode).toBe(403);
    expect((await city.get('/settings')).statusCode).toBe(200);
    expect((await wardEast.get('/agendas')).statusCode).toBe(200);
    expect((await districtE01.get('/agendas')).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'GET', url: '/login' })).statusCode).toBe(200);
  });
});
