import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { plans } from '../db/schema.js';
import { changeRegisterEntry, createRegisterEntry, type RegisterEntryRef, type RegisterWriteResult } from '../registers/repository.js';

export type PlanRow = typeof plans.$inferSelect;
export interface PlanInput {
  generation: number;
  formulatedFy: number;
  firstFy: number;
  lastFy: number;
}

export const PLAN_NOT_FOUND = 'その活動計画は見つかりません。削除されたか、別の校(地)区の計画です。';

/** A district's small-area welfare activity plans, by generation. */
export function listPlans(db: Db, districtId: number): PlanRow[] {
  return db.select().from(plans).where(eq(plans.districtId, districtId)).orderBy(asc(plans.generation), asc(plans.id)).all();
}

/** One plan by id (of any district: callers compare districtId). */
export function getPlan(db: Pick<Db, 'select'>, id: number): PlanRow | undefined {
  return db.select().from(plans).where(eq(plans.id, id)).get();
}

/** Registers a plan (audited). */
export function createPlan(db: Db, districtId: number, input: PlanInput, userId: number | null): PlanRow {
  return createRegisterEntry(db, { entity: 'plan', districtId, userId, insert: (tx) => tx.insert(plans).values({ districtId, ...input }).returning().get() });
}

/** Changes a plan (audited); a stale version is a conflict. */
export function updatePlan(db: Db, change: RegisterEntryRef & { input: PlanInput }): RegisterWriteResult<PlanRow> {
  const { input } = change;
  return changeRegisterEntry(db, {
    ...change,
    entity: 'plan',
    action: 'update',
    notFoundMessage: PLAN_NOT_FOUND,
    find: getPlan,
    isUnchanged: (row) =>
      row.generation === input.generation && row.formulatedFy === input.formulatedFy && row.firstFy === input.firstFy && row.lastFy === input.lastFy,
    apply: (tx, row) =>
      tx
        .update(plans)
        .set({ ...input, version: row.version + 1 })
        .where(eq(plans.id, row.id))
        .returning()
        .get(),
  });
}

/** Deletes a plan entered by mistake (audited). */
export function deletePlan(db: Db, change: RegisterEntryRef): RegisterWriteResult<PlanRow> {
  return changeRegisterEntry(db, {
    ...change,
    entity: 'plan',
    action: 'delete',
    notFoundMessage: PLAN_NOT_FOUND,
    find: getPlan,
    apply: (tx, row) => {
      tx.delete(plans).where(eq(plans.id, row.id)).run();
      return null;
    },
  });
}
