import { describe, expect, it } from 'vitest';
import { buildCompletenessGrid, buildWardSummary, reportKey } from '../../src/completeness/status.js';
import { completenessView, shareText, type CellReview, type CompletenessViewInput } from '../../src/completeness/view.js';

const wards = [
  { id: 1, name: '東区' },
  { id: 2, name: '西区' },
];
const districts = [
  { id: 10, code: 'E1', name: '東一校区', wardId: 1, activeFrom: null, activeTo: null },
  { id: 11, code: 'E 2', name: '東二校区', wardId: 1, activeFrom: null, activeTo: null },
  { id: 20, code: 'W1', name: '西一校区', wardId: 2, activeFrom: null, activeTo: null },
];
// On 2024-06-15 with reports due on the 10th: April and May are overdue when missing, June is not over.
const today = '2024-06-15';
const reported = new Set([reportKey(10, '2024-04'), reportKey(10, '2024-05'), reportKey(11, '2024-04'), reportKey(20, '2024-04'), reportKey(20, '2024-05')]);
const grid = buildCompletenessGrid({ fiscalYear: 2024, wards, districts, reported, today, dueDay: 10 });

function input(over: Partial<CompletenessViewInput> = {}): CompletenessViewInput {
  return {
    fiscalYear: 2024,
    years: [2025, 2024, 2023],
    scopeLabel: '全市',
    wardChoices: wards,
    filter: { ward: null, gaps: false },
    dueDay: 10,
    grid,
    summary: null,
    reviewStates: new Map<string, CellReview>([
      ['10:2024-04', 'accepted'],
      ['11:2024-04', 'returned'],
    ]),
    yearOpen: true,
    showCity: true,
    ...over,
  };
}

