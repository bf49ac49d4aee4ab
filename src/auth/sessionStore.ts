import type * as Fastify from 'fastify';
import { Signer } from '@fastify/cookie';
import { and, eq, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { sessions, users } from '../db/schema.js';

export interface SessionLifetime {
  /** Ends a session nobody used for this long (idle timeout). */
  idleMs: number;
  /** Ends a session this long after sign-in, however busy (absolute lifetime). */
  maxMs: number;
}

/** A session's last-seen time is written at most this often (a request within it writes nothing). */
export const TOUCH_INTERVAL_MS = 60_000;

type Callback = (err?: unknown) => void;
type CallbackSession = (err: unknown, result?: Fastify.Session | null) => void;

/**
 * @fastify/session store over the `sessions` table. Keeping sessions in SQLite
 * lets sign-out and disabling a user end every session of theirs at once, and
 * enforces both timeouts on the server whatever the cookie says.
 *
 * A session that has been stored carries `stored: true` in its data. Saving
 * such a session only UPDATEs its row: if the row was deleted meanwhile (sign-out
 * everywhere, a password reset, disabling the user) while a request was in
 * flight, the finishing request writes nothing and the session stays ended.
 * Only a brand-new session INSERTs.
 */
export class SqliteSessionStore {
  // Prepared once: every request reads its session, so no statement is compiled per request.
  private readonly statements;

  constructor(
    private readonly db: Db,
    private readonly lifetime: SessionLifetime,
    private readonly now: () => number = Date.now,
  ) {
    const p = (name: string) => sql.placeholder(name);
    const bySid = eq(sessions.sid, sql.placeholder('sid'));
    this.statements = {
      read: db.select().from(sessions).where(bySid).prepare(),
      remove: db.delete(sessions).where(bySid).prepare(),
      touch: db
        .update(sessions)
        .set({ lastSeenAt: sql`${p('now')}`, expiresAt: sql`${p('expiresAt')}` })
        .where(bySid)
        .prepare(),
      update: db
        .update(sessions)
        .set({
          userId: sql`${p('userId')}`,
          data: sql`${p('data')}`,
          lastSeenAt: sql`${p('now')}`,
          // The stored sign-in time is the one that counts for the absolute lifetime, not what the session data says.
          expiresAt: sql`min(${p('idleEnd')}, ${sessions.createdAt} + ${lifetime.maxMs})`,
        })
        .where(bySid)
        .prepare(),
      insert: db
        .insert(sessions)
        .values({ sid: p('sid'), userId: p('userId'), data: p('data'), createdAt: p('createdAt'), lastSeenAt: p('now'), expiresAt: p('expiresAt') })
        // Ids are random: a clash means the same new session saved twice, never someone else's row.
        .onConflictDoNothing()
        .prepare(),
    };
  }

  set(sid: string, session: Fastify.Session, callback: Callback): void {
    try {
      const now = this.now();
      const userId = typeof session.userId === 'number' ? session.userId : null;
      if (session.stored === true) {
        // Only a row that still exists is updated: an ended session is not written back.
        this.statements.update.run({ sid, userId, data: JSON.stringify(session), now, idleEnd: now + this.lifetime.idleMs });
      } else {
        session.stored = true;
        const createdAt = typeof session.createdAt === 'number' ? session.createdAt : now;
        const expiresAt = Math.min(now + this.lifetime.idleMs, createdAt + this.lifetime.maxMs);
        this.statements.insert.run({ sid, userId, data: JSON.stringify(session), createdAt, now, expiresAt });
      }
      callback();
    } catch (err) {
      callback(err);
    }
  }

  get(sid: string, callback: CallbackSession): void {
    try {
      const row = this.statements.read.get({ sid });
      if (!row) return callback(null, null);
      const now = this.now();
      const end = row.createdAt + this.lifetime.maxMs;
      if (row.expiresAt <= now || end <= now) {
        this.statements.remove.run({ sid });
        return callback(null, null);
      }
      // Every request is a use: move the idle deadline, but write at most once a minute per session
      // (and at once when the deadline lies past the absolute end, e.g. after the lifetime setting was lowered).
      if (now - row.lastSeenAt >= TOUCH_INTERVAL_MS || row.expiresAt > end) {
        this.statements.touch.run({ sid, now, expiresAt: Math.min(now + this.lifetime.idleMs, end) });
      }
      // A session read from the table is a stored one, whatever its data says (rows written before the flag existed).
      callback(null, { ...(JSON.parse(row.data) as Fastify.Session), stored: true });
    } catch (err) {
      callback(err);
    }
  }

  destroy(sid: string, callback: Callback): void {
    try {
      this.statements.remove.run({ sid });
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Removes sessions that have expired; called now and then, not on every request. */
  prune(): number {
    const now = this.now();
    return this.db
      .delete(sessions)
      .where(or(lt(sessions.expiresAt, now), lt(sessions.createdAt, now - this.lifetime.maxMs)))
      .run().changes;
  }
}

type Writer = Pick<Db, 'delete' | 'update'>;

/**
 * Ends every session of one user (sign-out everywhere, password reset, disabling):
 * deletes their rows and marks every sign-in up to `now` as no longer valid, so a
 * session still held by a request in flight is refused from its next request on.
 */
export function endSessionsOfUser(db: Writer, userId: number, now = Date.now()): number {
  db.update(users).set({ sessionsValidAfter: now }).where(eq(users.id, userId)).run();
  return db.delete(sessions).where(eq(sessions.userId, userId)).run().changes;
}

/**
 * Ends every session of one user except the one in use (after a password change).
 * Returns the sign-in time the kept session must carry from now on (later than the cut-off).
 */
export function endOtherSessionsOfUser(db: Writer, userId: number, keepSid: string, now = Date.now()): { ended: number; signedInAt: number } {
  db.update(users).set({ sessionsValidAfter: now }).where(eq(users.id, userId)).run();
  const ended = db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.sid, keepSid)))
    .run().changes;
  return { ended, signedInAt: now + 1 };
}

