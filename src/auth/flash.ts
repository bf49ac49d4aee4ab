import fp from 'fastify-plugin';
import { signerFactory } from '@fastify/cookie';
import { createHmac } from 'node:crypto';

export interface FlashOptions {
  /** The session secret; the flash cookie is signed with a key derived from it. */
  secret: string;
  /** Production: a `__Host-` cookie sent over HTTPS only. */
  secure: boolean;
}

/** Long enough for every message the app writes (they name a salon, a user …); more is cut. */
const MAX_FLASH_CHARS = 400;

/**
 * The one-time message after a redirect (「保存しました」 …). Routes set
 * `request.session.flash` as before; this plugin moves it into a short-lived
 * signed cookie before the session is saved, so a save followed by its message
 * is one database commit (the session row is not rewritten for it), and the
 * next page shows it once.
 *
 * Register it before @fastify/session: its onSend hook must run before the
 * session's own, which decides whether the session changed.
 */
export const flashPlugin = fp<FlashOptions>(
  (app, { secret, secure }, done) => {
    const cookieName = secure ? '__Host-mimamori-flash' : 'mimamori-flash';
    const signer = signerFactory(createHmac('sha256', secret).update('mimamori flash cookie').digest('hex'));
    const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };

    app.addHook('onSend', async (request, reply, payload) => {
      const session = request.session as { flash?: unknown } | null | undefined;
      const message = session?.flash;
      if (session && 'flash' in session) delete session.flash;
      if (typeof message === 'string' && message !== '') {
        reply.setCookie(cookieName, signer.sign(message.slice(0, MAX_FLASH_CHARS)), { ...cookieOptions, maxAge: 120 });
      }
      return payload;
    });

    // Shown once, on the next page (not on the static files that page loads).
    app.addHook('preHandler', async (request, reply) => {
      const raw = request.cookies[cookieName];
      if (!raw || request.url.startsWith('/static/')) return;
      reply.clearCookie(cookieName, cookieOptions);
      const unsigned = signer.unsign(raw);
      if (unsigned.valid && unsigned.value) reply.locals = { ...(reply.locals ?? {}), flash: unsigned.value };
    });
    done();
  },
  { name: 'mimamori-flash', dependencies: ['@fastify/cookie'] },
);
