import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { plans } from '../db/schema.js';
import { recordAudit } from '../audit/repository.js';

export type PlanRow = typeof plans.$inferSelect;
export interface PlanInput {
  generation: number;
  formulatedFy: number;
  firstFy: number;
  lastFy: number;
}

/** A district's small-area welfare activity plans, by generation. */
export function listPlans(db: Db, districtId: number): PlanRow[] {
  return db.select().from(plans).where(eq(plans.districtId, districtId)).orderBy(asc(plans.generation), asc(plans.id)).all();
}

/** Registers a plan (audited). */
export function createPlan(db: Db, districtId: number, input: PlanInput, userId: number | null): PlanRow {
  return db.transaction((tx) => {
    const row = tx.insert(plans).values({ districtId, ...input }).returning().get();
    recordAudit(tx, { userId, action: 'create', entity: 'plan', entityId: row.id, districtId, before: null, after: row });
    return row;
  });
}
