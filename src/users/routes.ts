import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { guard } from '../guards/guard.js';
import { hashPassword, passwordProblem, PASSWORD_MIN_LENGTH } from '../auth/passwords.js';
import { ROLES, type Role } from '../db/schema.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { isConfirmed, renderConfirmation } from '../confirmation.js';
import { toHalfWidth } from '../domain/numbers.js';
import { normaliseText } from '../domain/text.js';
import { listDistricts, listWards } from '../districts/repository.js';
import { viewHelpers } from '../views.js';
import { RESUMED_MESSAGE, resumedFormBody } from '../auth/pendingForms.js';
import { idPathParams } from '../web/params.js';
import { parseInput, parsePath } from '../web/replies.js';
import { formatJapanDateTime } from '../web/japanTime.js';
import { lockoutRoutes, lockoutRows } from './lockouts.js';
import { createUser, getUserById, isLoginTaken, listUsers, resetUserPassword, setUserDisabled, type UserRow } from './repository.js';

const LOGIN_RE = /^[A-Za-z0-9._@-]{3,50}$/;
const DISPLAY_NAME_MAX = 50;

const FIELD_LABELS = {
  login: 'ログインID',
  display_name: '表示名',
  role: '役割',
  ward_id: '区',
  district_id: '校(地)区',
  password: '最初のパスワード',
  password_confirm: '最初のパスワード（確認）',
};

const newUserBody = z.object({
  login: z.string().max(200).default(''),
  display_name: z.string().max(500).default(''),
  role: z.string().max(20).default(''),
  ward_id: z.string().max(20).default(''),
  district_id: z.string().max(20).default(''),
  password: z.string().max(1000).default(''),
  password_confirm: z.string().max(1000).default(''),
});
type NewUserForm = z.infer<typeof newUserBody>;

const passwordBody = z.object({
  password: z.string().max(1000).default(''),
  password_confirm: z.string().max(1000).default(''),
});

/** Japanese messages for a new password typed twice, by field. */
function passwordErrors(password: string, confirm: string): Record<string, string> {
  const errors: Record<string, string> = {};
  const problem = passwordProblem(password);
  if (password === '') errors.password = 'パスワードを入力してください。';
  else if (problem) errors.password = problem;
  if (!errors.password && password !== confirm) errors.password_confirm = '確認用のパスワードが一致しません。同じパスワードを2回入力してください。';
  return errors;
}

function scopeText(u: { role: Role; wardName: string | null; districtName: string | null }): string {
  if (u.role === 'city') return '全市';
  if (u.role === 'ward') return u.wardName ?? '';
  return `${u.wardName ?? ''} ${u.districtName ?? ''}`.trim();
}

