import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { districts, users, wards, type Role } from '../db/schema.js';
import { ForbiddenError } from '../errors.js';
import type { CurrentUser } from './access.js';
import { SignInThrottle } from './throttle.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** true: anyone may open it (sign-in page, static files). Default: signed-in users only. */
    public?: boolean;
    /** Roles allowed on this route at all; the scope check happens in the handler via authorize(). */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    user: CurrentUser | null;
  }
  interface FastifyInstance {
    /** Every route registered after the auth plugin, for the access-control test and audits. */
    registeredRoutes: RegisteredRoute[];
    /** Counters of recent sign-in failures (one per app). */
    signInThrottle: SignInThrottle;
  }
  interface FastifyReply {
    /** Per-request template data (@fastify/view merges it into every view). */
    locals?: Record<string, unknown>;
  }
  interface Session {
    userId?: number;
    createdAt?: number;
    flash?: string;
  }
}

export interface AuthPluginOptions {
  db: Db;
}

/** A route as registered: method, URL pattern and its auth config. */
export interface RegisteredRoute {
  method: string;
  url: string;
  public: boolean;
  roles: readonly Role[] | undefined;
}

/** True for requests that expect JSON rather than a page. */
export function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

/** Loads the signed-in user for a session, or null if the user is gone or disabled. */
export function loadCurrentUser(db: Db, userId: number): CurrentUser | null {
  // One query on every request: a district user's ward is the district's ward,
  // so ward-level checks need no second lookup.
  const row = db
    .select({ user: users, districtCode: districts.code, wardId: wards.id, wardName: wards.name })
    .from(users)
    .leftJoin(districts, eq(districts.id, users.districtId))
    .leftJoin(wards, eq(wards.id, sql`coalesce(${districts.wardId}, ${users.wardId})`))
    .where(eq(users.id, userId))
    .get();
  if (!row || row.user.disabled) return null;
  const { user } = row;
  return {
    id: user.id,
    login: user.login,
    displayName: user.displayName,
    role: user.role,
    wardId: row.wardId,
    districtId: user.districtId,
    wardName: row.wardName,
    districtCode: row.districtCode,
  };
}

/**
 * Every route is for signed-in users unless its config says `public: true`;
 * `roles` narrows it further. Anonymous page requests go to the sign-in page,
 * anonymous JSON requests get 401.
 */
export const authPlugin = fp<AuthPluginOptions>(async (app, { db }) => {
  app.decorateRequest('user', null);
  app.decorate('signInThrottle', new SignInThrottle());
  const registered: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', registered);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      registered.push({ method, url: route.url, public: route.config?.public === true, roles: route.config?.roles });
    }
  });

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const userId = request.session?.userId;
    request.user = typeof userId === 'number' ? loadCurrentUser(db, userId) : null;
    if (typeof userId === 'number' && !request.user) {
      // The user was disabled or deleted: end this session, but keep a fresh
      // anonymous one so that CSRF tokens (and the sign-in page) still work.
      await request.session.regenerate();
    }
    // A message for the next page after a redirect (保存しました 等), shown once.
    const flash = request.session?.flash;
    if (flash) delete request.session.flash;
    reply.locals = { ...(reply.locals ?? {}), user: request.user, flash };

    const config = request.routeOptions.config;
    if (config.public) return;
    if (!request.user) {
      if (wantsJson(request)) return reply.code(401).send({ error: 'ログインしてください。' });
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
      return reply.redirect(`/login${next}`, 303);
    }
    if (config.roles && !config.roles.includes(request.user.role)) throw new ForbiddenError();
  });
});
