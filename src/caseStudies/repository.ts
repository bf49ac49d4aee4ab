import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { caseStudies } from '../db/schema.js';
import { changeRegisterEntry, createRegisterEntry, type RegisterEntryRef, type RegisterWriteResult } from '../registers/repository.js';

export type CaseStudyRow = typeof caseStudies.$inferSelect;
export interface CaseStudyInput {
  fiscalYear: number;
  title: string;
  /** Kept exactly as written (line ends as LF). */
  body: string;
}

export const CASE_STUDY_NOT_FOUND = 'その取組事例は見つかりません。削除されたか、別の校(地)区の事例です。';

/** A district's case studies, newest fiscal year first; optionally one fiscal year only. */
export function listCaseStudies(db: Db, districtId: number, options: { fiscalYear?: number } = {}): CaseStudyRow[] {
  return db
    .select()
    .from(caseStudies)
    .where(and(eq(caseStudies.districtId, districtId), options.fiscalYear === undefined ? undefined : eq(caseStudies.fiscalYear, options.fiscalYear)))
    .orderBy(desc(caseStudies.fiscalYear), desc(caseStudies.id))
    .all();
}

/** One case study by id (of any district: callers compare districtId). */
export function getCaseStudy(db: Pick<Db, 'select'>, id: number): CaseStudyRow | undefined {
  return db.select().from(caseStudies).where(eq(caseStudies.id, id)).get();
}

/** Records a case study (audited). */
export function createCaseStudy(db: Db, districtId: number, input: CaseStudyInput, userId: number | null): CaseStudyRow {
  const now = new Date().toISOString();
  return createRegisterEntry(db, {
    entity: 'case_study',
    districtId,
    userId,
    insert: (tx) =>
      tx
        .insert(caseStudies)
        .values({ districtId, ...input, createdAt: now, updatedAt: now })
        .returning()
        .get(),
  });
}

/** Changes a case study (audited); a stale version is a conflict. */
export function updateCaseStudy(db: Db, change: RegisterEntryRef & { input: CaseStudyInput }): RegisterWriteResult<CaseStudyRow> {
  const { input } = change;
  return changeRegisterEntry(db, {
    ...change,
    entity: 'case_study',
    action: 'update',
    notFoundMessage: CASE_STUDY_NOT_FOUND,
    find: getCaseStudy,
    isUnchanged: (row) => row.fiscalYear === input.fiscalYear && row.title === input.title && row.body === input.body,
    apply: (tx, row) =>
      tx
        .update(caseStudies)
        .set({ ...input, version: row.version + 1, updatedAt: new Date().toISOString() })
        .where(eq(caseStudies.id, row.id))
        .returning()
        .get(),
  });
}

/** Deletes a case study (audited). */
export function deleteCaseStudy(db: Db, change: RegisterEntryRef): RegisterWriteResult<CaseStudyRow> {
  return changeRegisterEntry(db, {
    ...change,
    entity: 'case_study',
    action: 'delete',
    notFoundMessage: CASE_STUDY_NOT_FOUND,
    find: getCaseStudy,
    apply: (tx, row) => {
      tx.delete(caseStudies).where(eq(caseStudies.id, row.id)).run();
      return null;
    },
  });
}
