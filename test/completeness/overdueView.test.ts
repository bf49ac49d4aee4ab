import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OverdueWard } from '../../src/completeness/overdue.js';
import { NOT_REGISTERED, overdueView, type OverdueViewInput } from '../../src/completeness/overdueView.js';

const east: OverdueWard = {
  ward: { id: 1, name: '東区' },
  districts: [
    {
      code: 'E 1',
      name: '東一校区',
      contactName: '田中 花子',
      contactPhone: '',
      contactEmail: null,
      months: [
        { month: '2024-06', label: '令和6年6月', dueDate: '2024-07-10' },
        { month: '2025-01', label: '令和7年1月', dueDate: '2025-02-10' },
      ],
    },
  ],
  monthCount: 2,
};
const west: OverdueWard = { ward: { id: 2, name: '西区' }, districts: [], monthCount: 0 };

function input(over: Partial<OverdueViewInput> = {}): OverdueViewInput {
  return {
    fiscalYear: 2024,
    years: [2026, 2025, 2024],
    scopeLabel: '全市',
    wardChoices: [
      { id: 1, name: '東区' },
      { id: 2, name: '西区' },
    ],
    ward: null,
    list: [east, west],
    today: '2025-05-01',
    ...over,
  };
}

describe('overdueView (pure)', () => {
  it('titles the page with the scope and the wareki year, and labels the pickers', () => {
    const v = overdueView(input());
    expect(v.title).toBe('期限超過の一覧（全市・令和6年度）');
    expect(v.heading).toBe('期限超過の一覧（全市・令和6年度）');
    expect(v.years).toEqual([
      { value: 2026, label: '令和8年度（2026年度）', selected: false },
      { value: 2025, label: '令和7年度（2025年度）', selected: false },
      { value: 2024, label: '令和6年度（2024年度）', selected: true },
    ]);
    expect(v.wardChoices).toEqual([
      { value: 1, label: '東区', selected: false },
      { value: 2, label: '西区', selected: false },
    ]);
    expect(overdueView(input({ ward: 2 })).wardChoices?.[1]?.selected).toBe(true);
    // Ward staff see no ward picker.
    expect(overdueView(input({ wardChoices: null })).wardChoices).toBeNull();
  });

  it('links the CSV and the way back with the ward chosen', () => {
    expect(overdueView(input()).csvUrl).toBe('/completeness/overdue.csv?fy=2024');
    expect(overdueView(input()).backUrl).toBe('/completeness');
    const one = overdueView(input({ ward: 1, scopeLabel: '東区', list: [east] }));
    expect(one.csvUrl).toBe('/completeness/overdue.csv?fy=2024&ward=1');
    expect(one.backUrl).toBe('/completeness?ward=1');
  });

  it('counts districts and months in the summary and dates it in wareki', () => {
    const v = overdueView(input());
    expect(v.summary).toEqual({ districts: '1', months: '2' });
    expect(v.todayLabel).toBe('令和7年5月1日');
    // Nothing overdue: no counts, the page says so.
    expect(overdueView(input({ list: [west] })).summary).toBeNull();
  });

  it('writes each overdue month with its due date, and 未登録 for a missing contact', () => {
    const w = overdueView(input()).wards.at(0);
    const d = w?.districts.at(0);
    expect(d?.months).toEqual(['令和6年6月（令和6年7月10日まで）', '令和7年1月（令和7年2月10日まで）']);
    expect(NOT_REGISTERED).toBe('未登録');
    expect([d?.contactName, d?.contactPhone, d?.contactEmail]).toEqual(['田中 花子', '未登録', '未登録']);
    expect(d?.contactsUrl).toBe('/districts/E%201/contacts');
    expect(w?.caption).toBe('東区の期限超過');
  });

  it('heads each ward and notes a ward without overdue months only when several wards are listed', () => {
    const several = overdueView(input()).wards;
    expect(several.map((w) => w.heading)).toEqual(['東区', '西区']);
    expect(several.map((w) => w.emptyNote)).toEqual([null, '期限を過ぎて未報告の月はありません。']);
    const single = overdueView(input({ ward: 2, scopeLabel: '西区', list: [west] })).wards;
    expect(single).toEqual([{ heading: null, caption: '西区の期限超過', emptyNote: null, districts: [] }]);
  });
});

describe('views/completeness/overdue.eta only lays out', () => {
  it('holds no label constant, converter or formatting', () => {
    const text = readFileSync('views/completeness/overdue.eta', 'utf8');
    const logic = [/\bconst [A-Za-z_]+ =/, /\bfunction\b/, /formatDate|encodeURIComponent|\.reduce\(|toLocale/, /\bh\.[A-Za-z]+\(/, /未登録/, /it\.user\.role/];
    expect(logic.filter((re) => re.test(text)).map(String)).toEqual([]);
  });
});
