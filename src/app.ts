import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import session from '@fastify/session';
import csrf from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import view from '@fastify/view';
import { Eta } from 'eta';
import { z } from 'zod';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.js';
import type { Database$ } from './db/index.js';
import { AppError, ForbiddenError } from './errors.js';
import { authPlugin, wantsJson } from './auth/plugin.js';
import { SqliteSessionStore } from './auth/sessionStore.js';
import { OWASP_SCRYPT, type ScryptParams } from './auth/passwords.js';
import { recordAudit } from './audit/repository.js';
import { viewHelpers } from './views.js';
import { authRoutes } from './auth/routes.js';
import { homeRoutes } from './home/routes.js';
import { trendRoutes } from './trends/routes.js';
import { districtRoutes } from './districts/routes.js';
import { monthlyReportRoutes } from './monthlyReports/routes.js';
import { salonRoutes } from './salons/routes.js';
import { planRoutes } from './plans/routes.js';
import { caseStudyRoutes } from './caseStudies/routes.js';
import { completenessRoutes } from './completeness/routes.js';
import { fiscalYearRoutes } from './fiscalYears/routes.js';
import { publishedFigureRoutes } from './publishedFigures/routes.js';
import { userRoutes } from './users/routes.js';
import { accountRoutes } from './account/routes.js';
import { agendaRoutes } from './agendas/routes.js';
import { chartRoutes } from './charts/routes.js';
import { exportRoutes } from './exports/routes.js';
import { settingRoutes } from './settings/routes.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface AppOptions {
  config: Config;
  database: Database$;
  sessionSecret: string;
  /** scrypt cost for new and upgraded password hashes (OWASP minimum by default). */
  passwordParams?: ScryptParams;
  logger?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    database: Database$;
    config: Config;
    passwordParams: ScryptParams;
  }
}

/** Builds the whole app, ready to listen or to be driven by `inject` in tests. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, database } = options;
  const production = config.NODE_ENV === 'production';
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: config.TRUST_PROXY === 'true',
    bodyLimit: 1024 * 1024,
  });
  app.decorate('database', database);
  app.decorate('config', config);
  app.decorate('passwordParams', options.passwordParams ?? OWASP_SCRYPT);

  // External plugins, in one visible order.
  await app.register(formbody);
  await app.register(cookie);
  const store = new SqliteSessionStore(database.db, {
    idleMs: config.SESSION_IDLE_MINUTES * 60_000,
    maxMs: config.SESSION_MAX_HOURS * 3_600_000,
  });
  await app.register(session, {
    secret: options.sessionSecret,
    cookieName: production ? '__Host-mimamori' : 'mimamori',
    cookie: { httpOnly: true, sameSite: 'lax', secure: production, path: '/' },
    saveUninitialized: false,
    rolling: true,
    store,
  });
  await app.register(csrf, { sessionPlugin: '@fastify/session' });
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: production ? [] : null,
      },
    },
    hsts: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
  await app.register(rateLimit, { global: false });
  await app.register(async (publicFiles) => {
    publicFiles.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), public: true };
    });
    await publicFiles.register(fastifyStatic, { root: resolve(root, 'public'), prefix: '/static/' });
  });
  const eta = new Eta({ views: resolve(root, 'views'), cache: production, autoEscape: true });
  await app.register(view, { engine: { eta }, templates: resolve(root, 'views'), defaultContext: { h: viewHelpers } });

  // Our own plugins.
  await app.register(authPlugin, { db: database.db });
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      await new Promise<void>((resolveCheck, reject) => {
        app.csrfProtection(request, reply, (err?: Error) => (err ? reject(err) : resolveCheck()));
      });
    }
    // Every page gets a token, including a form re-rendered after a POST (422, 409, wrong password).
    reply.locals = { ...(reply.locals ?? {}), csrfToken: reply.generateCsrf() };
  });
  setErrorPages(app);

  // Routes, feature by feature.
  await app.register(authRoutes);
  await app.register(homeRoutes);
  await app.register(trendRoutes);
  await app.register(districtRoutes);
  await app.register(monthlyReportRoutes);
  await app.register(salonRoutes);
  await app.register(planRoutes);
  await app.register(caseStudyRoutes);
  await app.register(completenessRoutes);
  await app.register(fiscalYearRoutes);
  await app.register(publishedFigureRoutes);
  await app.register(userRoutes);
  await app.register(accountRoutes);
  await app.register(agendaRoutes);
  await app.register(chartRoutes);
  await app.register(exportRoutes);
  await app.register(settingRoutes);

  const pruneTimer = setInterval(() => store.prune(), 10 * 60_000);
  pruneTimer.unref();
  app.addHook('onClose', async () => clearInterval(pruneTimer));
  return app;
}

/** One error handler: domain errors become statuses and a Japanese page; 5xx never shows internals. */
function setErrorPages(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    let status = error instanceof AppError ? error.statusCode : (error.statusCode ?? 500);
    // Hardening: an input schema's parse() that throws is a bad request, never a 500.
    if (error instanceof z.ZodError) status = 400;
    let message: string;
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      status = 403;
      message = '画面の有効期限が切れました。お手数ですが、前の画面に戻って再読み込みしてから、もう一度送信してください。';
    } else if (error instanceof AppError) {
      message = error.message;
    } else if (status === 413) {
      message = '送信された内容が大きすぎます。';
    } else if (status === 429) {
      message = error.message;
    } else if (status < 500) {
      message = '送信された内容を読み取れませんでした。';
    } else {
      request.log.error(error);
      message = 'システムの内部でエラーが起きました。しばらくしてからもう一度お試しください。';
    }
    if (error instanceof ForbiddenError) {
      recordAudit(app.database.db, {
        userId: request.user?.id ?? null,
        action: 'forbidden',
        entity: 'route',
        detail: `${request.method} ${request.url}`.slice(0, 500),
      });
    }
    reply.code(status);
    if (wantsJson(request)) return reply.send({ error: message });
    return reply.type('text/html; charset=utf-8').viewAsync('error', { title: 'エラー', status, message });
  });
  app.setNotFoundHandler(async (request, reply) => {
    reply.code(404);
    if (wantsJson(request)) return reply.send({ error: '見つかりません。' });
    return reply.type('text/html; charset=utf-8').viewAsync('error', { title: 'ページが見つかりません', status: 404, message: 'お探しのページは見つかりませんでした。' });
  });
}
