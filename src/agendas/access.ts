import { authorize, type CurrentUser } from '../auth/access.js';
import type { Db } from '../db/index.js';
import { contentOf, sheetScopes, type AgendaSheetRow } from './repository.js';

/** Reading a sheet (print, export): city-wide read, plus read of every table's scope (a ward user sees no other ward's table). */
export function authorizeSheetRead(db: Db, user: CurrentUser | null, sheet: AgendaSheetRow): asserts user is CurrentUser {
  authorize(user, 'read', { kind: 'city' });
  for (const scope of sheetScopes(db, contentOf(sheet))) authorize(user, 'read', scope.target);
}

/** Composing and changing sheets is city work (DESIGN §1). */
export function authorizeCompose(user: CurrentUser | null): asserts user is CurrentUser {
  authorize(user, 'admin', { kind: 'city' });
}
