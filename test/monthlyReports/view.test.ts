import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ITEMS } from '../../src/domain/items.js';
import type { DistrictWithWard } from '../../src/districts/repository.js';
import { COUNT_FIELDS, FIELD_LABELS, type MonthlyValues } from '../../src/monthlyReports/repository.js';
import { FORM_GROUPS, typedFromValues } from '../../src/monthlyReports/form.js';
import {
  conflictView,
  isYesNoItem,
  monthlyFormView,
  typedGroupTotal,
  yearlyValueText,
  yearView,
  type MonthlyFormInput,
  type YearViewInput,
} from '../../src/monthlyReports/view.js';
import { monthsOfFiscalYear } from '../../src/domain/fiscalYear.js';

const district = {
  id: 1,
  code: 'T 1',
  name: '田野浦校区',
  kana: 'たのうら',
  wardId: 1,
  wardName: '門司区',
  activeFrom: null,
  activeTo: null,
} as DistrictWithWard;

function values(v: Partial<MonthlyValues>): MonthlyValues {
  return { ...(Object.fromEntries(COUNT_FIELDS.map((f) => [f, null])) as MonthlyValues), note: null, ...v };
}

const FLOWS = ['mutual_aid_cases', 'coordination_meetings', 'well_club_participants'] as const;

function yearInput(over: Partial<YearViewInput> = {}): YearViewInput {
  return {
    district,
    fiscalYear: 2024,
    currentFiscalYear: 2025,
    today: '2024-06-15',
    dueDay: 10,
    regularMeetingMonths: 6,
    groups: FORM_GROUPS,
    flowFields: FLOWS,
    months: monthsOfFiscalYear(2024),
    reports: new Map([
      [
        '2024-04',
        {
          values: values({ watched_elderly: 1200, watched_other: 3, mutual_aid_cases: 2, well_club_participants: 1500 }),
          reported: true,
          correctedByWard: true,
          flagged: ['watched_elderly' as const],
          hasNote: false,
        },
      ],
      ['2024-05', { values: values({ mutual_aid_cases: 5, coordination_meetings: 0 }), reported: true, correctedByWard: false, flagged: [], hasNote: true }],
    ]),
    bounds: null,
    items: ITEMS,
    yearly: { 1: { value: 1203 }, 2: { value: 7 }, 3: { value: 0 }, 4: { value: 1 }, 5: { value: null }, 6: { value: 2 }, 7: { value: 1 } },
    successions: { predecessors: [], successors: [] },
    closed: false,
    active: true,
    ...over,
  };
}

