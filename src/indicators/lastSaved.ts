/** Who last saved a ward-year's indicator values, and when (shown on the ward form's conflict page). */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { users, wardIndicatorValues } from '../db/schema.js';

/** The latest save among a ward-year's stored values, or null when none is stored. */
export function lastWardValuesSave(db: Pick<Db, 'select'>, wardId: number, fiscalYear: number): { updatedAt: string; editor: string | null } | null {
  const row = db
    .select({ updatedAt: wardIndicatorValues.updatedAt, editor: users.displayName })
    .from(wardIndicatorValues)
    .leftJoin(users, eq(users.id, wardIndicatorValues.updatedBy))
    .where(and(eq(wardIndicatorValues.wardId, wardId), eq(wardIndicatorValues.fiscalYear, fiscalYear)))
    .orderBy(desc(wardIndicatorValues.updatedAt))
    .limit(1)
    .get();
  return row ? { updatedAt: row.updatedAt, editor: row.editor } : null;
}
