import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { guard } from '../guards/guard.js';
import type { SignInThrottle } from '../auth/throttle.js';
import { recordAudit } from '../audit/repository.js';
import { parseInput } from '../web/replies.js';
import { formatJapanDateTime } from '../web/japanTime.js';

/** One row of 「ログインの制限」 on the users page. */
export interface LockoutRow {
  kind: 'pair' | 'address' | 'login';
  /** What is held back, in words. */
  what: string;
  login: string;
  address: string;
  failures: number;
  /** 「10:15 まで」 or 「1回 1.2秒遅らせています」. */
  effect: string;
}

/** The sign-in limits in force now, for the users page (refusals first, then slowed logins). */
export function lockoutRows(throttle: SignInThrottle): LockoutRow[] {
  const rows: LockoutRow[] = throttle.lockouts().map((l) => ({
    kind: l.kind,
    what: l.kind === 'address' ? `この端末（${l.address}）からのログイン` : `この端末（${l.address}）からの「${l.login}」でのログイン`,
    login: l.login ?? '',
    address: l.address,
    failures: l.failures,
    effect: `${formatJapanDateTime(new Date(l.until).toISOString())} まで受け付けません`,
  }));
  for (const s of throttle.slowedLogins()) {
    rows.push({
      kind: 'login',
      what: `「${s.login}」でのログイン（どの端末からも）`,
      login: s.login,
      address: '',
      failures: s.failures,
      effect: `1回ごとに${(s.delayMs / 1000).toFixed(1)}秒遅らせています（正しいパスワードならログインできます）`,
    });
  }
  return rows;
}

const clearBody = z.object({
  kind: z.enum(['pair', 'address', 'login']),
  login: z.string().max(200).default(''),
  address: z.string().max(100).default(''),
});

/** 利用者 › ログインの制限: city staff clear a lockout (e.g. an office behind one address after typos). */
export function lockoutRoutes(app: FastifyInstance): void {
  const { db } = app.database;
  const throttle = app.signInThrottle;

  app.post('/users/lockouts/clear', { preHandler: guard.city('admin') }, async (request, reply) => {
    const body = parseInput(clearBody, request.body);
    const cleared =
      body.kind === 'pair'
        ? throttle.clearPair(body.login, body.address)
        : body.kind === 'address'
          ? throttle.clearAddress(body.address)
          : throttle.clearLogin(body.login);
    recordAudit(db, {
      userId: request.user!.id,
      action: 'lockout_cleared',
      entity: 'session',
      detail: `kind=${body.kind} login=${body.login} ip=${body.address} found=${cleared}`.slice(0, 500),
    });
    const subject =
      body.kind === 'address' ? `端末（${body.address}）` : body.kind === 'pair' ? `端末（${body.address}）からの「${body.login}」` : `「${body.login}」`;
    request.session.flash = cleared ? `${subject}のログインの制限を解除しました。` : `${subject}のログインの制限は、すでに解除されていました。`;
    return reply.redirect('/users#lockouts', 303);
  });
}
