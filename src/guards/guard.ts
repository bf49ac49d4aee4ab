/**
 * Route guards: who may call a route is declared in the route's options, in one style.
 *
 *   app.get('/districts/:code/salons', { preHandler: guard.district('read') }, async (request, reply) => {
 *     const district = loadedDistrict(request); // loaded once, through the user's scope
 *     …
 *   });
 *
 * | guard                         | who passes                                                         | hangs on the request |
 * |-------------------------------|--------------------------------------------------------------------|----------------------|
 * | guard.public()                | anyone, signed in or not (sign-in page, sign-out)                  | –                    |
 * | guard.signedIn()              | any signed-in user; the handler shows only the user's own things   | –                    |
 * | guard.city('read')            | city and ward staff (ward staff read the citywide totals)          | –                    |
 * | guard.city('write'/'admin')   | city staff only                                                    | –                    |
 * | guard.ward(action, options)   | the ward in `:wardId` / `:ward` / `?ward=`, if the user's scope holds it | request.ward   |
 * | guard.district(action)        | the district in `:code` / `:districtCode`, if the user's scope holds it | request.district |
 * | guard.agendaSheet(action)     | the sheet in `:id`: 'read' = every table's scope readable; 'admin' = city | request.agendaSheet |
 * | guard.scope('read')           | the figures scope in `?scope=` (city, ward:名前, district:コード), the user's own by default | request.scope |
 *
 * Actions are those of src/auth/access.ts: 'read', 'write', 'admin'. An unknown record is 404
 * (「…が見つかりません」); a record outside the user's scope is 403 (DESIGN §1: never data), and the
 * error handler audits it. Anonymous requests never reach a guard: the auth plugin sends them to the
 * sign-in page (401 for /api/). Every route must declare exactly one guard: the auth plugin records
 * it (`route.config.guard`, src/auth/guardSpec.ts) and test/security/access.test.ts refuses a route without one.
 *
 * The guards load records with the features' repositories, so they sit above the features and
 * below the routes: only files that declare routes import this module (test/web/structure.test.ts).
 */
import type { FastifyRequest } from 'fastify';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { wards } from '../db/schema.js';
import { z } from 'zod';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { districtCodeParam, idParam, wardIdParam } from '../web/params.js';
import { parseInput, parsePath } from '../web/replies.js';
import { can, type Action, type CurrentUser } from '../auth/access.js';
import { makeGuard, type Guard } from '../auth/guardSpec.js';
import { districtTarget, getDistrictByCode, type DistrictWithWard } from '../districts/repository.js';
import { defaultScopeKey, resolveScope, type Scope } from '../trends/repository.js';
import { cacheKey, lookupCache, requestDataVersion } from '../trends/cache.js';
import { authorizeCompose, authorizeSheetRead } from '../agendas/access.js';
import { getAgendaSheet, type AgendaSheetRow } from '../agendas/repository.js';

export type { Guard } from '../auth/guardSpec.js';

export type WardRow = typeof wards.$inferSelect;

declare module 'fastify' {
  interface FastifyRequest {
    /** The district the URL names, loaded by guard.district through the user's scope. */
    district: DistrictWithWard | null;
    /** The ward the request names, loaded by guard.ward (null: the whole city, for city staff). */
    ward: WardRow | null;
    /** The agenda sheet the URL names, loaded by guard.agendaSheet. */
    agendaSheet: AgendaSheetRow | null;
    /** The figures scope the query names (or the user's own), loaded by guard.scope. */
    scope: Scope | null;
  }
}

const DISTRICT_NOT_FOUND = 'その校(地)区は見つかりません。';
const WARD_NOT_FOUND = '指定された区が見つかりません。';
const SHEET_NOT_FOUND = 'その議題シートは見つかりません。';
const SCOPE_NOT_FOUND = '指定された区・校(地)区が見つかりません。';

function dbOf(request: FastifyRequest): Db {
  return request.server.database.db;
}

