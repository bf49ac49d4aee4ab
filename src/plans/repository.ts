import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { plans } from '../db/schema.js';
import { changeRegisterEntry, createRegisterEntry, type RegisterEntryRef, type RegisterWriteResult, type Tx } from '../registers/repository.js';
import { assertFiscalYearsOpen } from '../fiscalYears/repository.js';
import { planPairs, recomputeDistrictYears } from '../figures/recompute.js';

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

type PlanYears = Pick<PlanRow, 'formulatedFy' | 'firstFy' | 'lastFy'>;

/**
 * Refuses a plan change when a year it sets or unsets lies in a closed fiscal
 * year (DESIGN §7): the FY formulated (④) or a year of the plan period (⑦),
 * before or after the change. Years whose values stay the same do not count.
 */
function assertPlanYearsOpen(tx: Tx, before: PlanYears | null, after: PlanYears | null): void {
  const years: { fiscalYear: number; field: string }[] = [];
  if (!before || !after || before.formulatedFy !== after.formulatedFy) {
    for (const v of [before, after]) if (v) years.push({ fiscalYear: v.formulatedFy, field: 'formulated_fy' });
  }
  const covered = (v: PlanYears | null, fy: number) => !!v && v.firstFy <= fy && fy <= v.lastFy;
  for (const v of [before, after]) {
    if (!v) continue;
    for (let fy = v.firstFy; fy <= v.lastFy; fy++) {
      if (covered(before, fy) !== covered(after, fy)) years.push({ fiscalYear: fy, field: fy === v.firstFy ? 'first_fy' : 'last_fy' });
    }
  }
  assertFiscalYearsOpen(tx, years);
}

/** Registers a plan (audited); refused when one of its years is closed. */
export function createPlan(db: Db, districtId: number, input: PlanInput, userId: number | null): PlanRow {
  return createRegisterEntry(db, {
    entity: 'plan',
    districtId,
    userId,
    insert: (tx) => {
      assertPlanYearsOpen(tx, null, input);
      const row = tx
        .insert(plans)
        .values({ districtId, ...input })
        .returning()
        .get();
      recomputeDistrictYears(tx, planPairs(districtId, row));
      return row;
    },
  });
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
    apply: (tx, row) => {
      assertPlanYearsOpen(tx, row, input);
      const after = tx
        .update(plans)
        .set({ ...input, version: row.version + 1 })
        .where(eq(plans.id, row.id))
        .returning()
        .get();
      recomputeDistrictYears(tx, planPairs(row.districtId, row, after));
      return after;
    },
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
      assertPlanYearsOpen(tx, row, null);
      tx.delete(plans).where(eq(plans.id, row.id)).run();
      recomputeDistrictYears(tx, planPairs(row.districtId, row));
      return null;
    },
  });
}
