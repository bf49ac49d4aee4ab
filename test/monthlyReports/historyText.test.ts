import { describe, expect, it } from 'vitest';
import { changedFields, describeEvent } from '../../src/monthlyReports/history.js';
import { formatJapanDateTime } from '../../src/web/japanTime.js';

describe('formatJapanDateTime', () => {
  it('shows Japan time in wareki, crossing midnight', () => {
    expect(formatJapanDateTime('2026-11-23T05:05:00.000Z')).toBe('令和8年11月23日 14:05');
    expect(formatJapanDateTime('2024-03-31T15:30:00.000Z')).toBe('令和6年4月1日 00:30');
  });
});

describe('changedFields', () => {
  it('lists only the fields that changed, in form order, blank as 未報告', () => {
    const before = { watched_elderly: 1000, mutual_aid_cases: null, note: 'a' };
    const after = { watched_elderly: 1000, mutual_aid_cases: 12, note: 'b' };
    expect(changedFields(before, after)).toEqual([
      { label: '助け合い件数', before: '未報告', after: '12' },
      { label: '備考', before: 'a', after: 'b' },
    ]);
  });
  it('shows every recorded field of a new entry, and hides bookkeeping columns', () => {
    const out = changedFields(null, { name: 'ひまわりサロン', subsidyApplied: true, firstFy: 2024, id: 4, version: 1 });
    expect(out).toEqual([
      { label: '名称', before: '', after: 'ひまわりサロン' },
      { label: '立ち上げ助成の申請', before: '', after: 'はい' },
      { label: '推進期間（初年度）', before: '', after: '令和6年度' },
    ]);
  });
});

describe('describeEvent', () => {
  it('says what happened in Japanese, with a ward correction noted', () => {
    const entry = describeEvent({
      event: {
        id: 7,
        at: '2026-11-02T01:00:00.000Z',
        action: 'update',
        entity: 'monthly_report',
        entityId: '3',
        month: '2026-10',
        before: JSON.stringify({ watched_elderly: 1 }),
        after: JSON.stringify({ watched_elderly: 1234 }),
        detail: 'corrected_by_ward',
      },
      userLogin: 'ward-east',
      userName: '東区 担当',
    });
    expect(entry).toEqual({
      id: 7,
      at: '令和8年11月2日 10:00',
      who: '東区 担当',
      what: '月次報告（令和8年10月）を変更',
      detail: '区社協による修正',
      changes: [{ label: '見守り世帯数（高齢者世帯）', before: '1', after: '1,234' }],
    });
  });
});
