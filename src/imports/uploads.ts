/**
 * Uploaded import files held between the dry run and the import (DESIGN §8):
 * for the user who uploaded them only, expiring, used at most once.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { pendingUploads } from '../db/schema.js';
import { dropOldestBeyond } from '../db/heldPerUser.js';
import type { ImportKind } from '../domain/importFormats.js';

/** How long an upload waits for its 「取り込む」 button. */
export const UPLOAD_TTL_MS = 30 * 60_000;
/** The largest file the page takes (the plugin stops reading a file at this size). */
export const UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
/** Files one user may hold at once (the newest are kept). */
export const UPLOADS_KEPT_PER_USER = 5;

export interface PendingUpload {
  id: string;
  userId: number;
  kind: ImportKind;
  fileName: string;
  content: Buffer;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

/** Stores an upload for its user and returns its random id; expired uploads of anyone, and used ones, are removed on the way. */
export function holdUpload(db: Db, input: { userId: number; kind: ImportKind; fileName: string; content: Buffer; now?: number }): string {
  const now = input.now ?? Date.now();
  const id = randomBytes(18).toString('base64url');
  db.transaction((tx) => {
    // Used uploads stay an hour after their expiry, so that a second confirm can still say it was done.
    tx.delete(pendingUploads)
      .where(or(lt(pendingUploads.expiresAt, now - 60 * 60_000), and(isNull(pendingUploads.usedAt), lt(pendingUploads.expiresAt, now))))
      .run();
    tx.insert(pendingUploads)
      .values({ id, userId: input.userId, kind: input.kind, fileName: input.fileName, content: input.content, createdAt: now, expiresAt: now + UPLOAD_TTL_MS })
      .run();
    // A user holds a few files at most (each up to the size bound): the oldest beyond that are dropped.
    dropOldestBeyond(tx, pendingUploads, input.userId, UPLOADS_KEPT_PER_USER);
  });
  return id;
}

/** The upload with this id if it belongs to the user (someone else's id is as good as unknown). */
export function findUpload(db: Db, id: string, userId: number): PendingUpload | undefined {
  const row = db
    .select()
    .from(pendingUploads)
    .where(and(eq(pendingUploads.id, id), eq(pendingUploads.userId, userId)))
    .get();
  return row ? { ...row, kind: row.kind as ImportKind } : undefined;
}

/**
 * Marks the upload used, if it is still unused and not expired; false when a
 * second confirm (or another tab) got there first. Runs before the import, so
 * two confirms never both import.
 */
export function claimUpload(db: Db, id: string, userId: number, now = Date.now()): boolean {
  const result = db
    .update(pendingUploads)
    .set({ usedAt: now })
    .where(and(eq(pendingUploads.id, id), eq(pendingUploads.userId, userId), isNull(pendingUploads.usedAt), gt(pendingUploads.expiresAt, now)))
    .run();
  return result.changes === 1;
}

/** Gives a claimed upload back (the import found errors after all, so nothing was written). */
export function releaseUpload(db: Db, id: string): void {
  db.update(pendingUploads).set({ usedAt: null }).where(eq(pendingUploads.id, id)).run();
}
