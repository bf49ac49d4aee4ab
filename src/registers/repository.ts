/**
 * The one shape of a write to a register (salon, plan, case study): a new
 * entry, or a change to an existing one (find the district's entry, refuse a
 * stale version, apply the change), each with its audit event in one transaction.
 */
import type { Db } from '../db/index.js';
import { recordAudit } from '../audit/repository.js';
import { NotFoundError } from '../errors.js';

/** A write transaction as Drizzle hands it to `db.transaction`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Register entities as the audit log names them. */
export type RegisterEntity = 'salon' | 'plan' | 'plan_schedule' | 'case_study';

interface VersionedEntry {
  id: number;
  districtId: number;
  version: number;
}

/** What became of a change: saved, nothing to save, or refused because someone else changed the entry first. */
export type RegisterWriteResult<Row> = { status: 'saved'; row: Row } | { status: 'unchanged'; row: Row } | { status: 'conflict'; stored: Row };

/** Which entry a change is for, and who makes it. */
export interface RegisterEntryRef {
  districtId: number;
  id: number;
  /** The version the user edited; any other stored version is a conflict. */
  expectedVersion: number;
  userId: number;
}

interface RegisterChange<Row extends VersionedEntry> extends RegisterEntryRef {
  entity: RegisterEntity;
  action: 'update' | 'close' | 'delete';
  /** Message of the 404 when the entry does not exist in this district. */
  notFoundMessage: string;
  find(tx: Tx, id: number): Row | undefined;
  /** True when the change would store what is already stored (no write, no audit event). */
  isUnchanged?(existing: Row): boolean;
  /** Writes the change; returns the new row, or null when the entry was deleted. */
  apply(tx: Tx, existing: Row): Row | null;
}

/** Adds an entry to a district's register; `insert` writes the row, the audit event follows. */
export function createRegisterEntry<Row extends { id: number }>(
  db: Db,
  entry: { entity: RegisterEntity; districtId: number; userId: number | null; insert(tx: Tx): Row },
): Row {
  return db.transaction((tx) => {
    const row = entry.insert(tx);
    recordAudit(tx, { userId: entry.userId, action: 'create', entity: entry.entity, entityId: row.id, districtId: entry.districtId, before: null, after: row });
    return row;
  });
}

/**
 * Changes an existing entry of a district. An entry of another district is
 * treated as missing (404), so ids never reveal other districts' registers.
 */
export function changeRegisterEntry<Row extends VersionedEntry>(db: Db, change: RegisterChange<Row>): RegisterWriteResult<Row> {
  return db.transaction((tx) => {
    const existing = change.find(tx, change.id);
    if (!existing || existing.districtId !== change.districtId) throw new NotFoundError(change.notFoundMessage);
    if (existing.version !== change.expectedVersion) return { status: 'conflict', stored: existing } as const;
    if (change.isUnchanged?.(existing)) return { status: 'unchanged', row: existing } as const;
    const after = change.apply(tx, existing);
    recordAudit(tx, {
      userId: change.userId,
      action: change.action,
      entity: change.entity,
      entityId: existing.id,
      districtId: existing.districtId,
      before: existing,
      after,
    });
    return { status: 'saved', row: after ?? existing } as const;
  });
}
