/**
 * 区社協の確認 (DESIGN §7): a ward or city user accepts submitted months or
 * returns one with a comment. Each decision is for the report version it was
 * made on; saving the month again resubmits it (see status.ts).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { authorize, type CurrentUser } from '../auth/access.js';
import type { Db } from '../db/index.js';
import { districts, monthlyReports, monthReviews } from '../db/schema.js';
import { districtTarget } from '../districts/repository.js';
import { fiscalYearBounds, fiscalYearOfMonth, monthLabelLong } from '../domain/fiscalYear.js';
import { reportedInRange, reportedVersion } from '../figures/reportedMonths.js';
import { characterCount, normaliseText } from '../domain/text.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { recordAudit } from '../audit/repository.js';
import { ClosedFiscalYearError, isFiscalYearClosed } from '../fiscalYears/repository.js';
import { reviewState, type MonthReviewState } from './status.js';

export const COMMENT_MAX = 500;

type Reader = Pick<Db, 'select' | 'insert'>;

export interface MonthRef {
  districtId: number;
  month: string;
}

export type MonthReviewRow = typeof monthReviews.$inferSelect;

export function getMonthReview(db: Pick<Db, 'select'>, districtId: number, month: string): MonthReviewRow | undefined {
  return db
    .select()
    .from(monthReviews)
    .where(and(eq(monthReviews.districtId, districtId), eq(monthReviews.month, month)))
    .get();
}

/** A district-month's review state, with the decision that applies (if any). */
export function monthReviewOf(
  db: Reader,
  districtId: number,
  month: string,
): { state: MonthReviewState; review: MonthReviewRow | null; version: number | null } {
  const version = reportedVersion(db, districtId, month);
  const review = getMonthReview(db, districtId, month) ?? null;
  const state = reviewState({ reportedVersion: version, review });
  return { state, review: state === 'accepted' || state === 'returned' ? review : null, version };
}

/** The states of many months of one district, keyed by month. */
export function reviewStatesOf(db: Reader, districtId: number, months: readonly string[]): Map<string, MonthReviewState> {
  return new Map(months.map((m) => [m, monthReviewOf(db, districtId, m).state]));
}

/** Ward users for their ward's districts, and city users; district users never (403). */
export function authorizeReview(db: Pick<Db, 'select'>, user: CurrentUser | null, districtId: number) {
  if (!user || user.role === 'district') throw new ForbiddenError('月次報告の確認は、区社協・市社協の担当者が行います。');
  const district = db.select().from(districts).where(eq(districts.id, districtId)).get();
  if (!district) throw new NotFoundError('その校(地)区は見つかりません。');
  authorize(user, 'write', districtTarget(district));
  return district;
}

/** The Japanese problem with a return comment, or the normalised comment. */
export function checkComment(raw: string): { ok: true; value: string } | { ok: false; message: string } {
  const text = normaliseText(raw ?? '', 'multiline');
  if (!text.ok) return text;
  const value = text.value.trim();
  if (value === '') return { ok: false, message: '差し戻す理由を入力してください。' };
  if (characterCount(value) > COMMENT_MAX)
    return { ok: false, message: `差し戻す理由は${COMMENT_MAX}文字以内で入力してください（いま${characterCount(value)}文字）。` };
  return { ok: true, value };
}

function assertOpen(db: Pick<Db, 'select'>, items: readonly MonthRef[]): void {
  const years = [...new Set(items.map((i) => fiscalYearOfMonth(i.month)))].sort((a, b) => a - b);
  for (const fy of years) if (isFiscalYearClosed(db, fy)) throw new ClosedFiscalYearError(fy, 'month');
}

function writeDecision(tx: Reader, ref: MonthRef, status: 'accepted' | 'returned', comment: string, version: number, user: CurrentUser): void {
  const values = { status, comment, reportVersion: version, reviewedBy: user.id, reviewedAt: new Date().toISOString() };
  tx.insert(monthReviews)
    .values({ districtId: ref.districtId, month: ref.month, ...values })
    .onConflictDoUpdate({ target: [monthReviews.districtId, monthReviews.month], set: values })
    .run();
  recordAudit(tx, {
    userId: user.id,
    action: status === 'accepted' ? 'accept' : 'return',
    entity: 'monthly_report',
    districtId: ref.districtId,
    month: ref.month,
    after: { reportVersion: version },
    detail: status === 'returned' ? comment : null,
  });
}

/**
 * Marks submitted months 確認済み, all or nothing in one transaction. Months that
 * are not 提出済み are refused (409) with the month named.
 */
export function acceptMonths(db: Db, items: readonly MonthRef[], user: CurrentUser): number {
  if (items.length === 0) return 0;
  for (const item of items) authorizeReview(db, user, item.districtId);
  assertOpen(db, items);
  return db.transaction((tx) => {
    assertOpen(tx, items);
    for (const item of items) {
      const { state, version } = monthReviewOf(tx, item.districtId, item.month);
      if (state !== 'submitted' || version === null) {
        throw new ConflictError(`${monthLabelLong(item.month)}は提出済みではないため、確認済みにできません（いまの状態：${stateWord(state)}）。`);
      }
      writeDecision(tx, item, 'accepted', '', version, user);
    }
    return items.length;
  });
}

