import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { districts, users, wards } from '../db/schema.js';
import type { CurrentUser } from './access.js';
import { installGuards, type GuardSpec } from './guardSpec.js';
import { SignInThrottle } from './throttle.js';
import { signedInAtOf } from './sessionStore.js';
import { keepPendingForm, keptBody, SignedInUserCookie } from './pendingForms.js';
import { safeNext } from './routes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** true: anyone may open it (sign-in page, static files); set by guard.public(). Default: signed-in users only. */
    public?: boolean;
  }
  interface FastifyRequest {
    user: CurrentUser | null;
  }
  interface FastifyInstance {
    /** Every route registered after the auth plugin, for the access-control test and audits. */
    registeredRoutes: RegisteredRoute[];
    /** Counters of recent sign-in failures (one per app). */
    signInThrottle: SignInThrottle;
    /** Names the user who signed in on this browser, beyond the session (for forms posted after a timeout). */
    signedInUserCookie: SignedInUserCookie;
  }
  interface FastifyReply {
    /** Per-request template data (@fastify/view merges it into every view). */
    locals?: Record<string, unknown>;
  }
  interface Session {
    userId?: number;
    /** Sign-in time: the absolute lifetime counts from here. */
    createdAt?: number;
    /** When this session last proved the password (sign-in, own password change); checked against users.sessions_valid_after. */
    signedInAt?: number;
    /** Set by the session store once the session has a row (later saves only update that row). */
    stored?: boolean;
    /** A message for the next page; moved into a cookie by the flash plugin, never stored in the session. */
    flash?: string;
  }
}

export interface AuthPluginOptions {
  db: Db;
  /** The session secret: the signed-in-user cookie is signed with a key derived from it. */
  secret: string;
}

/** A route as registered: method, URL pattern and its auth config. */
export interface RegisteredRoute {
  method: string;
  url: string;
  public: boolean;
  /** The guard the route declares in its options (src/guards/guard.ts); undefined if it declares none. */
  guard: GuardSpec | undefined;
}

/** True for requests that expect JSON rather than a page. */
export function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

/**
 * Makes the loader of the signed-in user (its one query prepared once). The
 * loader gives null if the user is gone or disabled, or the session was signed
 * in before the user's sessions were ended (`signedInAt` not after
 * users.sessions_valid_after: sign-out everywhere, password reset, disabling).
 */
export function currentUserLoader(db: Db): (userId: number, signedInAt: number) => CurrentUser | null {
  // One query on every request: a district user's ward is the district's ward,
  // so ward-level checks need no second lookup.
  const query = db
    .select({ user: users, districtCode: districts.code, wardId: wards.id, wardName: wards.name })
    .from(users)
    .leftJoin(districts, eq(districts.id, users.districtId))
    .leftJoin(wards, eq(wards.id, sql`coalesce(${districts.wardId}, ${users.wardId})`))
    .where(eq(users.id, sql.placeholder('userId')))
    .prepare();
  return (userId, signedInAt) => {
    const row = query.get({ userId });
    if (!row || row.user.disabled || signedInAt <= row.user.sessionsValidAfter) return null;
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
  };
}

/**
 * Every route is for signed-in users unless it declares guard.public(); its own
 * guard then decides who may go further. Anonymous page requests go to the
 * sign-in page, anonymous JSON requests get 401.
 */
export const authPlugin = fp<AuthPluginOptions>((app, { db, secret }, done) => {
  app.decorateRequest('user', null);
  // Before the registry's hook: it reads the guard each route declares into the route's config.
  installGuards(app);
  const whoCookie = new SignedInUserCookie(secret, app.config.NODE_ENV === 'production', app.config.SESSION_MAX_HOURS * 3600);
  app.decorate('signedInUserCookie', whoCookie);
  const loadCurrentUser = currentUserLoader(db);
  app.decorate('signInThrottle', new SignInThrottle());
  const registered: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', registered);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      registered.push({ method, url: route.url, public: route.config?.public === true, guard: route.config?.guard });
    }
  });

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const userId = request.session?.userId;
    request.user = typeof userId === 'number' ? loadCurrentUser(userId, signedInAtOf(request.session)) : null;
    if (typeof userId === 'number' && !request.user) {
      // The user was disabled or deleted, or their sessions were ended: end this
      // session, but keep a fresh anonymous one so that the sign-in page still works.
      await request.session.regenerate();
    }
    reply.locals = { ...(reply.locals ?? {}), user: request.user, idleMinutes: app.config.SESSION_IDLE_MINUTES };
    // The status as the page is rendered (read when the view runs, after the route set it): the layout
    // starts the title with 「エラー：」 on every 422 page.
    Object.defineProperty(reply.locals, 'statusCode', { enumerable: true, configurable: true, get: () => reply.statusCode });

    const config = request.routeOptions.config;
    if (config.public) return;
    if (!request.user) {
      if (wantsJson(request)) return reply.code(401).send({ error: 'ログインしてください。' });
      if (request.method === 'GET' || request.method === 'HEAD') return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      return reply.redirect(loginAfterLostSession(db, whoCookie, request), 303);
    }
    // Who may go further is the route's own guard (src/guards/guard.ts), which runs next.
  });
  done();
});

/**
 * Where a form posted without a valid session goes (DESIGN §7): the sign-in
 * page, back to the form afterwards, with a message. The typed values are kept
 * for the user the signed cookie names (never the CSRF token or a password);
 * after that user signs in, the form shows them again.
 */
function loginAfterLostSession(db: Db, whoCookie: SignedInUserCookie, request: FastifyRequest): string {
  const path = safeNext(request.url.split('?')[0] ?? '/');
  const params = new URLSearchParams({ next: path });
  // Someone signed in on this browser lately (and did not sign out): their session timed out or was ended.
  const userId = whoCookie.read(request);
  if (userId !== null) params.set('timeout', '1');
  const body = userId === null ? null : keptBody(request.body);
  if (userId !== null && body !== null && path !== '/') {
    try {
      params.set('resume', keepPendingForm(db, { userId, path, body }));
    } catch (err) {
      // A user that no longer exists (foreign key): nothing to keep.
      request.log.warn({ err }, 'could not keep a form posted after its session ended');
    }
  }
  return `/login?${params.toString()}`;
}
