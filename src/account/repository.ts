import { eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { users } from '../db/schema.js';
import { recordAudit } from '../audit/repository.js';
import { endOtherSessionsOfUser } from '../auth/sessionStore.js';

/** The stored password hash of a user (undefined if the user is gone). */
export function getPasswordHash(db: Db, userId: number): string | undefined {
  return db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).get()?.passwordHash;
}

/**
 * Stores a user's new password hash, audits it (never the hash itself) and
 * ends the user's other sessions, all in one transaction.
 */
export function changeOwnPassword(db: Db, input: { userId: number; newHash: string; keepSessionId: string }): { endedSessions: number; signedInAt: number } {
  return db.transaction((tx) => {
    const now = Date.now();
    const changedAt = new Date(now).toISOString();
    tx.update(users).set({ passwordHash: input.newHash, passwordChangedAt: changedAt }).where(eq(users.id, input.userId)).run();
    const { ended: endedSessions, signedInAt } = endOtherSessionsOfUser(tx, input.userId, input.keepSessionId, now);
    recordAudit(tx, {
      userId: input.userId,
      action: 'update',
      entity: 'user',
      entityId: input.userId,
      detail: `password_changed ended_sessions=${endedSessions}`,
    });
    return { endedSessions, signedInAt };
  });
}
