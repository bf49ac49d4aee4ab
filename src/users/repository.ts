import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { districts, users, wards, type Role } from '../db/schema.js';
import { recordAudit } from '../audit/repository.js';
import { endSessionsOfUser } from '../auth/sessionStore.js';

export type UserRow = typeof users.$inferSelect;

export interface NewUser {
  login: string;
  displayName: string;
  role: Role;
  wardId: number | null;
  districtId: number | null;
  /** Already hashed (hashPassword); never written to the audit log. */
  passwordHash: string;
}

/** What the audit log keeps of a user: everything but the password hash. */
export function auditedUser(u: Pick<UserRow, 'login' | 'displayName' | 'role' | 'wardId' | 'districtId' | 'disabled'>) {
  return { login: u.login, displayName: u.displayName, role: u.role, wardId: u.wardId, districtId: u.districtId, disabled: u.disabled };
}

/** Creates a user (audited, without the hash) and returns the stored row. */
export function createUser(db: Db, input: NewUser, actorUserId: number | null): UserRow {
  return db.transaction((tx) => {
    const row = tx
      .insert(users)
      .values({ ...input, disabled: false, createdAt: new Date().toISOString() })
      .returning()
      .get();
    recordAudit(tx, { userId: actorUserId, action: 'create', entity: 'user', entityId: row.id, before: null, after: auditedUser(row) });
    return row;
  });
}

// --- The users page (city staff): list, disable/enable, password reset. ---

export interface UserListRow {
  id: number;
  login: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  passwordChangedAt: string | null;
  /** The ward of a ward user, or the ward of a district user's district. */
  wardName: string | null;
  districtName: string | null;
  districtCode: string | null;
}

/** Every user with the names of their ward or district, city staff first, then by ward and district. */
export function listUsers(db: Db): UserListRow[] {
  const rows = db
    .select({
      user: users,
      wardName: wards.name,
      wardSortOrder: wards.sortOrder,
      districtName: districts.name,
      districtCode: districts.code,
    })
    .from(users)
    .leftJoin(districts, eq(districts.id, users.districtId))
    // A district user's ward is their district's; a ward user's is their own.
    .leftJoin(wards, eq(wards.id, sql`coalesce(${districts.wardId}, ${users.wardId})`))
    .all();
  const roleOrder: Record<Role, number> = { city: 0, ward: 1, district: 2 };
  return rows
    .sort(
      (a, b) =>
        roleOrder[a.user.role] - roleOrder[b.user.role] || (a.wardSortOrder ?? -1) - (b.wardSortOrder ?? -1) || a.user.login.localeCompare(b.user.login),
    )
    .map((r) => ({
      id: r.user.id,
      login: r.user.login,
      displayName: r.user.displayName,
      role: r.user.role,
      disabled: r.user.disabled,
      createdAt: r.user.createdAt,
      passwordChangedAt: r.user.passwordChangedAt,
      wardName: r.wardName,
      districtName: r.districtName,
      districtCode: r.districtCode,
    }));
}

/** One user by id, or undefined. */
export function getUserById(db: Pick<Db, 'select'>, id: number): UserRow | undefined {
  return db.select().from(users).where(eq(users.id, id)).get();
}

/** True when a login is already used by someone (disabled users included). */
export function isLoginTaken(db: Pick<Db, 'select'>, login: string): boolean {
  return !!db.select({ id: users.id }).from(users).where(eq(users.login, login)).get();
}

/**
 * Disables or re-enables a user (audited). Disabling ends their sessions in
 * the same transaction, so they are signed out everywhere at once.
 * Returns false when the user was already in that state.
 */
export function setUserDisabled(db: Db, id: number, disabled: boolean, actorUserId: number): boolean {
  return db.transaction((tx) => {
    const before = getUserById(tx, id);
    if (!before || before.disabled === disabled) return false;
    const after = tx.update(users).set({ disabled }).where(eq(users.id, id)).returning().get();
    if (disabled) endSessionsOfUser(tx, id);
    recordAudit(tx, {
      userId: actorUserId,
      action: disabled ? 'disable' : 'enable',
      entity: 'user',
      entityId: id,
      before: auditedUser(before),
      after: auditedUser(after),
    });
    return true;
  });
}

/**
 * Sets a new (temporary) password chosen by city staff (audited, never the
 * hash) and ends the user's sessions: whoever held the old password is out.
 */
export function resetUserPassword(db: Db, id: number, passwordHash: string, actorUserId: number): void {
  db.transaction((tx) => {
    const before = getUserById(tx, id);
    if (!before) return;
    const changedAt = new Date().toISOString();
    tx.update(users).set({ passwordHash, passwordChangedAt: changedAt }).where(eq(users.id, id)).run();
    endSessionsOfUser(tx, id);
    recordAudit(tx, {
      userId: actorUserId,
      action: 'password_reset',
      entity: 'user',
      entityId: id,
      before: auditedUser(before),
      after: auditedUser(before),
      detail: 'password_reset',
    });
  });
}

/** Names of some users by id (for "closed by …" and similar), skipping nulls. */
export function usersByIds(db: Db, ids: readonly (number | null)[]): Map<number, { displayName: string; login: string }> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  if (wanted.length === 0) return new Map();
  return new Map(
    db
      .select({ id: users.id, displayName: users.displayName, login: users.login })
      .from(users)
      .where(inArray(users.id, wanted))
      .all()
      .map((u) => [u.id, u]),
  );
}
