/**
 * 策定予定 (DESIGN §3): a district scheduled to formulate a small-area plan in
 * a fiscal year, so that seed 000's ※ footnote is a count the app computes.
 * A schedule is its own row (one per district and FY): it never moves ④ or ⑦,
 * which count plans formulated and in force, so no figures are recomputed.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { planSchedules } from '../db/schema.js';
import { ConflictError } from '../errors.js';
import { warekiLong } from '../domain/fiscalYear.js';
import { assertFiscalYearsOpen } from '../fiscalYears/repository.js';
import { changeRegisterEntry, createRegisterEntry, type RegisterEntryRef, type RegisterWriteResult, type Tx } from '../registers/repository.js';

export type PlanScheduleRow = typeof planSchedules.$inferSelect;
export interface PlanScheduleInput {
  scheduledFy: number;
  note: string;
}

export const PLAN_SCHEDULE_NOT_FOUND = 'その策定予定は見つかりません。削除されたか、別の校(地)区の予定です。';

/** The district already has a 策定予定 for that fiscal year (one per district and FY). */
export class DuplicatePlanScheduleError extends ConflictError {
  readonly field = 'scheduled_fy';
  constructor(readonly fiscalYear: number) {
    super(`${warekiLong(fiscalYear)}の策定予定はすでに登録されています。変更する場合は、一覧からその予定の「変更」を選んでください。`);
  }
}

/** A district's 策定予定, by fiscal year. */
export function listPlanSchedules(db: Db, districtId: number): PlanScheduleRow[] {
  return db.select().from(planSchedules).where(eq(planSchedules.districtId, districtId)).orderBy(asc(planSchedules.scheduledFy)).all();
}

/** One 策定予定 by id (of any district: callers compare districtId). */
export function getPlanSchedule(db: Pick<Db, 'select'>, id: number): PlanScheduleRow | undefined {
  return db.select().from(planSchedules).where(eq(planSchedules.id, id)).get();
}

function assertNoOtherSchedule(tx: Tx, districtId: number, fy: number, exceptId: number | null): void {
  const found = tx
    .select({ id: planSchedules.id })
    .from(planSchedules)
    .where(and(eq(planSchedules.districtId, districtId), eq(planSchedules.scheduledFy, fy)))
    .get();
  if (found && found.id !== exceptId) throw new DuplicatePlanScheduleError(fy);
}

/** Years a change touches: the scheduled FY before and after (a closed one refuses the change, DESIGN §7). */
function assertYearsOpen(tx: Tx, ...years: (number | undefined)[]): void {
  assertFiscalYearsOpen(
    tx,
    [...new Set(years.filter((y): y is number => y !== undefined))].map((fiscalYear) => ({ fiscalYear, field: 'scheduled_fy' })),
  );
}

/** Registers a 策定予定 (audited); refused for a closed fiscal year or a year already scheduled. */
export function createPlanSchedule(db: Db, districtId: number, input: PlanScheduleInput, userId: number | null): PlanScheduleRow {
  return createRegisterEntry(db, {
    entity: 'plan_schedule',
    districtId,
    userId,
    insert: (tx) => {
      assertYearsOpen(tx, input.scheduledFy);
      assertNoOtherSchedule(tx, districtId, input.scheduledFy, null);
      return tx
        .insert(planSchedules)
        .values({ districtId, ...input })
        .returning()
        .get();
    },
  });
}

/** Changes a 策定予定 (audited); a stale version is a conflict. */
export function updatePlanSchedule(db: Db, change: RegisterEntryRef & { input: PlanScheduleInput }): RegisterWriteResult<PlanScheduleRow> {
  const { input } = change;
  return changeRegisterEntry(db, {
    ...change,
    entity: 'plan_schedule',
    action: 'update',
    notFoundMessage: PLAN_SCHEDULE_NOT_FOUND,
    find: getPlanSchedule,
    isUnchanged: (row) => row.scheduledFy === input.scheduledFy && row.note === input.note,
    apply: (tx, row) => {
      assertYearsOpen(tx, row.scheduledFy, input.scheduledFy);
      assertNoOtherSchedule(tx, row.districtId, input.scheduledFy, row.id);
      return tx
        .update(planSchedules)
        .set({ ...input, version: row.version + 1 })
        .where(eq(planSchedules.id, row.id))
        .returning()
        .get();
    },
  });
}

/** Deletes a 策定予定 (audited); refused for a closed fiscal year. */
export function deletePlanSchedule(db: Db, change: RegisterEntryRef): RegisterWriteResult<PlanScheduleRow> {
  return changeRegisterEntry(db, {
    ...change,
    entity: 'plan_schedule',
    action: 'delete',
    notFoundMessage: PLAN_SCHEDULE_NOT_FOUND,
    find: getPlanSchedule,
    apply: (tx, row) => {
      assertYearsOpen(tx, row.scheduledFy);
      tx.delete(planSchedules).where(eq(planSchedules.id, row.id)).run();
      return null;
    },
  });
}
