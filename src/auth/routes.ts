import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { guard } from '../guards/guard.js';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../db/schema.js';
import { recordAudit } from '../audit/repository.js';
import { hashPassword, needsRehash, verifyPassword } from './passwords.js';
import { endSessionsOfUser } from './sessionStore.js';
import { holdBack, waitText } from './throttle.js';
import { findPendingForm, TIMEOUT_MESSAGE } from './pendingForms.js';
import { fieldsOf, postedText } from '../web/params.js';

const signInSchema = z.object({
  login: postedText(100).transform((s) => s.trim()),
  // Long enough for any allowed password (128 characters, up to 4 bytes each); longer input is simply wrong.
  password: postedText(1000),
  next: postedText(2000),
  /** A form kept after the session ended (see pendingForms.ts). */
  resume: postedText(100),
});

const loginPageQuery = z.object({ next: postedText(2000), resume: postedText(100), timeout: postedText(10) });

const NEXT_BASE = 'http://x.invalid';

/**
 * Only a path on this site may be the target after sign-in (no open redirect):
 * parsed against a fixed origin, kept only if the origin did not change, and
 * rebuilt from the path and query (so the Location header is always valid).
 * Control characters and whitespace anywhere (a tab that browsers drop, CR, LF,
 * U+2028 …) send the user home instead.
 */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || /[\p{Cc}\p{Cf}\p{Z}\\]/u.test(next)) return '/';
  let url: URL;
  try {
    url = new URL(next, NEXT_BASE);
  } catch {
    return '/';
  }
  if (url.origin !== NEXT_BASE) return '/';
  const path = `${url.pathname}${url.search}`;
  return path.startsWith('/') && !path.startsWith('//') ? path : '/';
}

// A real hash to compare against when the login does not exist, so both paths take as long.
const dummyHashes = new Map<string, Promise<string>>();

/** ログイン・ログアウト. */
export function authRoutes(app: FastifyInstance): void {
  const { db } = app.database;
  const throttle = app.signInThrottle;

  const dummyHash = (): Promise<string> => {
    const key = JSON.stringify(app.passwordParams);
    let hash = dummyHashes.get(key);
    if (!hash) dummyHashes.set(key, (hash = hashPassword('mimamori-not-a-user', app.passwordParams)));
    return hash;
  };

  const loginPage = (reply: FastifyReply, status: number, login: string, next: string, error: string | null, resume = '', notice: string | null = null) => {
    reply.code(status);
    return reply.viewAsync('auth/login', {
      title: 'ログイン',
      login,
      next: safeNext(next),
      error,
      resume: /^[A-Za-z0-9_-]{1,64}$/.test(resume) ? resume : '',
      notice,
    });
  };

  app.get('/login', { preHandler: guard.public() }, async (request, reply) => {
    if (request.user) return reply.redirect('/', 303);
    const query = loginPageQuery.parse(fieldsOf(request.query));
    // A form posted after the session ended lands here: say why, and keep the way back to it.
    const notice = query.timeout || query.resume ? TIMEOUT_MESSAGE : null;
    return loginPage(reply, 200, '', query.next, null, query.resume, notice);
  });

  app.post(
    '/login',
    {
      preHandler: guard.public(),
      config: {
        // A coarse flood guard per address; the real throttle below counts failures only.
        rateLimit: {
          max: 60,
          timeWindow: '1 minute',
          errorResponseBuilder: () =>
            Object.assign(new Error('短い時間にログインの操作が多すぎます。1分ほど待ってから、もう一度お試しください。'), { statusCode: 429 }),
        },
      },
    },
    async (request: FastifyRequest, reply) => {
      const input = signInSchema.parse(fieldsOf(request.body));
      const decision = throttle.check(input.login, request.ip);
      if (!decision.allowed) {
        recordAudit(db, {
          userId: null,
          action: 'sign_in_throttled',
          entity: 'session',
          detail: `login=${input.login} ip=${request.ip} reason=${decision.reason}`,
        });
        reply.header('retry-after', String(Math.ceil(decision.retryAfterMs / 1000)));
        const why = decision.reason === 'pair' ? 'この端末からこのログインIDでの失敗が続いたため' : 'この端末からのログインの失敗が続いたため';
        return loginPage(
          reply,
          429,
          input.login,
          input.next,
          `${why}、しばらくログインを受け付けません。${waitText(decision.retryAfterMs)}にもう一度お試しください。パスワードがわからないときは、区社協または市社協の担当者にお問い合わせください。`,
          input.resume,
        );
      }

      // A login that failed often lately (from anywhere) is answered slowly, right password or not:
      // guessing slows down, but nobody is locked out of their own account.
      if (decision.delayMs > 0) await holdBack(decision.delayMs);
      const user = input.login ? db.select().from(users).where(eq(users.login, input.login)).get() : undefined;
      const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash()));
      if (!user || !ok || user.disabled) {
        throttle.recordFailure(input.login, request.ip);
        recordAudit(db, { userId: user?.id ?? null, action: 'sign_in_failed', entity: 'session', detail: `login=${input.login} ip=${request.ip}` });
        return loginPage(reply, 401, input.login, input.next, 'ログインIDまたはパスワードが違います。', input.resume);
      }

      throttle.recordSuccess(input.login, request.ip);
      if (needsRehash(user.passwordHash, app.passwordParams)) {
        // Parameters changed since this hash was made: upgrade it while we have the password.
        const upgraded = await hashPassword(input.password, app.passwordParams);
        db.update(users).set({ passwordHash: upgraded }).where(eq(users.id, user.id)).run();
      }
      // A new session id at sign-in, so an id planted before sign-in is worth nothing (session fixation).
      await request.session.regenerate();
      const now = Date.now();
      request.session.userId = user.id;
      request.session.createdAt = now;
      // This sign-in proved the password after any earlier ending of the user's sessions, even within the same millisecond.
      request.session.signedInAt = Math.max(now, user.sessionsValidAfter + 1);
      recordAudit(db, { userId: user.id, action: 'sign_in', entity: 'session', detail: `ip=${request.ip}` });
      app.signedInUserCookie.set(reply, user.id);
      // Back to a form kept after a timeout, with its values: only the user who typed them gets them.
      const kept = input.resume ? findPendingForm(db, input.resume, user.id) : null;
      if (kept) return reply.redirect(`${safeNext(kept.path)}?resume=${encodeURIComponent(input.resume)}`, 303);
      return reply.redirect(safeNext(input.next), 303);
    },
  );

  app.post('/logout', { preHandler: guard.public() }, async (request, reply) => {
    const userId = request.session.userId;
    if (typeof userId === 'number') {
      // Signing out ends every session of the user, on every device (one commit with its audit row).
      db.transaction((tx) => {
        endSessionsOfUser(tx, userId);
        recordAudit(tx, { userId, action: 'sign_out', entity: 'session' });
      });
    }
    await request.session.destroy();
    app.signedInUserCookie.clear(reply);
    // Pages seen while signed in are not to be shown again from the browser's cache (Back after sign-out).
    reply.header('clear-site-data', '"cache"');
    return reply.redirect('/login', 303);
  });
}