/** The time a session proved its password last (sign-in or own password change). */
export function signedInAtOf(session: Pick<Fastify.Session, 'signedInAt' | 'createdAt'> | null | undefined): number {
  const t = session?.signedInAt ?? session?.createdAt;
  return typeof t === 'number' ? t : 0;
}

/** Session cookies whose signature is remembered (the busiest sessions; least recently used dropped first). */
export const SIGNED_COOKIES_KEPT = 1_000;

type Unsigned = { valid: boolean; renew: boolean; value: string | null };

/**
 * @fastify/cookie's signer for the session cookie, remembering its answers.
 * @fastify/session checks the cookie's HMAC on every request and signs the
 * session id again for every session it loads; both are the same for the same
 * cookie, so the answers of the library's own signer are kept for the busiest
 * sessions. Only valid signatures are remembered: a forged cookie is checked by
 * the library every time, and cannot push anything out but other forgeries' room.
 */
export function rememberingSigner(secret: string): { sign(value: string): string; unsign(signed: string): Unsigned } {
  // The session plugin's own rule for a string secret (it does not check a signer object).
  if (secret.length < 32) throw new Error('the session secret must have length 32 or greater');
  const signer = new Signer(secret, 'sha256');
  const signed = new Map<string, string>();
  const valid = new Map<string, Unsigned>();
  const keep = <V>(map: Map<string, V>, key: string, value: V): V => {
    map.set(key, value);
    if (map.size > SIGNED_COOKIES_KEPT) map.delete(map.keys().next().value as string);
    return value;
  };
  const recall = <V>(map: Map<string, V>, key: string): V | undefined => {
    const value = map.get(key);
    if (value !== undefined) {
      // Most recently used last.
      map.delete(key);
      map.set(key, value);
    }
    return value;
  };
  return {
    sign: (value) => recall(signed, value) ?? keep(signed, value, signer.sign(value)),
    unsign: (cookie) => {
      const known = recall(valid, cookie);
      if (known) return { ...known };
      const result = signer.unsign(cookie) as Unsigned;
      if (result.valid && !result.renew) keep(valid, cookie, { ...result });
      return result;
    },
  };
}
