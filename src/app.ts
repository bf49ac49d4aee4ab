import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import session from '@fastify/session';
import csrf from '@fastify/csrf-protection';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import view from '@fastify/view';
import { Eta } from 'eta';
import { z } from 'zod';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fastifyTrustProxy, type Config } from './config.js';
import type { Database$ } from './db/index.js';
import { DomainError, ForbiddenError } from './errors.js';
import { httpStatusOf, UNSUPPORTED_MEDIA_TYPE_MESSAGE } from './web/errors.js';
import { authPlugin, wantsJson } from './auth/plugin.js';
import { rememberingSigner, SqliteSessionStore } from './auth/sessionStore.js';
import { flashPlugin } from './auth/flash.js';
import { lazyCsrfToken } from './auth/csrfToken.js';
import { OWASP_SCRYPT, type ScryptParams } from './auth/passwords.js';
import { recordAudit } from './audit/repository.js';
import { viewHelpers } from './views.js';
import { REQUEST_ID_HEADER, requestIdFor } from './requestId.js';
import { authRoutes } from './auth/routes.js';
import { homeRoutes } from './home/routes.js';
import { trendRoutes } from './trends/routes.js';
import { districtEditRoutes, districtRoutes } from './districts/routes.js';
import { monthlyReportRoutes, renderReportPage } from './monthlyReports/routes.js';
import { reviewRoutes } from './reviews/routes.js';
import { salonRoutes } from './salons/routes.js';
import { planRoutes } from './plans/routes.js';
import { caseStudyRoutes } from './caseStudies/routes.js';
import { completenessRoutes } from './completeness/routes.js';
import { overdueRoutes } from './completeness/overdueRoutes.js';
import { districtContactRoutes } from './districts/contactRoutes.js';
import { fiscalYearRoutes } from './fiscalYears/routes.js';
import { publishedFigureRoutes } from './publishedFigures/routes.js';
import { userRoutes } from './users/routes.js';
import { accountRoutes } from './account/routes.js';
import { agendaRoutes } from './agendas/routes.js';
import { chartRoutes } from './charts/routes.js';
import { exportRoutes } from './exports/routes.js';
import { settingRoutes } from './settings/routes.js';
import { importRoutes } from './imports/routes.js';
import { successionRoutes } from './successions/routes.js';
import { indicatorRoutes } from './indicators/routes.js';

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
    logger: options.logger ? { level: config.LOG_LEVEL } : false,
    trustProxy: fastifyTrustProxy(config.TRUST_PROXY),
    requestIdHeader: false,
    genReqId: requestIdFor,
    bodyLimit: 1024 * 1024,
    // Errors Fastify answers itself get the app's Japanese page too.
    frameworkErrors: (error, request, reply) => answerFrameworkError(production, error, request, reply),
    clientErrorHandler: clientErrorHandlerFor(production),
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  app.decorate('database', database);
  app.decorate('config', config);
  app.decorate('passwordParams', options.passwordParams ?? OWASP_SCRYPT);

  // External plugins, in one visible order.
  await app.register(formbody);
  // Forms post form bodies only: a JSON or plain-text body is refused (415) before any handler runs.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  await app.register(cookie);
  // Before the session plugin: the one-time message travels in its own cookie, not in the session row.
  await app.register(flashPlugin, { secret: options.sessionSecret, secure: production });
  // Nothing but static files may be kept by the browser or a proxy (Back after sign-out must not show a page).
  app.addHook('onSend', async (request, reply, payload) => {
    const staticAsset = request.url.startsWith('/static/') && reply.statusCode < 400;
    if (!staticAsset) reply.header('cache-control', 'no-store');
    return payload;
  });
  const store = new SqliteSessionStore(database.db, {
    idleMs: config.SESSION_IDLE_MINUTES * 60_000,
    maxMs: config.SESSION_MAX_HOURS * 3_600_000,
  });
  await app.register(session, {
    // The library's signer, remembering the signatures of the busiest session cookies (checked on every request).
    secret: rememberingSigner(options.sessionSecret),
    cookieName: production ? '__Host-mimamori' : 'mimamori',
    cookie: { httpOnly: true, sameSite: 'lax', secure: production, path: '/' },
    saveUninitialized: false,
    // Saved only when it changed; the store moves the idle deadline at most once a minute.
    rolling: false,
    store,
  });
  await app.register(csrf, { sessionPlugin: '@fastify/session' });
  // Helmet's middleware, made once (@fastify/helmet would build it again, parsing the CSP, on every request).
  const securityHeaders = helmet({
    // Every directive listed here (no helmet defaults merged in, which would allow https: fonts and inline styles).
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(production) },
    hsts: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
  // Its headers carry no nonce and depend on nothing in the request: worked out once, copied onto every answer.
  const securityHeaderValues = headersOf(securityHeaders);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(securityHeaderValues);
    done();
  });
  await app.register(rateLimit, { global: false });
  await app.register(async (publicFiles) => {
    publicFiles.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), public: true };
    });
    await publicFiles.register(fastifyStatic, { root: resolve(root, 'public'), prefix: '/static/' });
  });
  const eta = new Eta({ views: resolve(root, 'views'), cache: production, autoEscape: true });
  // Templates compiled once in production (the config decides, not the process's NODE_ENV).
  await app.register(view, { engine: { eta }, templates: resolve(root, 'views'), production, defaultContext: { h: viewHelpers } });

  // Our own plugins.
  await app.register(authPlugin, { db: database.db, secret: options.sessionSecret });
  app.addHook('onRequest', async (_request, reply) => {
    // Every page can print a token, including a form re-rendered after a POST (422, 409, wrong password)
    // and the error page of a refused one; it is made only when a page prints it, so requests that
    // render no form create no session.
    reply.locals = { ...(reply.locals ?? {}), csrfToken: lazyCsrfToken(reply) };
  });
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      await new Promise<void>((resolveCheck, reject) => {
        app.csrfProtection(request, reply, (err?: Error) => (err ? reject(err) : resolveCheck()));
      });
    }
  });
  setErrorPages(app);

  // Routes, feature by feature.
  await app.register(authRoutes);
  await app.register(homeRoutes);
  await app.register(trendRoutes);
  await app.register(districtRoutes);
  await app.register(districtEditRoutes);
  await app.register(monthlyReportRoutes);
  await app.register(reviewRoutes, { renderReportPage });
  await app.register(salonRoutes);
  await app.register(planRoutes);
  await app.register(caseStudyRoutes);
  await app.register(completenessRoutes);
  await app.register(overdueRoutes);
  await app.register(districtContactRoutes);
  await app.register(fiscalYearRoutes);
  await app.register(publishedFigureRoutes);
  await app.register(userRoutes);
  await app.register(accountRoutes);
  await app.register(agendaRoutes);
  await app.register(chartRoutes);
  await app.register(exportRoutes);
  await app.register(settingRoutes);
  await app.register(importRoutes);
  await app.register(successionRoutes);
  await app.register(indicatorRoutes);

  const pruneTimer = setInterval(() => store.prune(), 10 * 60_000);
  pruneTimer.unref();
  app.addHook('onClose', (_instance, done) => {
    clearInterval(pruneTimer);
    done();
  });
  return app;
}