describe('yearView (pure)', () => {
  it('prints each month: counts with thousands separators, the watched total, flags, status and due date', () => {
    const v = yearView(yearInput());
    expect(v.title).toBe('令和6年度の報告（田野浦校区）');
    expect(v.fyLabel).toBe('令和6年度');
    expect([v.previousLabel, v.nextLabel]).toEqual(['R5', 'R7']);
    expect(v.previousUrl).toBe('/districts/T%201/years/2023');
    expect(v.nextUrl).toBe('/districts/T%201/years/2025');
    const [april, may, june, july] = v.rows;
    expect(april).toMatchObject({
      label: '4月',
      ariaLabel: '令和6年4月の報告',
      url: '/districts/T%201/reports/2024-04',
      status: 'reported',
      statusLabel: '報告済み',
      correctedByWard: true,
      anyFlagged: true,
      due: null,
    });
    expect(april!.watchedCells.map((c) => c.text)).toEqual(['1,200', '', '', '3']);
    expect(april!.watchedCells[0]!.flagged).toBe(true);
    expect(april!.watchedTotal).toBe('1,203');
    expect(april!.otherCells.map((c) => c.text)).toEqual(['', '2', '', '1,500']);
    // Nothing watched was reported in May: the total stays blank, not 0; a 0 meeting count is printed.
    expect(may!.watchedTotal).toBe('');
    expect(may!.otherCells.map((c) => c.text)).toEqual(['', '5', '0', '']);
    expect(june).toMatchObject({ status: 'unreported', statusLabel: '未報告', due: { short: '7月10日', long: '令和6年7月10日' } });
    expect(july).toMatchObject({ status: 'future', statusLabel: 'まだ先', due: null });
    expect(v.counts).toEqual({ reported: 2, overdue: 0 });
    expect(yearView(yearInput({ today: '2024-07-11' })).counts.overdue).toBe(1);
  });

  it('adds up only the flows over the year, after one note spanning the month-end states', () => {
    const v = yearView(yearInput());
    expect(v.watchedHeads).toEqual(['高齢者', '障害', 'ひとり親', 'その他']);
    expect(v.watchedSpan).toBe(5);
    expect(v.otherHeads.map((h) => h.short)).toEqual(['福祉協力員', '助け合い', '連絡調整会議', 'ウェルクラブ等']);
    expect(v.stockColumns).toBe(6);
    expect(v.flowTotals).toEqual(['7', '0', '1,500']);
  });

  it('words the yearly values and how each is counted, with the meeting-month setting', () => {
    const v = yearView(yearInput());
    expect(v.yearly.map((y) => y.value)).toEqual(['1,203 世帯', '7 件', '該当しない', '該当', '—（未報告）', '2 か所', '該当']);
    expect(v.yearly.map((y) => y.muted)).toEqual([false, false, false, false, true, false, false]);
    expect(v.yearly[2]!.how).toBe('連絡調整会議を開いた月が6か月以上あれば該当');
    expect(ITEMS[2]!.howCounted(4)).toBe('連絡調整会議を開いた月が4か月以上あれば該当');
    expect(ITEMS[5]!.howCounted(6)).toBe('年度末（3月31日）に開いているサロンの数');
    expect(yearlyValueText(ITEMS[5]!, 0)).toBe('0 か所');
    expect(yearlyValueText(ITEMS[6]!, 0)).toBe('該当しない');
    expect(ITEMS.filter(isYesNoItem).map((i) => i.item)).toEqual([3, 4, 7]);
  });

  it('explains an item added to a copy of the catalogue in that item’s own words', () => {
    const drills = {
      ...ITEMS[1]!,
      item: 8 as (typeof ITEMS)[number]['item'],
      circled: '⑧',
      title: '声かけ訓練の実施回数',
      howCounted: () => '各月の実施回数の合計',
    };
    const v = yearView({ ...yearInput(), items: [...ITEMS, drills] });
    expect(v.yearly.map((y) => y.how)).toEqual([...ITEMS.map((i) => i.howCounted(6)), '各月の実施回数の合計']);
    expect(v.yearly[7]).toMatchObject({ circled: '⑧', title: '声かけ訓練の実施回数', value: '—（未報告）' });
  });

  it('sends year-end items to the successors in the year of a merger, and links both sides', () => {
    const successions = {
      predecessors: [{ code: 'OLD', name: '旧校区', firstMonth: '2020-04' }],
      successors: [
        { code: 'N1', name: '新一校区', firstMonth: '2024-10' },
        { code: 'N2', name: '新二校区', firstMonth: '2024-10' },
      ],
    };
    const v = yearView(yearInput({ successions }));
    expect(v.yearly.filter((y) => y.value.startsWith('後継の')).map((y) => y.item)).toEqual([1, 3, 6, 7]);
    expect(v.yearly[0]).toMatchObject({ value: '後継の新一校区・新二校区で数えます', muted: true });
    expect(v.yearly[1]!.value).toBe('7 件');
    expect(v.predecessors).toEqual([{ url: '/districts/OLD', name: '旧校区', note: '令和2年4月に統合・分割' }]);
    expect(v.successors[0]).toEqual({ url: '/districts/N1', name: '新一校区', note: '令和6年10月から' });
    // The year after the merger: nothing is sent on.
    expect(yearView(yearInput({ successions, fiscalYear: 2023, months: monthsOfFiscalYear(2023) })).yearly[0]!.value).toBe('1,203 世帯');
  });

  it('has no next year at the current one', () => {
    expect(yearView(yearInput({ fiscalYear: 2025, months: monthsOfFiscalYear(2025) })).nextUrl).toBeNull();
  });
});

