/** The rules of a council-defined indicator and of entering it (DESIGN §11), pure. */
import { describe, expect, it } from 'vitest';
import { checkDefinition, readRollup, splitCategories, type CategoryText, type DefinitionText } from '../../src/indicators/definitions.js';
import { activeIndicators, breakdownProblem, checkEntry, entryField } from '../../src/indicators/values.js';
import type { Indicator } from '../../src/indicators/repository.js';

const base: DefinitionText = {
  key: 'learning_sessions',
  name: '見守り学習・声かけ訓練の回数',
  unit: '回',
  entered_by: 'ward_yearly',
  rollup: 'sum',
  threshold: '',
  breaks_down_field: '',
  first_fy: '2024',
  last_fy: '',
};
const cat = (name: string, extra: Partial<CategoryText> = {}): CategoryText => ({ id: null, name, first_fy: '', last_fy: '', ...extra });

describe('checkDefinition', () => {
  it('accepts a good definition, with full-width digits and wareki fiscal years', () => {
    const r = checkDefinition({ ...base, first_fy: 'Ｒ６', last_fy: '令和8年度' }, []);
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.value).toMatchObject({ key: 'learning_sessions', firstFy: 2024, lastFy: 2026, enteredBy: 'ward_yearly', rollup: 'sum', threshold: null });
  });

  it('refuses each wrong field with a plain Japanese message beside it', () => {
    const r = checkDefinition({ ...base, key: 'Bad Key', name: '', unit: '', entered_by: 'x', rollup: 'y', first_fy: 'いつか', last_fy: '' }, []);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.key).toContain('半角の小文字英字');
    expect(r.errors.name).toBe('名前を入力してください。');
    expect(r.errors.unit).toContain('単位を入力してください');
    expect(r.errors.entered_by).toContain('だれが入力するか');
    expect(r.errors.rollup).toContain('集計のしかた');
    expect(r.errors.first_fy).toContain('2024 または R6');
  });

  it('refuses a key the seven items use, and an end before the start', () => {
    const r = checkDefinition({ ...base, key: 'mutual_aid_cases', first_fy: '2024', last_fy: '2023' }, []);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.key).toContain('7項目');
    expect(r.errors.last_fy).toBe('最後の年度は、最初の年度と同じか、それより後にしてください。');
  });

  it('needs a threshold exactly when districts meeting it are counted (DESIGN §8 word districts_at_least too)', () => {
    const monthly = { ...base, entered_by: 'district_monthly' };
    const missing = checkDefinition({ ...monthly, rollup: 'districts_meeting' }, []);
    expect(!missing.ok && missing.errors.threshold).toContain('基準の値を入力してください');
    const typed = checkDefinition({ ...monthly, rollup: 'districts_at_least', threshold: '６回' }, []);
    expect(typed.ok && typed.value).toMatchObject({ rollup: 'districts_meeting', threshold: 6 });
    const stray = checkDefinition({ ...monthly, rollup: 'sum', threshold: '6' }, []);
    expect(!stray.ok && stray.errors.threshold).toContain('空欄にしてください');
    const ward = checkDefinition({ ...base, rollup: 'latest' }, []);
    expect(!ward.ok && ward.errors.rollup).toContain('合計');
    expect(readRollup('districts_at_least')).toBe('districts_meeting');
  });

  it('checks categories: names unique, no separator, years inside; blank rows are ignored', () => {
    const r = checkDefinition(base, [cat('安否確認'), cat('安否確認'), cat('買い物|ごみ出し'), cat(''), cat('外出', { first_fy: '2020' })]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors['cat-1-name']).toBe('内訳「安否確認」が2つあります。名前を変えてください。');
    expect(r.errors['cat-2-name']).toContain('「|」は使えません');
    expect(r.errors['cat-3-name']).toBeUndefined();
    expect(r.errors['cat-4-first_fy']).toContain('指標の最初の年度より前');
    const good = checkDefinition(base, [cat('安否確認'), cat('買い物', { last_fy: '2025' })]);
    expect(good.ok && good.value.categories).toEqual([
      { id: null, name: '安否確認', firstFy: 2024, lastFy: null },
      { id: null, name: '買い物', firstFy: 2024, lastFy: 2025 },
    ]);
  });

  it('a breakdown of a monthly field needs district-monthly entry and categories', () => {
    const ward = checkDefinition({ ...base, breaks_down_field: 'mutual_aid_cases' }, [cat('安否確認')]);
    expect(!ward.ok && ward.errors.breaks_down_field).toContain('校(地)区が毎月入力する指標');
    const none = checkDefinition({ ...base, entered_by: 'district_monthly', breaks_down_field: 'mutual_aid_cases' }, []);
    expect(!none.ok && none.errors.breaks_down_field).toContain('内訳を1つ以上');
    const ok = checkDefinition({ ...base, entered_by: 'district_monthly', breaks_down_field: 'mutual_aid_cases' }, [cat('安否確認')]);
    expect(ok.ok && ok.value.breaksDownField).toBe('mutual_aid_cases');
  });

  it('splits the categories cell on |', () => {
    expect(splitCategories(' 安否確認 | 買い物||ごみ出し ')).toEqual(['安否確認', '買い物', 'ごみ出し']);
  });
});

