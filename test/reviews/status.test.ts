import { describe, expect, it } from 'vitest';
import { REVIEW_STATE_LABELS, reviewState } from '../../src/reviews/status.js';

describe('reviewState', () => {
  it('is 未報告 without a report with counts, whatever review row exists', () => {
    expect(reviewState({ reportedVersion: null, review: null })).toBe('unreported');
    expect(reviewState({ reportedVersion: null, review: { status: 'accepted', reportVersion: 1 } })).toBe('unreported');
  });
  it('is 提出済み when reported and not reviewed', () => {
    expect(reviewState({ reportedVersion: 3, review: null })).toBe('submitted');
  });
  it('follows the decision for the current version', () => {
    expect(reviewState({ reportedVersion: 2, review: { status: 'accepted', reportVersion: 2 } })).toBe('accepted');
    expect(reviewState({ reportedVersion: 2, review: { status: 'returned', reportVersion: 2 } })).toBe('returned');
  });
  it('is 提出済み again once the report was saved after the decision (resubmitted)', () => {
    expect(reviewState({ reportedVersion: 3, review: { status: 'returned', reportVersion: 2 } })).toBe('submitted');
    expect(reviewState({ reportedVersion: 3, review: { status: 'accepted', reportVersion: 2 } })).toBe('submitted');
  });
  it('labels the four states in Japanese', () => {
    expect(Object.values(REVIEW_STATE_LABELS)).toEqual(['未報告', '提出済み', '確認済み', '差し戻し']);
  });
});