describe('completenessView (pure)', () => {
  it('titles the page with the scope and the wareki year, and labels the year picker', () => {
    const v = completenessView(input());
    expect(v.title).toBe('報告状況（全市・令和6年度）');
    expect(v.years).toEqual([
      { value: 2025, label: '令和7年度（2025年度）', selected: false },
      { value: 2024, label: '令和6年度（2024年度）', selected: true },
      { value: 2023, label: '令和5年度（2023年度）', selected: false },
    ]);
    expect(v.wardChoices).toEqual([
      { value: 1, label: '東区', selected: false },
      { value: 2, label: '西区', selected: false },
    ]);
    expect(completenessView(input({ wardChoices: null })).wardChoices).toBeNull();
    expect(v.dueLegend).toBe('期限（翌月10日）を過ぎて未報告');
    expect(completenessView(input({ filter: { ward: 2, gaps: false } })).overdueListUrl).toBe('/completeness/overdue?fy=2024&ward=2');
  });

  it('heads the months with the era year above April and January only', () => {
    const heads = completenessView(input()).grid!.months;
    expect(heads.map((m) => m.label)).toEqual(['4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月', '1月', '2月', '3月']);
    expect(heads.map((m) => m.year)).toEqual(['R6', '', '', '', '', '', '', '', '', 'R7', '', '']);
  });

  it('marks each cell: review state for reported months, ✗ overdue, — not yet due', () => {
    const v = completenessView(input());
    const [east, west] = v.grid!.blocks;
    const e1 = east!.rows[0]!;
    expect(e1.url).toBe('/districts/E1/years/2024');
    expect(e1.cells[0]).toMatchObject({ status: 'reported', review: 'accepted', symbol: '✓', text: '確認済み', title: '令和6年4月：確認済み', checkbox: null });
    // Submitted (not yet reviewed) while the year is open: a checkbox stands in for ○.
    expect(e1.cells[1]).toMatchObject({ review: 'submitted', symbol: '○', text: '提出済み（区の確認待ち）' });
    expect(e1.cells[1]!.checkbox).toEqual({ value: '10:2024-05', id: 'rv-10-2024-05', label: '東一校区 令和6年5月を確認済みにする' });
    const e2 = east!.rows[1]!;
    expect(e2.url).toBe('/districts/E%202/years/2024');
    expect(e2.cells[0]).toMatchObject({ review: 'returned', symbol: '↩', text: '差し戻し' });
    expect(e2.cells[1]).toMatchObject({ status: 'overdue', review: null, symbol: '✗', text: '期限超過（未報告）', title: '令和6年5月：期限超過（未報告）' });
    expect(e2.cells[2]).toMatchObject({ status: 'upcoming', symbol: '—', text: 'まだ期限前' });
    expect(e2.overdue).toBe('1か月');
    expect(e1.overdue).toBe('');
    expect(west!.rows[0]!.cells[1]!.checkbox).not.toBeNull();
  });

  it('counts reported districts per month with a one-decimal share once the month is over', () => {
    const v = completenessView(input());
    const east = v.grid!.blocks[0]!;
    expect(east.head).toBe('東区（2校(地)区）');
    expect(east.total.label).toBe('東区 報告数');
    expect(east.total.counts[1]).toEqual({ month: '2024-05', text: '1/2', share: '50.0%' });
    // June is not over and nothing was reported: no share yet.
    expect(east.total.counts[2]).toEqual({ month: '2024-06', text: '0/2', share: null });
    expect(east.total.overdue).toBe('1か月');
    expect(v.grid!.cityTotal!.counts[1]).toEqual({ month: '2024-05', text: '2/3', share: '66.7%' });
    expect(v.districtTotal).toBe('3校(地)区。');
    expect(v.overdueTotal).toBe('1');
    expect(v.grid!.columns).toBe(14);
  });

  it('offers review only while the year is open and something is submitted, with one button per month', () => {
    const v = completenessView(input());
    expect(v.canReview).toBe(true);
    expect(v.grid!.reviewMonths).toEqual([
      { month: '2024-04', label: '令和6年4月（提出済み 1件）' },
      { month: '2024-05', label: '令和6年5月（提出済み 2件）' },
    ]);
    const closed = completenessView(input({ yearOpen: false }));
    expect(closed.canReview).toBe(false);
    expect(closed.grid!.blocks[0]!.rows[0]!.cells[1]!.checkbox).toBeNull();
    expect(closed.grid!.reviewMonths).toEqual([]);
  });

  it('lists only districts with overdue months when asked for the gaps, and no city total for one ward', () => {
    const v = completenessView(input({ filter: { ward: null, gaps: true } }));
    expect(v.grid!.blocks.map((b) => b.rows.map((r) => r.code))).toEqual([['E 2'], []]);
    expect(completenessView(input({ showCity: false })).grid!.cityTotal).toBeNull();
  });

  it('lays out the ward summary of a large city', () => {
    const summary = buildWardSummary({
      fiscalYear: 2024,
      wards,
      districts: new Map([
        [1, 1200],
        [2, 3],
      ]),
      reported: new Map([
        ['1:2024-04', 1199],
        ['2:2024-04', 3],
      ]),
      today,
      dueDay: 10,
    });
    const v = completenessView(input({ grid: null, summary }));
    expect(v.grid).toBeNull();
    const ws = v.wardSummary!;
    expect(ws.wards[0]).toMatchObject({ name: '東区', url: '/completeness?fy=2024&ward=1', districts: '1,200校(地)区', overdue: '1,201か月' });
    expect(ws.wards[0]!.counts[0]).toEqual({ month: '2024-04', text: '1,199/1,200', share: '99.9%' });
    expect(ws.total[0]!.text).toBe('1,202/1,203');
    expect(v.districtTotal).toBe('1,203校(地)区。');
    expect(v.overdueTotal).toBe('1,204');
    expect(v.canReview).toBe(false);
  });

  it('writes shares with one decimal, never a rounding artefact', () => {
    expect(shareText(null)).toBe('');
    expect(shareText(1)).toBe('100.0%');
    expect(shareText(0)).toBe('0.0%');
    expect(shareText(2 / 3)).toBe('66.7%');
    expect(shareText(0.0005)).toBe('0.1%');
  });
});