function indicator(partial: Partial<Indicator>): Indicator {
  return {
    id: 1,
    key: 'help',
    name: '助け合いの種類',
    unit: '件',
    enteredBy: 'district_monthly',
    rollup: 'sum',
    threshold: null,
    breaksDownField: null,
    firstFy: 2024,
    lastFy: null,
    position: 1,
    version: 1,
    decimals: 0,
    numeratorId: null,
    denominatorId: null,
    categories: [],
    ...partial,
  };
}

describe('entry: active indicators and the breakdown rule', () => {
  const cats = [
    { id: 11, indicatorId: 1, key: 'c1', name: '安否確認', firstFy: 2024, lastFy: null, position: 0 },
    { id: 12, indicatorId: 1, key: 'c2', name: '買い物', firstFy: 2024, lastFy: 2024, position: 1 },
  ];

  it('only indicators and categories of that fiscal year are entered', () => {
    const list = [
      indicator({ categories: cats }),
      indicator({ id: 2, key: 'old', firstFy: 2020, lastFy: 2023 }),
      indicator({ id: 3, key: 'ward', enteredBy: 'ward_yearly' }),
    ];
    expect(activeIndicators(list, 'district_monthly', 2025).map((a) => [a.indicator.key, a.categories.map((c) => c.name)])).toEqual([['help', ['安否確認']]]);
    expect(activeIndicators(list, 'district_monthly', 2024)[0]?.categories.map((c) => c.name)).toEqual(['安否確認', '買い物']);
    expect(activeIndicators(list, 'district_monthly', 2023).map((a) => a.indicator.key)).toEqual(['old']);
  });

  it('names the difference when the categories do not add up to the total', () => {
    expect(breakdownProblem(15, [10, 2, null], '件', '合計')).toBe('内訳の合計（12件）が合計（15件）と3件合いません（内訳が少ない）。');
    expect(breakdownProblem(null, [1], '件', '助け合い件数')).toContain('助け合い件数も入力してください');
    expect(breakdownProblem(12, [10, 2], '件', '合計')).toBeNull();
    expect(breakdownProblem(null, [null, null], '件', '合計')).toBeNull();
  });

  it('checks typed values beside the total, or against the monthly field it breaks down', () => {
    const active = activeIndicators([indicator({ categories: cats })], 'district_monthly', 2024);
    const typed: Record<string, string> = { [entryField('help')]: '１０', [entryField('help', 'c1')]: '7', [entryField('help', 'c2')]: '2件' };
    const r = checkEntry(active, (f) => typed[f] ?? '');
    expect(r.errors[entryField('help')]).toBe('内訳の合計（9件）が合計（10件）と1件合いません（内訳が少ない）。');
    const bad = checkEntry(active, (f) => (f === entryField('help', 'c1') ? '-1' : ''));
    expect(bad.errors[entryField('help', 'c1')]).toContain('マイナス');

    const breakdown = activeIndicators([indicator({ categories: cats, breaksDownField: 'mutual_aid_cases' })], 'district_monthly', 2024);
    const b = checkEntry(breakdown, (f) => ({ [entryField('help', 'c1')]: '7', [entryField('help', 'c2')]: '2' })[f] ?? '', { mutual_aid_cases: 9 });
    expect(b.errors).toEqual({});
    expect(b.cells.get(1)).toEqual(
      new Map([
        [11, 7],
        [12, 2],
      ]),
    );
    const off = checkEntry(breakdown, (f) => ({ [entryField('help', 'c1')]: '7' })[f] ?? '', { mutual_aid_cases: 9 });
    expect(off.errors[entryField('help', 'c1')]).toBe('内訳の合計（7件）が助け合い件数（9件）と2件合いません（内訳が少ない）。');
  });
});

describe('the list page’s view data (pure)', () => {
  it('shows from two years back (or the first year, at most six back) to next year, marking the years each indicator counts', async () => {
    const { indicatorListView } = await import('../../src/indicators/routes.js');
    const view = indicatorListView(
      [
        indicator({
          firstFy: 2023,
          lastFy: 2024,
          categories: [{ id: 11, indicatorId: 1, key: 'c1', name: '安否確認', firstFy: 2023, lastFy: 2023, position: 0 }],
        }),
      ],
      2025,
    );
    expect(view.years.map((y) => y.fy)).toEqual([2023, 2024, 2025, 2026]);
    expect(view.years.find((y) => y.current)?.label).toBe('R7');
    expect(view.rows[0]?.counts).toEqual([true, true, false, false]);
    expect(view.rows[0]?.categories).toEqual([{ name: '安否確認', period: '令和5年度〜令和5年度' }]);
    expect(indicatorListView([indicator({ firstFy: 2001 })], 2025).years[0]?.fy).toBe(2019);
  });
});