function stringParam(request: FastifyRequest, ...names: string[]): string | undefined {
  const params = (request.params ?? {}) as Record<string, unknown>;
  for (const name of names) {
    const value = params[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function queryParam(request: FastifyRequest, name: string): string | undefined {
  const value = ((request.query ?? {}) as Record<string, unknown>)[name];
  const first = Array.isArray(value) ? (value[0] as unknown) : value;
  return typeof first === 'string' ? first : undefined;
}

const wardQuery = z.object({ ward: wardIdParam });
const scopeKeyQuery = z.string().max(120);

/**
 * The district with this code as the user may `action` it: 404 when there is none (or the
 * code is malformed), 403 when it lies outside the user's scope.
 */
export function districtInScope(db: Db, user: CurrentUser, action: Action, code: string | undefined): DistrictWithWard {
  const district = getDistrictByCode(db, parsePath(districtCodeParam, code, DISTRICT_NOT_FOUND));
  if (!can(user, action, districtTarget(district))) throw new ForbiddenError();
  return district;
}

/**
 * The ward with this id as the user may `action` it. The scope is checked before the ward is
 * looked up, so staff of one ward cannot learn which ids exist elsewhere.
 */
export function wardInScope(db: Db, user: CurrentUser, action: Action, wardId: number): WardRow {
  if (!can(user, action, { kind: 'ward', wardId })) throw new ForbiddenError();
  const ward = db.select().from(wards).where(eq(wards.id, wardId)).get();
  if (!ward) throw new NotFoundError(WARD_NOT_FOUND);
  return ward;
}

export interface WardGuardOptions {
  /** A request that names no ward means the whole city for city staff (ward staff get their own ward). Default false: a ward must be named, or the user's own is taken. */
  wholeCity?: boolean;
  /** District staff have one district: send them to it instead of refusing (the district list). */
  districtStaff?: 'refuse' | 'redirect';
}

/** The guard factory: one function per scope, each taking the action. */
export const guard = {
  /** Anyone, signed in or not. */
  public: (): Guard => makeGuard({ kind: 'public' }, () => undefined),

  /** Any signed-in user; nothing in the URL names a ward or district, the handler shows the user's own things. */
  signedIn: (): Guard => makeGuard({ kind: 'signedIn' }, () => undefined),

  /** The whole city: 'read' for city and ward staff, 'write' and 'admin' for city staff. */
  city: (action: Action): Guard =>
    makeGuard({ kind: 'city', action }, (_request, _reply, user) => {
      if (!can(user, action, { kind: 'city' })) throw new ForbiddenError();
    }),

  /**
   * A ward named by `:wardId`, `:ward` or `?ward=` (its id), loaded through the user's scope into
   * `request.ward`. When none is named: ward staff get their own ward; city staff the whole city
   * (`request.ward` null) with `wholeCity`, else 404.
   */
  ward: (action: Action, options: WardGuardOptions = {}): Guard => {
    const wholeCity = options.wholeCity ?? false;
    const districtStaff = options.districtStaff ?? 'refuse';
    return makeGuard({ kind: 'ward', action, wholeCity, districtStaff }, (request, reply, user) => {
      if (user.role === 'district' && districtStaff === 'redirect') {
        return reply.redirect(`/districts/${encodeURIComponent(user.districtCode ?? '')}`, 303);
      }
      const inPath = stringParam(request, 'wardId', 'ward');
      const named = inPath ?? queryParam(request, 'ward');
      if (named === undefined || named.trim() === '') {
        if (user.role === 'ward') {
          request.ward = wardInScope(dbOf(request), user, action, user.wardId ?? -1);
          return;
        }
        if (!wholeCity) throw new NotFoundError(WARD_NOT_FOUND);
        if (!can(user, action, { kind: 'city' })) throw new ForbiddenError();
        request.ward = null;
        return;
      }
      // A malformed address names nothing (404); a malformed query is a bad filter (422 beside the field).
      const id = inPath !== undefined ? parsePath(wardIdParam, inPath, WARD_NOT_FOUND) : parseInput(wardQuery, { ward: named.trim() }).ward;
      request.ward = wardInScope(dbOf(request), user, action, id);
    });
  },

  /** The district named by `:code` or `:districtCode`, loaded through the user's scope into `request.district`. */
  district: (action: Action): Guard =>
    makeGuard({ kind: 'district', action }, (request, _reply, user) => {
      request.district = districtInScope(dbOf(request), user, action, stringParam(request, 'code', 'districtCode'));
    }),

  /**
   * The agenda sheet named by `:id` into `request.agendaSheet`. 'admin' (compose, change): city
   * staff, checked before the sheet is looked up; 'read' (open, print, export): citywide read and
   * read of every table's scope.
   */
  agendaSheet: (action: 'read' | 'admin'): Guard =>
    makeGuard({ kind: 'agendaSheet', action }, (request, _reply, user) => {
      const db = dbOf(request);
      if (action === 'admin') authorizeCompose(user);
      else if (!can(user, 'read', { kind: 'city' })) throw new ForbiddenError();
      const sheet = getAgendaSheet(db, parsePath(idParam, stringParam(request, 'id'), SHEET_NOT_FOUND));
      if (action === 'read') authorizeSheetRead(db, user, sheet);
      request.agendaSheet = sheet;
    }),

  /** The figures scope in `?scope=` (the user's own when absent), as the user may read it, into `request.scope`. */
  scope: (action: 'read'): Guard =>
    makeGuard({ kind: 'scope', action }, (request, _reply, user) => {
      const key = queryParam(request, 'scope')?.trim() || defaultScopeKey(user);
      const checked = scopeKeyQuery.safeParse(key);
      if (!checked.success) {
        // Too long to be a scope: a bad query, answered as the trend query reader answers it (422, in Japanese).
        const message = checked.error.issues[0]?.message ?? SCOPE_NOT_FOUND;
        throw new ValidationError({ scope: message }, message);
      }
      // The same cached lookup as the trend query reader (src/trends/query.ts): one query per data version.
      const db = dbOf(request);
      const { sqlite } = request.server.database;
      // The request's one read of the data version (src/trends/cache.ts): the trend route reuses it.
      const scope = lookupCache(sqlite).get(cacheKey({ what: 'scope', key }), () => resolveScope(db, key), requestDataVersion(sqlite, request));
      if (!scope) throw new NotFoundError(SCOPE_NOT_FOUND);
      if (!can(user, action, scope.target)) throw new ForbiddenError();
      request.scope = scope;
    }),
};

function loaded<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`No ${what} on the request: the route must declare guard.${what}().`);
  return value;
}

/** The district guard.district loaded (throws if the route declared another guard: a programming error). */
export function loadedDistrict(request: FastifyRequest): DistrictWithWard {
  return loaded(request.district, 'district');
}

/** The agenda sheet guard.agendaSheet loaded. */
export function loadedAgendaSheet(request: FastifyRequest): AgendaSheetRow {
  return loaded(request.agendaSheet, 'agendaSheet');
}

/** The figures scope guard.scope loaded. */
export function loadedScope(request: FastifyRequest): Scope {
  return loaded(request.scope, 'scope');
}

/** The signed-in user, on a route whose guard requires one. */
export function signedInUser(request: FastifyRequest): CurrentUser {
  if (!request.user) throw new ForbiddenError();
  return request.user;
}
