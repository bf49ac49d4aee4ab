import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../db/schema.js';
import { recordAudit } from '../audit/repository.js';
import { hashPassword, needsRehash, verifyPassword } from './passwords.js';
import { endSessionsOfUser } from './sessionStore.js';

const signInSchema = z.object({
  login: z.string().trim().max(100).default(''),
  password: z.string().max(1000).default(''),
  next: z.string().max(2000).optional(),
});

/** Only same-site paths may be the target after sign-in (no open redirect). */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

// A real hash to compare against when the login does not exist, so both paths take as long.
let dummyHash: Promise<string> | null = null;

/** ログイン・ログアウト. */
export async function authRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.database;

  app.get('/login', { config: { public: true } }, async (request, reply) => {
    if (request.user) return reply.redirect('/', 303);
    const query = request.query as { next?: string };
    return reply.viewAsync('auth/login', { title: 'ログイン', login: '', next: safeNext(query.next), error: null });
  });

  app.post(
    '/login',
    { config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const input = signInSchema.parse(request.body ?? {});
      const user = input.login ? db.select().from(users).where(eq(users.login, input.login)).get() : undefined;
      dummyHash ??= hashPassword('mimamori-not-a-user', app.passwordParams);
      const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash));
      if (!user || !ok || user.disabled) {
        recordAudit(db, { userId: user?.id ?? null, action: 'sign_in_failed', entity: 'session', detail: `login=${input.login.slice(0, 100)} ip=${request.ip}` });
        reply.code(401);
        return reply.viewAsync('auth/login', {
          title: 'ログイン',
          login: input.login,
          next: safeNext(input.next),
          error: 'ログインIDまたはパスワードが違います。',
        });
      }
      if (needsRehash(user.passwordHash, app.passwordParams)) {
        const upgraded = await hashPassword(input.password, app.passwordParams);
        db.update(users).set({ passwordHash: upgraded }).where(eq(users.id, user.id)).run();
      }
      await request.session.regenerate();
      request.session.userId = user.id;
      request.session.createdAt = Date.now();
      recordAudit(db, { userId: user.id, action: 'sign_in', entity: 'session', detail: `ip=${request.ip}` });
      return reply.redirect(safeNext(input.next), 303);
    },
  );

  app.post('/logout', { config: { public: true } }, async (request, reply) => {
    const userId = request.session.userId;
    if (typeof userId === 'number') {
      endSessionsOfUser(db, userId);
      recordAudit(db, { userId, action: 'sign_out', entity: 'session' });
    }
    await request.session.destroy();
    return reply.redirect('/login', 303);
  });
}
