import type { Role } from '../db/schema.js';
import { ForbiddenError } from '../errors.js';

/** The signed-in person as every route sees it. */
export interface CurrentUser {
  id: number;
  login: string;
  displayName: string;
  role: Role;
  wardId: number | null;
  districtId: number | null;
  /** The ward's name for ward users, the district's ward for district users. */
  wardName: string | null;
  /** The district's code, for district users. */
  districtCode: string | null;
}

/** What a request touches: the whole city, one ward, or one district (with its ward). */
export type Target = { kind: 'city' } | { kind: 'ward'; wardId: number } | { kind: 'district'; districtId: number; wardId: number };

/**
 * read: see figures; write: record or correct figures and registers;
 * admin: city-only work (users, published figures, closing years, agenda sheets).
 */
export type Action = 'read' | 'write' | 'admin';

/**
 * The one rule of who may do what (DESIGN §1). City staff may do everything;
 * ward staff read the citywide totals and read/write their own ward's
 * districts; district staff read/write only their own district.
 */
export function can(user: CurrentUser, action: Action, target: Target): boolean {
  if (user.role === 'city') return true;
  if (action === 'admin') return false;
  if (user.role === 'ward') {
    switch (target.kind) {
      case 'city':
        return action === 'read';
      case 'ward':
      case 'district':
        return target.wardId === user.wardId;
    }
  }
  // district
  return target.kind === 'district' && target.districtId === user.districtId;
}

/**
 * Throws 403 unless `can` allows it. Routes do not call this: they declare a guard
 * (src/guards/guard.ts), which loads what the URL names through the user's scope.
 * Domain rules that check each record of a batch (reviews, agenda sheet scopes) call it.
 */
export function authorize(user: CurrentUser | null, action: Action, target: Target): asserts user is CurrentUser {
  if (!user || !can(user, action, target)) throw new ForbiddenError();
}
