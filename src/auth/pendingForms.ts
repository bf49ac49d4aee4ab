/**
 * Forms posted after their session ended (DESIGN §7 "Timeouts lose nothing").
 *
 * A POST that arrives without a valid session cannot be saved (its CSRF token
 * belonged to the lost session), but what was typed is kept here for the user
 * who typed it: the browser carries a signed "who signed in here" cookie,
 * separate from the session, that names the user. After that same user signs
 * in again, the form's page shows the values with a message; a different user
 * never sees them, and nothing is saved until the user presses the button again.
 */
import { randomBytes, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { pendingForms } from '../db/schema.js';
import { dropOldestBeyond } from '../db/heldPerUser.js';

/** How long typed values are kept for their user. */
export const PENDING_FORM_TTL_MS = 2 * 3_600_000;
/** Larger bodies are not kept (the longest real form, a case study, is far smaller). */
export const PENDING_FORM_MAX_CHARS = 200_000;
/** At most this many kept forms per user; older ones go first. */
const MAX_PER_USER = 10;

/** Message on the sign-in page after a form was posted without a session. */
export const TIMEOUT_MESSAGE = '一定時間操作がなかったため、ログインし直してください。入力した内容は保存されていません。ログインすると入力画面に戻ります。';
/** Message on the form page when the kept values are shown again. */
export const RESUMED_MESSAGE = 'ログインし直す前に入力した内容を表示しています。まだ保存されていません。内容を確かめてから、もう一度保存してください。';

/** Posted fields never kept: the CSRF token of the lost session, and anything that looks like a password. */
function keepField(name: string): boolean {
  return name !== '_csrf' && !/pass/i.test(name);
}

/** The posted fields worth keeping, or null if the body is not a form or is too large. */
export function keptBody(body: unknown): Record<string, string | string[]> | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (!keepField(name)) continue;
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[name] = value;
  }
  if (Object.keys(out).length === 0) return null;
  return JSON.stringify(out).length > PENDING_FORM_MAX_CHARS ? null : out;
}

/** Keeps a posted form for its user; returns the id to resume it with. Expired forms are removed on the way. */
export function keepPendingForm(db: Db, input: { userId: number; path: string; body: Record<string, string | string[]>; now?: number }): string {
  const now = input.now ?? Date.now();
  const id = randomBytes(18).toString('base64url');
  db.transaction((tx) => {
    tx.delete(pendingForms).where(lt(pendingForms.expiresAt, now)).run();
    tx.insert(pendingForms)
      .values({ id, userId: input.userId, path: input.path, body: JSON.stringify(input.body), createdAt: now, expiresAt: now + PENDING_FORM_TTL_MS })
      .run();
    dropOldestBeyond(tx, pendingForms, input.userId, MAX_PER_USER);
  });
  return id;
}

/** A kept form of this user, if it exists and has not expired. */
export function findPendingForm(db: Db, id: string, userId: number, now = Date.now()): { path: string; body: Record<string, unknown> } | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return null;
  const row = db
    .select()
    .from(pendingForms)
    .where(and(eq(pendingForms.id, id), eq(pendingForms.userId, userId), gt(pendingForms.expiresAt, now)))
    .get();
  if (!row) return null;
  return { path: row.path, body: JSON.parse(row.body) as Record<string, unknown> };
}

/** Removes a user's kept form once it has been saved (or given up). */
export function dropPendingForm(db: Db, id: string, userId: number): void {
  db.delete(pendingForms)
    .where(and(eq(pendingForms.id, id), eq(pendingForms.userId, userId)))
    .run();
}

/**
 * The kept values for the form page being shown, when the page was reached
 * from the sign-in page with `?resume=<id>`: only the signed-in user's own
 * form, and only for this same page. Null otherwise.
 */
export function resumedFormBody(db: Db, request: FastifyRequest): Record<string, unknown> | null {
  const user = request.user;
  const query = request.query as Record<string, unknown> | undefined;
  const id = query?.resume;
  if (!user || typeof id !== 'string') return null;
  const form = findPendingForm(db, id, user.id);
  if (!form) return null;
  const path = request.url.split('?')[0];
  return form.path === path ? form.body : null;
}

/**
 * The "who signed in on this browser" cookie: the user's id, signed with a key
 * derived from the session secret. It outlives the session (up to the
 * session's absolute lifetime), so a form posted after a timeout can still be
 * kept for the right person. SameSite=Lax: a cross-site POST does not carry it,
 * so another site cannot plant values.
 */
export class SignedInUserCookie {
  readonly name: string;
  private readonly key: Buffer;
  private readonly options;

  constructor(secret: string, secure: boolean, maxAgeSeconds: number) {
    this.name = secure ? '__Host-mimamori-who' : 'mimamori-who';
    this.key = createHmac('sha256', secret).update('mimamori signed-in user cookie').digest();
    this.options = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, maxAge: maxAgeSeconds };
  }

  private mac(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('base64url');
  }

  set(reply: FastifyReply, userId: number): void {
    const value = String(userId);
    reply.setCookie(this.name, `${value}.${this.mac(value)}`, this.options);
  }

  clear(reply: FastifyReply): void {
    const { maxAge: _maxAge, ...options } = this.options;
    reply.clearCookie(this.name, options);
  }

  /** The user id the cookie names, if its signature is right. */
  read(request: FastifyRequest): number | null {
    const raw = request.cookies?.[this.name];
    const m = raw ? /^(\d{1,12})\.([A-Za-z0-9_-]+)$/.exec(raw) : null;
    if (!m) return null;
    const expected = Buffer.from(this.mac(m[1]!));
    const given = Buffer.from(m[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return Number(m[1]);
  }
}