function formInput(over: Partial<MonthlyFormInput> = {}): MonthlyFormInput {
  const stored = values({ watched_elderly: 1200, mutual_aid_cases: 4, note: 'メモ' });
  return {
    district,
    month: '2024-05',
    today: '2024-06-15',
    groups: FORM_GROUPS,
    labels: FIELD_LABELS,
    countFields: COUNT_FIELDS,
    plausibilityMonths: 6,
    dueDay: 10,
    previousValues: values({ watched_elderly: 1100, watched_other: 2, mutual_aid_cases: 3 }),
    lastYearValues: null,
    refusal: null,
    stored: { values: stored, flagged: ['watched_elderly'], correctedByWard: false, updatedAt: '令和6年6月1日 10:00', editor: '田中' },
    state: { typed: typedFromValues(stored), values: null, version: 3, errors: {}, unusual: new Map(), confirmUnusual: false },
    ...over,
  };
}

describe('monthlyFormView (pure)', () => {
  it('puts last month and last year beside each field, 未報告 where nothing was reported', () => {
    const v = monthlyFormView(formInput());
    expect(v.title).toBe('令和6年5月の報告（田野浦校区）');
    expect(v.asides.watched_elderly).toBe('先月 1,100 / 前年同月 未報告');
    expect(v.asides.watched_disability).toBe('先月 未報告 / 前年同月 未報告');
    expect(v.watchedAside).toBe('先月 1,102 / 前年同月 未報告');
    expect(v.previousUrl).toBe('/districts/T%201/reports/2024-04');
    expect(v.previousLabel).toBe('令和6年4月');
    expect(v.nextUrl).toBe('/districts/T%201/reports/2024-06');
    // July has not started on June 15: no link to it.
    expect(monthlyFormView(formInput({ month: '2024-06' })).nextUrl).toBeNull();
    expect(v.historyUrl).toBe('/districts/T%201/history?month=2024-05');
    expect(v.yearUrl).toBe('/districts/T%201/years/2024');
  });

  it('adds up the watched households as typed, by the saving rules', () => {
    const typed = { ...typedFromValues(null), watched_elderly: '１，２００世帯', watched_other: '3' };
    expect(typedGroupTotal(typed, FORM_GROUPS[0]!.fields)).toBe('1,203');
    expect(typedGroupTotal(typedFromValues(null), FORM_GROUPS[0]!.fields)).toBe('—');
    expect(typedGroupTotal({ ...typed, watched_disability: 'たくさん' }, FORM_GROUPS[0]!.fields)).toBe('（数字を確認してください）');
  });

  it('keeps a stored flag only while the field holds the confirmed value, and warns about unusual values', () => {
    const stored = formInput().stored!;
    expect(monthlyFormView(formInput()).flagged).toEqual(['watched_elderly']);
    const changed = monthlyFormView(formInput({ state: { ...formInput().state, typed: { ...typedFromValues(stored.values), watched_elderly: '1300' } } }));
    expect(changed.flagged).toEqual([]);
    const warned = monthlyFormView(
      formInput({
        state: { ...formInput().state, values: values({ mutual_aid_cases: 90 }), unusual: new Map([['mutual_aid_cases', { min: 2, max: 1500 }]]) },
      }),
    );
    expect(warned.warnings.mutual_aid_cases).toBe('いつもの値（最近6か月: 2〜1,500）と大きく違います。正しければ「この値で保存する」にチェックしてください。');
    expect(warned.warningLinks).toEqual([{ name: 'mutual_aid_cases', label: FIELD_LABELS.mutual_aid_cases }]);
    expect(warned.confirmedValues).toBe('mutual_aid_cases=90');
  });

  it('shows the stored values read-only with units, 未報告 for blanks', () => {
    const v = monthlyFormView(formInput({ refusal: { kind: 'closed', message: '確定済み' } }));
    expect(v.readonlyRows[0]).toEqual({ name: 'watched_elderly', label: FIELD_LABELS.watched_elderly, flagged: true, text: '1,200 世帯' });
    expect(v.readonlyRows.find((r) => r.name === 'mutual_aid_cases')!.text).toBe('4 件');
    expect(v.readonlyRows.find((r) => r.name === 'welfare_cooperators')!.text).toBe('未報告');
    expect(v.stored).toEqual({ correctedByWard: false, updatedAt: '令和6年6月1日 10:00', editor: '田中' });
    expect(monthlyFormView(formInput({ stored: null })).readonlyRows).toEqual([]);
  });
});