/** Returns a submitted or accepted month with a comment (差し戻し). */
export function returnMonth(db: Db, input: MonthRef & { comment: string }, user: CurrentUser): void {
  authorizeReview(db, user, input.districtId);
  const comment = checkComment(input.comment);
  if (!comment.ok) throw new ValidationError({ comment: comment.message }, comment.message);
  assertOpen(db, [input]);
  db.transaction((tx) => {
    assertOpen(tx, [input]);
    const { state, version } = monthReviewOf(tx, input.districtId, input.month);
    if ((state !== 'submitted' && state !== 'accepted') || version === null) {
      throw new ConflictError(`${monthLabelLong(input.month)}は提出済みでも確認済みでもないため、差し戻せません（いまの状態：${stateWord(state)}）。`);
    }
    writeDecision(tx, input, 'returned', comment.value, version, user);
  });
}

function stateWord(state: MonthReviewState): string {
  return { unreported: '未報告', submitted: '提出済み', accepted: '確認済み', returned: '差し戻し' }[state];
}

/** A district's months now 差し戻し, oldest first, with the comment. */
export function listReturnedMonths(db: Reader, districtId: number): { month: string; comment: string; reviewedAt: string }[] {
  const rows = db
    .select()
    .from(monthReviews)
    .where(and(eq(monthReviews.districtId, districtId), eq(monthReviews.status, 'returned')))
    .all();
  return rows
    .filter((r) => monthReviewOf(db, districtId, r.month).state === 'returned')
    .map((r) => ({ month: r.month, comment: r.comment, reviewedAt: r.reviewedAt }))
    .sort((a, b) => a.month.localeCompare(b.month));
}

/** Review rows for many districts and months (for grids). */
export function listReviews(db: Pick<Db, 'select'>, districtIds: readonly number[], months: readonly string[]): MonthReviewRow[] {
  if (districtIds.length === 0 || months.length === 0) return [];
  return db
    .select()
    .from(monthReviews)
    .where(and(inArray(monthReviews.districtId, [...districtIds]), inArray(monthReviews.month, [...months])))
    .all();
}

/**
 * The review state of every reported district-month from `fromMonth` to `toMonth`
 * (one query), keyed `${districtId}:${month}`; months not in the map are 未報告.
 */
export function reviewStatesInRange(
  db: Pick<Db, 'select'>,
  fromMonth: string,
  toMonth: string,
  districtIds?: readonly number[],
): Map<string, Exclude<MonthReviewState, 'unreported'>> {
  if (districtIds && districtIds.length === 0) return new Map();
  const rows = db
    .select({
      districtId: monthlyReports.districtId,
      month: monthlyReports.month,
      version: monthlyReports.version,
      status: monthReviews.status,
      reviewed: monthReviews.reportVersion,
    })
    .from(monthlyReports)
    .leftJoin(monthReviews, and(eq(monthReviews.districtId, monthlyReports.districtId), eq(monthReviews.month, monthlyReports.month)))
    .where(reportedInRange(fromMonth, toMonth, districtIds))
    .all();
  return new Map(
    rows.map((r) => [
      `${r.districtId}:${r.month}`,
      reviewState({ reportedVersion: r.version, review: r.status && r.reviewed !== null ? { status: r.status, reportVersion: r.reviewed } : null }) as Exclude<
        MonthReviewState,
        'unreported'
      >,
    ]),
  );
}

/**
 * Accepted and reported district-months per fiscal year from `fromFy` to `toFy`
 * (one count joining the reports and the decisions on the version), for the
 * city, one ward or one district.
 */
export function acceptedCountsByFiscalYear(
  db: Pick<Db, 'select'>,
  scope: { type: 'city' | 'ward' | 'district'; id: number },
  fromFy: number,
  toFy: number,
): Map<number, { accepted: number; reported: number }> {
  const fyExpr = sql<number>`CAST(substr(${monthlyReports.month}, 1, 4) AS INTEGER) - (CAST(substr(${monthlyReports.month}, 6, 2) AS INTEGER) < 4)`;
  const rows = db
    .select({
      fiscalYear: fyExpr,
      reported: sql<number>`count(*)`,
      accepted: sql<number>`count(${monthReviews.districtId})`,
    })
    .from(monthlyReports)
    .innerJoin(districts, eq(districts.id, monthlyReports.districtId))
    .leftJoin(
      monthReviews,
      and(
        eq(monthReviews.districtId, monthlyReports.districtId),
        eq(monthReviews.month, monthlyReports.month),
        eq(monthReviews.reportVersion, monthlyReports.version),
        eq(monthReviews.status, 'accepted'),
      ),
    )
    .where(
      and(
        reportedInRange(fiscalYearBounds(fromFy).first, fiscalYearBounds(toFy).last),
        scope.type === 'ward' ? eq(districts.wardId, scope.id) : scope.type === 'district' ? eq(monthlyReports.districtId, scope.id) : undefined,
      ),
    )
    .groupBy(fyExpr)
    .all();
  return new Map(rows.map((r) => [Number(r.fiscalYear), { accepted: Number(r.accepted), reported: Number(r.reported) }]));
}