/** 利用者: city staff add users, disable and re-enable them, and reset passwords. */
export function userRoutes(app: FastifyInstance): void {
  const { db } = app.database;

  function userOr404(params: unknown): UserRow {
    const { id } = parsePath(idPathParams, params, 'その利用者は見つかりません。');
    const user = getUserById(db, id);
    if (!user) throw new NotFoundError('その利用者は見つかりません。');
    return user;
  }

  app.get('/users', { preHandler: guard.city('admin') }, async (request, reply) => {
    const rows = listUsers(db).map((u) => ({
      ...u,
      roleLabel: viewHelpers.roleLabel(u.role),
      scope: scopeText(u),
      createdAt: formatJapanDateTime(u.createdAt),
      passwordChangedAt: formatJapanDateTime(u.passwordChangedAt),
      isSelf: u.id === request.user!.id,
    }));
    return reply.viewAsync('users/index', {
      title: '利用者',
      styles: ['admin.css'],
      rows,
      activeCount: rows.filter((r) => !r.disabled).length,
      lockouts: lockoutRows(app.signInThrottle),
    });
  });

  lockoutRoutes(app);

  function renderNew(
    reply: FastifyReply,
    form: Omit<NewUserForm, 'password' | 'password_confirm'>,
    errors: Record<string, string>,
    notice: string | null = null,
  ) {
    return reply.viewAsync('users/new', {
      title: '利用者の追加',
      styles: ['admin.css'],
      form,
      errors,
      labels: FIELD_LABELS,
      wards: listWards(db),
      districts: listDistricts(db),
      roles: ROLES.map((r) => ({ value: r, label: viewHelpers.roleLabel(r) })),
      minLength: PASSWORD_MIN_LENGTH,
      notice,
    });
  }

  app.get('/users/new', { preHandler: guard.city('admin') }, async (request, reply) => {
    // Typed before a timeout (DESIGN §7): everything but the passwords, which were never kept.
    const resumed = resumedFormBody(db, request);
    const typed = resumed ? newUserBody.safeParse(resumed) : null;
    if (typed?.success) {
      const { password: _p, password_confirm: _c, ...kept } = typed.data;
      return renderNew(reply, kept, {}, `${RESUMED_MESSAGE}パスワードは残していないため、もう一度入力してください。`);
    }
    return renderNew(reply, { login: '', display_name: '', role: '', ward_id: '', district_id: '' }, {});
  });

  app.post('/users/new', { preHandler: guard.city('admin') }, async (request, reply) => {
    const body = parseInput(newUserBody, request.body);
    // Passwords are never sent back into the form.
    const kept = { login: body.login, display_name: body.display_name, role: body.role, ward_id: body.ward_id, district_id: body.district_id };
    const errors: Record<string, string> = {};

    const login = toHalfWidth(body.login).trim();
    if (login === '') errors.login = 'ログインIDを入力してください。';
    else if (!LOGIN_RE.test(login)) errors.login = 'ログインIDは、半角の英字・数字と「. _ - @」で、3〜50文字にしてください。';
    else if (isLoginTaken(db, login)) errors.login = 'このログインIDはすでに使われています。別のIDにしてください。';

    const checkedName = normaliseText(body.display_name, 'line');
    const displayName = (checkedName.ok ? checkedName.value : body.display_name).trim();
    if (displayName === '') errors.display_name = '表示名を入力してください（例：東区社協 山田）。';
    else if ([...displayName].length > DISPLAY_NAME_MAX) errors.display_name = `表示名は${DISPLAY_NAME_MAX}文字以内にしてください。`;
    else if (!checkedName.ok) errors.display_name = `表示名に${checkedName.message}`;

    const role = (ROLES as readonly string[]).includes(body.role) ? (body.role as Role) : null;
    if (!role) errors.role = '役割を選んでください。';
    let wardId: number | null = null;
    let districtId: number | null = null;
    if (role === 'ward') {
      wardId = listWards(db).find((w) => String(w.id) === body.ward_id)?.id ?? null;
      if (wardId === null) errors.ward_id = '区社協の利用者は、担当の区を選んでください。';
    } else if (role === 'district') {
      districtId = listDistricts(db).find((d) => String(d.id) === body.district_id)?.id ?? null;
      if (districtId === null) errors.district_id = '校(地)区社協の利用者は、担当の校(地)区を選んでください。';
    }
    Object.assign(errors, passwordErrors(body.password, body.password_confirm));

    if (Object.keys(errors).length > 0 || !role) {
      reply.code(422);
      return renderNew(reply, kept, errors);
    }
    const passwordHash = await hashPassword(body.password, app.passwordParams);
    // Another city user may have taken the login while the hash was computed.
    if (isLoginTaken(db, login)) {
      reply.code(422);
      return renderNew(reply, kept, { login: 'このログインIDはすでに使われています。別のIDにしてください。' });
    }
    createUser(db, { login, displayName, role, wardId, districtId, passwordHash }, request.user!.id);
    request.session.flash = `利用者「${displayName}」（${login}）を追加しました。最初のパスワードを本人に伝えてください。`;
    return reply.redirect('/users', 303);
  });

  app.post('/users/:id/disable', { preHandler: guard.city('admin') }, async (request, reply) => {
    const target = userOr404(request.params);
    if (target.id === request.user!.id) throw new ConflictError('ご自身を停止することはできません。ほかの市社協の利用者に依頼してください。');
    if (!isConfirmed(request.body)) {
      return renderConfirmation(reply, {
        heading: `「${target.displayName}」（${target.login}）を停止しますか`,
        lines: [
          '停止すると、この人はすぐにログインできなくなり、ログイン中の画面も使えなくなります。',
          '記録した報告や変更履歴は消えません。「再開する」で再び使えるようにできます。',
        ],
        button: '停止する',
        action: `/users/${target.id}/disable`,
        cancelUrl: '/users',
        styles: ['admin.css'],
      });
    }
    if (!setUserDisabled(db, target.id, true, request.user!.id)) throw new ConflictError(`「${target.displayName}」はすでに停止されています。`);
    request.session.flash = `「${target.displayName}」（${target.login}）を停止しました。この利用者はログインできなくなり、ログイン中の画面も使えなくなりました。`;
    return reply.redirect('/users', 303);
  });

  app.post('/users/:id/enable', { preHandler: guard.city('admin') }, async (request, reply) => {
    const target = userOr404(request.params);
    if (!setUserDisabled(db, target.id, false, request.user!.id)) throw new ConflictError(`「${target.displayName}」は停止されていません。`);
    request.session.flash = `「${target.displayName}」（${target.login}）を再び使えるようにしました。`;
    return reply.redirect('/users', 303);
  });

  function renderPassword(reply: FastifyReply, target: UserRow, errors: Record<string, string>) {
    return reply.viewAsync('users/password', {
      title: 'パスワードの再設定',
      styles: ['admin.css'],
      target: { id: target.id, login: target.login, displayName: target.displayName, roleLabel: viewHelpers.roleLabel(target.role), disabled: target.disabled },
      errors,
      labels: { password: '新しいパスワード', password_confirm: '新しいパスワード（確認）' },
      minLength: PASSWORD_MIN_LENGTH,
    });
  }

  app.get('/users/:id/password', { preHandler: guard.city('admin') }, async (request, reply) => {
    const target = userOr404(request.params);
    // One's own password is changed with the current one, on the account page.
    if (target.id === request.user!.id) return reply.redirect('/account/password', 303);
    return renderPassword(reply, target, {});
  });

  app.post('/users/:id/password', { preHandler: guard.city('admin') }, async (request, reply) => {
    const target = userOr404(request.params);
    if (target.id === request.user!.id) throw new ConflictError('ご自身のパスワードは「パスワード変更」の画面で変更してください。');
    const body = parseInput(passwordBody, request.body);
    const errors = passwordErrors(body.password, body.password_confirm);
    if (Object.keys(errors).length > 0) {
      reply.code(422);
      return renderPassword(reply, target, errors);
    }
    resetUserPassword(db, target.id, await hashPassword(body.password, app.passwordParams), request.user!.id);
    request.session.flash = `「${target.displayName}」（${target.login}）のパスワードを再設定しました。新しいパスワードを本人に伝えてください。`;
    return reply.redirect('/users', 303);
  });
}