/**
 * The headers a helmet middleware sets, read once by running it on a stand-in response, plus the
 * Permissions-Policy. Only static settings are given to helmet (no nonce, no function directive).
 */
function headersOf(middleware: ReturnType<typeof helmet>): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  let failure: Error | undefined;
  middleware({} as IncomingMessage, response as unknown as ServerResponse, (err?: unknown) => {
    if (err) failure = err instanceof Error ? err : new Error('helmet could not set its headers');
  });
  if (failure) throw failure;
  return { ...headers, 'permissions-policy': PERMISSIONS_POLICY };
}

/** The Content Security Policy: only this site's own files; no inline script or style, no plugins, no framing. */
function cspDirectives(production: boolean): Record<string, string[] | null> {
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    frameAncestors: ["'none'"],
    formAction: ["'self'"],
    upgradeInsecureRequests: production ? [] : null,
  };
}

/** Browser features the app never uses, turned off for every page (and for anything that might be injected). */
const PERMISSIONS_POLICY = [
  'accelerometer',
  'autoplay',
  'browsing-topics',
  'camera',
  'display-capture',
  'encrypted-media',
  'geolocation',
  'gyroscope',
  'hid',
  'interest-cohort',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'usb',
  'xr-spatial-tracking',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

/** The headers helmet and our hooks add, for the few answers Fastify sends before any hook runs. */
function bareResponseHeaders(production: boolean): Record<string, string> {
  const csp = Object.entries(cspDirectives(production))
    .filter((entry): entry is [string, string[]] => entry[1] !== null)
    .map(([name, sources]) => [name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), ...sources].join(' '))
    .join(';');
  return {
    'content-security-policy': csp,
    'permissions-policy': PERMISSIONS_POLICY,
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'cache-control': 'no-store',
    ...(production ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

const ERROR_MESSAGES = {
  notFound: 'お探しのページは見つかりませんでした。',
  badUrl: 'ページのアドレスを読み取れませんでした。アドレスを確かめて、もう一度お試しください。',
  badRequest: '送信された内容を読み取れませんでした。',
  internal: 'システムの内部でエラーが起きました。しばらくしてからもう一度お試しください。',
} as const;

/**
 * Fastify's own errors before routing (bad %-encoding in the path, a path parameter over
 * 100 characters): the app's Japanese page, or JSON for /api/. No hook runs for these,
 * so the page carries the security headers itself.
 */
function answerFrameworkError(production: boolean, error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // Fastify does not wait for this handler: a page that fails to render is logged and answered in plain words.
  sendFrameworkError(production, error, request, reply).catch((err: unknown) => {
    request.log.error({ err }, 'error page failed');
    if (!reply.sent) void reply.code(500).type('text/plain; charset=utf-8').send(ERROR_MESSAGES.internal);
  });
}

async function sendFrameworkError(production: boolean, error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const status = tooLong ? 404 : error.code === 'FST_ERR_ASYNC_CONSTRAINT' ? 500 : 400;
  const message = tooLong ? ERROR_MESSAGES.notFound : status === 500 ? ERROR_MESSAGES.internal : ERROR_MESSAGES.badUrl;
  request.log.info({ code: error.code }, 'request refused before routing');
  reply.code(status).headers({ ...bareResponseHeaders(production), [REQUEST_ID_HEADER]: request.id });
  if (wantsJson(request)) return reply.send({ error: message, requestId: request.id });
  const title = tooLong ? 'ページが見つかりません' : 'エラー';
  const html = await request.server.view('error', { title, status, message, requestId: request.id });
  return reply.type('text/html; charset=utf-8').send(html);
}

/**
 * Requests Node cannot even parse (raw UTF-8 or spaces in the request line, oversized headers):
 * answered on the socket with a short Japanese page and a reference number for the log.
 */
function clientErrorHandlerFor(production: boolean) {
  return function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Duplex): void {
    answerUnreadableRequest(this, production, error, socket);
  };
}

function answerUnreadableRequest(app: FastifyInstance, production: boolean, error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const requestId = randomUUID();
  app.log.info({ err: error, requestId }, 'unreadable request');
  const [status, reason] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large']
        : [400, 'Bad Request'];
  const message =
    status === 408
      ? '時間内に送信が終わりませんでした。もう一度お試しください。'
      : status === 431
        ? '送信されたヘッダーが大きすぎます。'
        : ERROR_MESSAGES.badUrl;
  const body = Buffer.from(
    `<!doctype html>\n<html lang="ja">\n<head><meta charset="utf-8"><title>エラー｜みまもり</title><link rel="stylesheet" href="/static/style.css"></head>\n` +
      `<body><main id="main"><section class="panel error-page"><h1>エラー</h1><p class="lead">${message}</p>` +
      `<p class="request-id">問い合わせ番号：${requestId}</p><p><a class="button" href="/">ホームへ戻る</a></p></section></main></body>\n</html>\n`,
  );
  const headers = {
    ...bareResponseHeaders(production),
    [REQUEST_ID_HEADER]: requestId,
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(body.length),
    connection: 'close',
  };
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\n${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\r\n')}\r\n\r\n`,
    );
    socket.write(body);
  }
  socket.destroy();
}

/** One error handler: domain errors become statuses and a Japanese page; 5xx never shows internals. */
function setErrorPages(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    let status = error instanceof DomainError ? httpStatusOf(error) : (error.statusCode ?? 500);
    let message: string;
    if (error instanceof z.ZodError) {
      // Hardening: an input schema's parse() that throws is a bad request, never a 500; its
      // messages are Japanese (the schema's own, or japaneseZodMessage).
      status = 400;
      // A message a schema wrote in English (none should) falls back to the general one.
      const messages = [...new Set(error.issues.map((i) => i.message))].filter((m) => /\P{ASCII}/u.test(m));
      message = messages.length > 0 ? messages.join(' ') : ERROR_MESSAGES.badRequest;
    } else if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      status = 403;
      message = '画面の有効期限が切れました。お手数ですが、前の画面に戻って再読み込みしてから、もう一度送信してください。';
    } else if (error instanceof DomainError) {
      message = error.message;
    } else if (status === 413) {
      message = '送信された内容が大きすぎます。';
    } else if (status === 415) {
      message = UNSUPPORTED_MEDIA_TYPE_MESSAGE;
    } else if (status === 429) {
      // The rate limits word their own message; a library's English default never reaches the page.
      message = /\P{ASCII}/u.test(error.message) ? error.message : '操作が多すぎます。しばらく待ってから、もう一度お試しください。';
    } else if (status < 500) {
      message = ERROR_MESSAGES.badRequest;
    } else {
      request.log.error(error);
      message = ERROR_MESSAGES.internal;
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
    if (wantsJson(request)) return reply.send({ error: message, requestId: request.id });
    return reply.type('text/html; charset=utf-8').viewAsync('error', { title: 'エラー', status, message, requestId: request.id });
  });
  app.setNotFoundHandler(async (request, reply) => {
    reply.code(404);
    if (wantsJson(request)) return reply.send({ error: '見つかりません。', requestId: request.id });
    return reply
      .type('text/html; charset=utf-8')
      .viewAsync('error', { title: 'ページが見つかりません', status: 404, message: ERROR_MESSAGES.notFound, requestId: request.id });
  });
}
