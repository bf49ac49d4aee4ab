/**
 * 区社協の確認 (DESIGN §7): the review status of one district-month, derived
 * from the report and the ward's decision. Pure.
 */

export const MONTH_REVIEW_STATES = ['unreported', 'submitted', 'accepted', 'returned'] as const;
export type MonthReviewState = (typeof MONTH_REVIEW_STATES)[number];

export const REVIEW_STATE_LABELS: Record<MonthReviewState, string> = {
  unreported: '未報告',
  submitted: '提出済み',
  accepted: '確認済み',
  returned: '差し戻し',
};

export interface ReviewInput {
  /** The report's current version, or null when there is no report with at least one count. */
  reportedVersion: number | null;
  /** The ward's decision, if any, with the report version it was made on. */
  review: { status: 'accepted' | 'returned'; reportVersion: number } | null;
}

/**
 * 未報告 without counts; 確認済み / 差し戻し when the decision is for the current
 * version; otherwise 提出済み (saving again after a decision resubmits the month).
 */
export function reviewState({ reportedVersion, review }: ReviewInput): MonthReviewState {
  if (reportedVersion === null) return 'unreported';
  if (review && review.reportVersion === reportedVersion) return review.status;
  return 'submitted';
}
