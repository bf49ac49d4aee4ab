import { authorize, can, type CurrentUser } from '../auth/access.js';
import type { Db } from '../db/index.js';
import { resolveScope } from '../trends/repository.js';
import { contentOf, sheetScopes, type AgendaSheetRow } from './repository.js';

/** Reading a sheet (print, export): city-wide read, plus read of every table's scope (a ward user sees no other ward's table). */
export function authorizeSheetRead(db: Db, user: CurrentUser | null, sheet: AgendaSheetRow): asserts user is CurrentUser {
  authorize(user, 'read', { kind: 'city' });
  for (const scope of sheetScopes(db, contentOf(sheet))) authorize(user, 'read', scope.target);
}

/** Whether the user may open a sheet (the same rule as authorizeSheetRead), for listing only what they can open. */
export function canReadSheet(db: Db, user: CurrentUser | null, sheet: AgendaSheetRow): boolean {
  if (!user || !can(user, 'read', { kind: 'city' })) return false;
  if (can(user, 'admin', { kind: 'city' })) return true;
  // A scope that no longer exists cannot be checked, so the sheet stays hidden from anyone but the city.
  return contentOf(sheet).tables.every((t) => {
    const scope = resolveScope(db, t.scope);
    return scope !== null && can(user, 'read', scope.target);
  });
}

/** Composing and changing sheets is city work (DESIGN §1). */
export function authorizeCompose(user: CurrentUser | null): asserts user is CurrentUser {
  authorize(user, 'admin', { kind: 'city' });
}
