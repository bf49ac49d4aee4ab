import { describe, expect, it } from 'vitest';
import { changedFields, describeValue } from '../../src/monthlyReports/history.js';

/* Issue 12, finding 9: history shows dates in wareki like every other page, not 2026-04-01. */
describe('dates in the history', () => {
  it('shows recorded dates and months in wareki', () => {
    expect(describeValue('openedOn', '2026-04-01')).toBe('令和8年4月1日');
    expect(describeValue('closed_on', '2019-04-30')).toBe('平成31年4月30日');
    expect(describeValue('month', '2024-04')).toBe('令和6年4月');
    expect(changedFields({ openedOn: '2024-04-01' }, { openedOn: '2024-06-01' })).toEqual([
      expect.objectContaining({ before: '令和6年4月1日', after: '令和6年6月1日' }),
    ]);
  });

  it('leaves other text alone', () => {
    expect(describeValue('name', 'ふれあいサロン')).toBe('ふれあいサロン');
    expect(describeValue('note', '2024-02-30')).toBe('2024-02-30');
  });
});
