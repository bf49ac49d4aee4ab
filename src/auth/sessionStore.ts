import type * as Fastify from 'fastify';
import { and, eq, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { sessions } from '../db/schema.js';

export interface SessionLifetime {
  /** Ends a session nobody used for this long (idle timeout). */
  idleMs: number;
  /** Ends a session this long after sign-in, however busy (absolute lifetime). */
  maxMs: number;
}

type Callback = (err?: unknown) => void;
type CallbackSession = (err: unknown, result?: Fastify.Session | null) => void;

/**
 * @fastify/session store over the `sessions` table. Keeping sessions in SQLite
 * lets sign-out and disabling a user end every session of theirs at once, and
 * enforces both timeouts on the server whatever the cookie says.
 */
export class SqliteSessionStore {
  constructor(
    private readonly db: Db,
    private readonly lifetime: SessionLifetime,
    private readonly now: () => number = Date.now,
  ) {}

  set(sid: string, session: Fastify.Session, callback: Callback): void {
    try {
      const now = this.now();
      const createdAt = typeof session.createdAt === 'number' ? session.createdAt : now;
      const row = {
        sid,
        userId: typeof session.userId === 'number' ? session.userId : null,
        data: JSON.stringify(session),
        createdAt,
        lastSeenAt: now,
        expiresAt: Math.min(now + this.lifetime.idleMs, createdAt + this.lifetime.maxMs),
      };
      this.db
        .insert(sessions)
        .values(row)
        .onConflictDoUpdate({
          target: sessions.sid,
          // The stored sign-in time is the one that counts for the absolute lifetime, not what the session data says.
          set: { userId: row.userId, data: row.data, lastSeenAt: now, expiresAt: sql`min(${now + this.lifetime.idleMs}, ${sessions.createdAt} + ${this.lifetime.maxMs})` },
        })
        .run();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  get(sid: string, callback: CallbackSession): void {
    try {
      const row = this.db.select().from(sessions).where(eq(sessions.sid, sid)).get();
      if (!row) return callback(null, null);
      const now = this.now();
      if (row.expiresAt <= now || row.createdAt + this.lifetime.maxMs <= now) {
        this.db.delete(sessions).where(eq(sessions.sid, sid)).run();
        return callback(null, null);
      }
      callback(null, JSON.parse(row.data) as Fastify.Session);
    } catch (err) {
      callback(err);
    }
  }

  destroy(sid: string, callback: Callback): void {
    try {
      this.db.delete(sessions).where(eq(sessions.sid, sid)).run();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Removes sessions that have expired; called now and then, not on every request. */
  prune(): number {
    return this.db.delete(sessions).where(lt(sessions.expiresAt, this.now())).run().changes;
  }
}

/** Ends every session of one user (sign-out everywhere, disabling a user). */
export function endSessionsOfUser(db: Pick<Db, 'delete'>, userId: number): number {
  return db.delete(sessions).where(eq(sessions.userId, userId)).run().changes;
}

/** Ends every session of one user except the one in use (after a password change). */
export function endOtherSessionsOfUser(db: Pick<Db, 'delete'>, userId: number, keepSid: string): number {
  return db.delete(sessions).where(and(eq(sessions.userId, userId), ne(sessions.sid, keepSid))).run().changes;
}
