/** What the monthly report page shows about 区社協の確認: the status, the return comment, and the review box. */
import type { CurrentUser } from '../auth/access.js';
import type { Db } from '../db/index.js';
import { fiscalYearOfMonth } from '../domain/fiscalYear.js';
import { isFiscalYearClosed } from '../fiscalYears/repository.js';
import { formatJapanDateTime } from '../web/japanTime.js';
import { COMMENT_MAX, monthReviewOf } from './repository.js';
import { REVIEW_STATE_LABELS, type MonthReviewState } from './status.js';

export interface ReviewBox {
  state: MonthReviewState;
  stateLabel: string;
  /** The return comment while the month is 差し戻し. */
  returnedComment: string | null;
  reviewedAt: string | null;
  /** Ward and city users: the form posting to `action`; null for district users. */
  form: {
    action: string;
    canAccept: boolean;
    canReturn: boolean;
    closed: boolean;
    comment: string;
    error: string | null;
    maxLength: number;
  } | null;
}

export function reviewBox(
  db: Db,
  user: CurrentUser,
  district: { id: number },
  month: string,
  reportUrl: string,
  kept: { comment?: string; error?: string | null } = {},
): ReviewBox {
  const { state, review } = monthReviewOf(db, district.id, month);
  const closed = isFiscalYearClosed(db, fiscalYearOfMonth(month));
  return {
    state,
    stateLabel: REVIEW_STATE_LABELS[state],
    returnedComment: state === 'returned' ? (review?.comment ?? '') : null,
    reviewedAt: review ? formatJapanDateTime(review.reviewedAt) : null,
    form:
      user.role === 'district'
        ? null
        : {
            action: `${reportUrl}/review`,
            canAccept: !closed && state === 'submitted',
            canReturn: !closed && (state === 'submitted' || state === 'accepted'),
            closed,
            comment: kept.comment ?? '',
            error: kept.error ?? null,
            maxLength: COMMENT_MAX,
          },
  };
}
