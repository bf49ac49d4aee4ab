import type { FastifyInstance, FastifyReply } from 'fastify';
import { guard } from '../guards/guard.js';
import { z } from 'zod';
import { recordAudit } from '../audit/repository.js';
import { hashPassword, passwordProblem, verifyPassword } from '../auth/passwords.js';
import { fieldsOf, postedText } from '../web/params.js';
import { holdBack, waitText } from '../auth/throttle.js';
import { changeOwnPassword, getPasswordHash } from './repository.js';

// Very long input is cut, then refused by the length rule.
const passwordText = postedText(1000);

const changePasswordSchema = z.object({
  current_password: passwordText,
  new_password: passwordText,
  new_password_confirm: passwordText,
});

type PasswordField = keyof z.infer<typeof changePasswordSchema>;

const PASSWORD_FIELD_LABELS: Record<PasswordField, string> = {
  current_password: '今のパスワード',
  new_password: '新しいパスワード',
  new_password_confirm: '新しいパスワード（確認）',
};

/** パスワード変更: each user changes their own password. */
export function accountRoutes(app: FastifyInstance): void {
  const { db } = app.database;
  const throttle = app.signInThrottle;

  // Passwords are never written back into the page, even on a failed form: they would sit in the HTML.
  const page = (reply: FastifyReply, status: number, errors: Partial<Record<PasswordField, string>>, message?: string) => {
    reply.code(status);
    return reply.viewAsync('account/password', { title: 'パスワードの変更', styles: ['account.css'], errors, labels: PASSWORD_FIELD_LABELS, message });
  };

  app.get('/account/password', { preHandler: guard.signedIn() }, async (_request, reply) => page(reply, 200, {}));

  app.post('/account/password', { preHandler: guard.signedIn() }, async (request, reply) => {
    const user = request.user!;
    const input = changePasswordSchema.parse(fieldsOf(request.body));

    // Guessing the current password here counts like guessing it at sign-in.
    const decision = throttle.check(user.login, request.ip);
    if (!decision.allowed) {
      reply.header('retry-after', String(Math.ceil(decision.retryAfterMs / 1000)));
      recordAudit(db, { userId: user.id, action: 'password_change_throttled', entity: 'user', entityId: user.id, detail: `ip=${request.ip}` });
      return page(reply, 429, {}, `パスワードの誤りが続いたため、しばらく変更を受け付けません。${waitText(decision.retryAfterMs)}にもう一度お試しください。`);
    }

    const errors: Partial<Record<PasswordField, string>> = {};
    const problem = input.new_password === '' ? '新しいパスワードを入力してください。' : passwordProblem(input.new_password);
    if (problem) errors.new_password = problem;
    if (input.new_password_confirm === '') errors.new_password_confirm = '確認のため、新しいパスワードをもう一度入力してください。';
    else if (!problem && input.new_password_confirm !== input.new_password)
      errors.new_password_confirm = '確認用のパスワードが一致しません。同じものを2回入力してください。';

    const stored = getPasswordHash(db, user.id);
    if (input.current_password === '') {
      errors.current_password = '今のパスワードを入力してください。';
    } else {
      // Like sign-in: a login that failed often lately is checked slowly.
      if (decision.delayMs > 0) await holdBack(decision.delayMs);
      if (!stored || !(await verifyPassword(input.current_password, stored))) {
        errors.current_password = '今のパスワードが違います。';
        throttle.recordFailure(user.login, request.ip);
        recordAudit(db, { userId: user.id, action: 'password_change_failed', entity: 'user', entityId: user.id, detail: `ip=${request.ip}` });
      } else if (!errors.new_password && input.new_password === input.current_password) {
        errors.new_password = '今のパスワードとは違うものにしてください。';
      }
    }
    if (Object.keys(errors).length > 0) {
      // In form order, so the summary reads like the form below it.
      const ordered = Object.fromEntries(
        Object.keys(PASSWORD_FIELD_LABELS)
          .filter((f) => f in errors)
          .map((f) => [f, errors[f as PasswordField]]),
      );
      return page(reply, 422, ordered);
    }

    const newHash = await hashPassword(input.new_password, app.passwordParams);
    const { signedInAt } = changeOwnPassword(db, { userId: user.id, newHash, keepSessionId: request.session.sessionId });
    // A fresh session id too, keeping the original sign-in time (the absolute lifetime does not restart);
    // this session proved the new password, so it stays valid after the user's other sessions were cut off.
    await request.session.regenerate(['userId', 'createdAt']);
    request.session.signedInAt = signedInAt;
    request.session.flash = 'パスワードを変更しました。ほかの端末でのログインは終了しました。';
    return reply.redirect('/', 303);
  });
}
