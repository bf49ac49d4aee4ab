// Rows a user holds for a while (forms kept across a sign-in, uploads waiting for their confirm) are bounded per user.
import { and, desc, eq, notInArray } from 'drizzle-orm';
import type { Db } from './index.js';
import type { pendingForms, pendingUploads } from './schema.js';

type HeldPerUser = typeof pendingForms | typeof pendingUploads;

/** Deletes the user's rows beyond the newest `keep` (by creation time, then id). Run it in the transaction that inserted the newest. */
export function dropOldestBeyond(tx: Db, table: HeldPerUser, userId: number, keep: number): void {
  const kept = tx
    .select({ id: table.id })
    .from(table)
    .where(eq(table.userId, userId))
    .orderBy(desc(table.createdAt), desc(table.id))
    .limit(keep)
    .all()
    .map((r) => r.id);
  tx.delete(table)
    .where(and(eq(table.userId, userId), notInArray(table.id, kept)))
    .run();
}
