import { describe, expect, it } from 'vitest';
import { reportKey } from '../../src/completeness/status.js';
import type { DistrictWithWard } from '../../src/districts/repository.js';
import { activeYearsText, districtListView, dueText, type DistrictListInput } from '../../src/districts/view.js';

function district(id: number, code: string, name: string, over: Partial<DistrictWithWard> = {}): DistrictWithWard {
  return {
    id,
    code,
    name,
    kana: name,
    wardId: 1,
    wardName: '東区',
    activeFrom: null,
    activeTo: null,
    contactName: null,
    contactPhone: null,
    ...over,
  } as DistrictWithWard;
}

const tanoura = district(1, '101', '田野浦校区');
const merged = district(2, '102', '旧校区', { activeTo: 2022 });
const future = district(3, 'N 1', '新校区', { activeFrom: 2026 });

function input(over: Partial<DistrictListInput> = {}): DistrictListInput {
  return {
    districts: [tanoura, merged, future],
    // Today 2024-06-15, due on the 10th: May is overdue unless reported, June not yet due.
    reported: new Set([reportKey(1, '2024-05')]),
    today: '2024-06-15',
    thisMonth: '2024-06',
    dueDay: 10,
    currentFiscalYear: 2024,
    scopeLabel: '東区',
    canManage: false,
    wards: [{ id: 1, name: '東区' }],
    filter: { ward: 1, q: '' },
    ...over,
  };
}

describe('districtListView (pure)', () => {
  it('words each month status with its mark, and the due date of months not yet reported', () => {
    const v = districtListView(input());
    const [a, b] = v.rows;
    expect(a!.lastMonth).toMatchObject({ status: 'reported', kind: 'reported', mark: '✓ ', text: '報告済み', due: '' });
    expect(a!.thisMonth).toMatchObject({ status: 'upcoming', kind: 'pending', mark: '', text: '未報告', due: '期限 7月10日' });
    expect(b!.lastMonth).toMatchObject({ status: 'inactive', kind: 'inactive', text: '対象外' });
    const overdue = districtListView(input({ reported: new Set() })).rows[0]!.lastMonth;
    expect(overdue).toMatchObject({ kind: 'overdue', mark: '✗ ', text: '期限超過', due: '' });
    // The same month before its due day: awaiting, shown as 未報告 with its due date.
    const awaiting = districtListView(input({ reported: new Set(), today: '2024-06-05' })).rows[0]!.lastMonth;
    expect(awaiting).toMatchObject({ status: 'awaiting', kind: 'pending', text: '未報告', due: '期限 6月10日' });
  });

  it('links each district to the year where its records are, with wareki labels', () => {
    const [a, b, c] = districtListView(input()).rows;
    expect(a).toMatchObject({
      activeNow: true,
      activeYears: '',
      yearUrl: '/districts/101/years/2024',
      yearLabel: '令和6年度の記録',
      historyUrl: '/districts/101/history',
    });
    // A merged district's records end with its last year; a future one's start with its first.
    expect(b).toMatchObject({ activeNow: false, activeYears: '〜令和4年度', yearUrl: '/districts/102/years/2022', yearLabel: '令和4年度の記録' });
    expect(c).toMatchObject({ activeYears: '令和8年度〜', yearUrl: '/districts/N%201/years/2026' });
    expect(c!.links.map((l) => l.url)).toEqual([
      '/districts/N%201/salons',
      '/districts/N%201/plans',
      '/districts/N%201/case-studies',
      '/districts/N%201/contacts',
    ]);
    expect(c!.links[0]).toEqual({ url: '/districts/N%201/salons', text: 'サロン', label: '新校区のサロン' });
  });

  it('gives city staff the edit link and the ward picker, and says when the list is filtered', () => {
    const ward = districtListView(input());
    expect(ward.canManage).toBe(false);
    expect(ward.wardChoices).toBeNull();
    expect(ward.filtered).toBe(false);
    const city = districtListView(
      input({
        canManage: true,
        wards: [
          { id: 1, name: '東区' },
          { id: 2, name: '西区' },
        ],
      }),
    );
    expect(city.rows[0]!.links.at(-1)).toEqual({ url: '/districts/101/edit', text: '編集', label: '田野浦校区の編集' });
    expect(city.wardChoices).toEqual([
      { value: 1, label: '東区', selected: true },
      { value: 2, label: '西区', selected: false },
    ]);
    expect(city.filtered).toBe(true);
    expect(districtListView(input({ filter: { ward: null, q: 'た' } })).filtered).toBe(true);
  });

  it('sums up last month for the districts active now', () => {
    const v = districtListView(input());
    expect(v.heading).toBe('校(地)区一覧（東区）');
    expect(v.lastMonthLabel).toBe('令和6年5月');
    expect(v.thisMonthLabel).toBe('令和6年6月');
    expect(v.summary).toEqual({ districts: '1', reported: '1', overdue: null });
    expect(v.shownText).toBe('3件を表示しています。月次報告の期限は翌月10日です。');
    const many = Array.from({ length: 1234 }, (_, i) => district(100 + i, `X${i}`, `校区${i}`));
    const big = districtListView(input({ districts: many, reported: new Set() }));
    expect(big.summary).toEqual({ districts: '1,234', reported: '0', overdue: '1,234' });
  });

  it('writes active years and due dates in Japanese', () => {
    expect(activeYearsText({ activeFrom: 2018, activeTo: 2022 })).toBe('平成30年度〜令和4年度');
    expect(activeYearsText({ activeFrom: null, activeTo: null })).toBe('');
    expect(dueText('2024-12', 10)).toBe('期限 1月10日');
    expect(dueText('2025-01', 5)).toBe('期限 2月5日');
  });
});
