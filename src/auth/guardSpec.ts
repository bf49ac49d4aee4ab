/**
 * What a route guard is, apart from what it loads: the spec a route declares in its preHandler
 * option, and how the auth plugin reads it when the route is registered. The guard factory itself
 * (`guard.district('write')` …) is src/guards/guard.ts: it loads records through the features'
 * repositories, so it sits above the features, while this part stays with auth, below them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions, preHandlerAsyncHookHandler } from 'fastify';
import { ForbiddenError } from '../errors.js';
import type { Action, CurrentUser } from './access.js';

/** What a route declares: the kind of guard and, where it matters, the action. */
export type GuardSpec =
  | { kind: 'public' }
  | { kind: 'signedIn' }
  | { kind: 'city'; action: Action }
  | { kind: 'ward'; action: Action; wholeCity: boolean; districtStaff: 'refuse' | 'redirect' }
  | { kind: 'district'; action: Action }
  | { kind: 'agendaSheet'; action: 'read' | 'admin' }
  | { kind: 'scope'; action: 'read' };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The guard the route declared (set from its preHandler when the route is registered). */
    guard?: GuardSpec;
  }
}

const GUARD = Symbol('mimamori.guard');

/** A preHandler made by the factory: it carries its spec, so a route's guard can be read when it is registered. */
export type Guard = preHandlerAsyncHookHandler & { [GUARD]: GuardSpec };

/** A check throws NotFoundError or ForbiddenError, or answers itself and returns the reply. */
export type GuardCheck = (request: FastifyRequest, reply: FastifyReply, user: CurrentUser) => FastifyReply | void;

/** A guard with this spec that runs `check` for the signed-in user. */
export function makeGuard(spec: GuardSpec, check: GuardCheck): Guard {
  const handler = async function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
    if (spec.kind === 'public') return;
    // The auth plugin has already answered anonymous requests; this is the belt to its braces.
    if (!request.user) throw new ForbiddenError();
    return check(request, reply, request.user);
  };
  return Object.assign(handler, { [GUARD]: spec });
}

/** The guard a route declared in its preHandler option, if any (more than one is a mistake). */
export function declaredGuard(route: Pick<RouteOptions, 'preHandler'>): GuardSpec | undefined {
  const handlers = [route.preHandler ?? []].flat();
  const specs = handlers.flatMap((h) => (typeof h === 'function' && GUARD in h ? [(h as Guard)[GUARD]] : []));
  if (specs.length > 1) throw new Error('A route declares more than one guard.');
  return specs[0];
}

/**
 * Makes the request properties the guards fill (typed in src/guards/guard.ts) and reads each
 * route's guard into its config (`config.guard`, and `config.public` for guard.public()). Called
 * by the auth plugin before it records the routes.
 */
export function installGuards(app: FastifyInstance): void {
  app.decorateRequest('district', null);
  app.decorateRequest('ward', null);
  app.decorateRequest('agendaSheet', null);
  app.decorateRequest('scope', null);
  app.addHook('onRoute', (route) => {
    const spec = declaredGuard(route);
    if (!spec) return;
    route.config = { ...(route.config ?? {}), guard: spec, ...(spec.kind === 'public' ? { public: true } : {}) };
  });
}