describe('conflictView (pure)', () => {
  it('sets the stored report beside what was typed and marks the differences', () => {
    const stored = values({ watched_elderly: 1200, note: null });
    const typedValues = values({ watched_elderly: 1250, note: '追記' });
    const v = conflictView({
      district,
      month: '2024-05',
      labels: FIELD_LABELS,
      fields: [...COUNT_FIELDS, 'note'],
      stored: { values: stored, editor: '田中', updatedAt: '令和6年6月1日 10:00', version: 4, correctedByWard: true },
      typedValues,
      typed: typedFromValues(typedValues),
      confirmUnusual: false,
      confirmedValues: null,
    });
    expect(v.title).toBe('令和6年5月の報告：ほかの人が先に保存しました');
    expect(v.currentVersion).toBe(4);
    expect(v.rows[0]).toEqual({ field: 'watched_elderly', label: FIELD_LABELS.watched_elderly, numeric: true, stored: '1,200', typed: '1,250', differs: true });
    expect(v.rows[1]).toMatchObject({ stored: '未報告', typed: '未報告', differs: false });
    expect(v.rows.at(-1)).toEqual({ field: 'note', label: '備考', numeric: false, stored: '（なし）', typed: '追記', differs: true });
    const deleted = conflictView({
      district,
      month: '2024-05',
      labels: FIELD_LABELS,
      fields: ['watched_elderly'],
      stored: null,
      typedValues,
      typed: typedFromValues(typedValues),
      confirmUnusual: true,
      confirmedValues: new Map([['watched_elderly', 1250]]),
    });
    expect(deleted.rows[0]!.stored).toBe('（保存されている報告はありません）');
    expect(deleted.currentVersion).toBe(0);
    expect(deleted.confirmedValues).toBe('watched_elderly=1250');
  });
});

describe('the templates of these views only lay out', () => {
  // Label tables, converters and number or date formatting belong to the view functions above.
  const templates = [
    'views/completeness/index.eta',
    'views/districts/index.eta',
    'views/agendas/edit.eta',
    ...readdirSync('views/monthlyReports').map((f) => `views/monthlyReports/${f}`),
  ];
  const logic = [
    /const [A-Za-z_]+ = \{/, // a label table
    /const [A-Za-z_]+ = (\([^)]*\)|[A-Za-z_]+) =>/, // a converter
    /\bfunction\b/,
    /\.toFixed\(|toLocale|\.slice\(|encodeURIComponent/,
    /\bh\.(count|monthLong|monthShort|fyLong|fyShort|dateLong|percent)\(/,
  ];
  it.each(templates)('%s holds no label table, converter or formatting', (path) => {
    const text = readFileSync(path, 'utf8');
    expect(logic.filter((re) => re.test(text)).map(String)).toEqual([]);
  });
});
