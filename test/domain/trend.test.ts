import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, LEVELS, applyOverride, computeTrend, levelFor, parseBasis, theilSenSlope, type TrendPoint } from '../../src/domain/trend.js';

/** Points for consecutive fiscal years starting at `from`. */
function series(from: number, values: (number | null)[]): TrendPoint[] {
  return values.map((value, i) => ({ fiscalYear: from + i, value }));
}

// Seed 000, R1–R5 (2019–2023), as printed; ③ R2 was printed 「コロナ禍で正確な統計不可」.
const SEED_000: Record<number, (number | null)[]> = {
  1: [125407, 136262, 135812, 132844, 133382],
  2: [721850, 603869, 614417, 655875, 701956],
  3: [130, null, 127, 131, 126],
  4: [5, 3, 13, 63, 28],
  5: [1393, 689, 788, 1192, 1766],
  6: [417, 431, 599, 548, 630],
  7: [49, 51, 59, 95, 123],
};

describe('seed 000 with year-on-year labels', () => {
  it.each([
    [1, 'ほぼ横ばい', '→'],
    [3, 'ほぼ横ばい', '→'],
    [4, '減少', '↘'],
    [5, '増加', '↗'],
    [6, 'やや増加', '↗'],
    [7, '増加', '↗'],
  ])('item %i agrees with paper: %s', (item, text, arrow) => {
    const t = computeTrend(series(2019, SEED_000[item]!), 'yoy');
    expect(t.text).toBe(text);
    expect(t.arrow).toBe(arrow);
  });

  it('item ② computes +7.0 % → やや増加 where paper printed 増加', () => {
    const t = computeTrend(series(2019, SEED_000[2]!), 'yoy');
    expect(t.change).toBeCloseTo(0.07026, 4);
    expect(t.level).toBe('slightup');
    expect(t.text).toBe('やや増加');
    expect(t.text).not.toBe('増加');
  });

  it('item ③ skips the not-available year and compares R5 with R4', () => {
    expect(computeTrend(series(2019, SEED_000[3]!), 'yoy').change).toBeCloseTo((126 - 131) / 131, 10);
  });
});

describe('bases on hand-computed data', () => {
  // 100, 110, 120, 130, 100: the last year drops back.
  //  yoy   = (100 − 130) / 130 = −23 %  → 減少
  //  span  = (100 − 100) / 100 = 0      → ほぼ横ばい
  //  slope = pairwise slopes −30, −10, −3⅓, 0, 10×6 → median 10; 10 × 4 / 100 = +40 % → 増加
  const pts = series(2019, [100, 110, 120, 130, 100]);
  it('yoy', () => {
    const t = computeTrend(pts, 'yoy');
    expect(t.change).toBeCloseTo(-30 / 130, 10);
    expect(t).toMatchObject({ basis: 'yoy', level: 'down', arrow: '↘', text: '減少' });
  });
  it('span', () => {
    expect(computeTrend(pts, 'span')).toMatchObject({ basis: 'span', change: 0, level: 'flat', arrow: '→', text: 'ほぼ横ばい' });
  });
  it('slope', () => {
    const t = computeTrend(pts, 'slope');
    expect(t.change).toBeCloseTo(0.4, 10);
    expect(t).toMatchObject({ basis: 'slope', level: 'up', arrow: '↗', text: '増加' });
  });
  it('slope with an odd number of pairs and a gap year uses slopes per year', () => {
    // (2019,100) (2020,103) (2023,110): slopes 3, 2.5, 7/3 → median 2.5; 2.5 × 4 / 100 = 10 %
    const t = computeTrend(
      [
        { fiscalYear: 2019, value: 100 },
        { fiscalYear: 2020, value: 103 },
        { fiscalYear: 2023, value: 110 },
      ],
      'slope',
    );
    expect(t.change).toBeCloseTo(0.1, 10);
    expect(t.level).toBe('slightup');
  });
  it('slope of two points equals span', () => {
    const two = series(2019, [200, 150]);
    expect(computeTrend(two, 'slope').change).toBeCloseTo(computeTrend(two, 'span').change!, 10);
    expect(computeTrend(two, 'slope').level).toBe('down');
  });
  it('theilSenSlope ignores a single outlier', () => {
    expect(theilSenSlope([0, 1, 2, 3, 4].map((x) => ({ x, y: x === 2 ? 1000 : 2 * x })))).toBe(2);
    expect(theilSenSlope([{ x: 1, y: 1 }])).toBeNull();
    // Six pairwise slopes 2, 1, 3, 0, 3.5, 7 → median of the middle two (2 and 3) = 2.5
    expect(
      theilSenSlope([
        { x: 0, y: 0 },
        { x: 1, y: 2 },
        { x: 2, y: 2 },
        { x: 3, y: 9 },
      ]),
    ).toBe(2.5);
  });
  it('span uses the first and last years that have values', () => {
    expect(computeTrend(series(2019, [null, 100, 50, 130, null]), 'span').change).toBeCloseTo(0.3, 10);
  });
  it('yoy uses the last two years with values, even across a gap', () => {
    expect(computeTrend(series(2019, [100, 200, null, 210, null]), 'yoy').change).toBeCloseTo(0.05, 10);
  });
  it('sorts points by fiscal year first', () => {
    const t = computeTrend(
      [
        { fiscalYear: 2021, value: 150 },
        { fiscalYear: 2019, value: 100 },
        { fiscalYear: 2020, value: 200 },
      ],
      'yoy',
    );
    expect(t.change).toBeCloseTo(-0.25, 10);
  });
});

describe('no computed label', () => {
  it.each([
    ['no points', [] as TrendPoint[]],
    ['one value', series(2019, [5])],
    ['one value among blanks', series(2019, [null, 5, null])],
    ['all blank', series(2019, [null, null])],
  ])('%s → —', (_, pts) => {
    for (const basis of ['yoy', 'span', 'slope'] as const) {
      expect(computeTrend(pts, basis)).toEqual({ basis, change: null, level: null, arrow: '—', text: '—' });
    }
  });
  it('base 0 → —', () => {
    expect(computeTrend(series(2019, [0, 5]), 'span').level).toBeNull();
    expect(computeTrend(series(2019, [0, 5]), 'slope').level).toBeNull();
    expect(computeTrend(series(2019, [5, 0, 3]), 'yoy').text).toBe('—');
    // …but a 0 that is not the base is fine.
    expect(computeTrend(series(2019, [0, 5, 6]), 'yoy').level).toBe('up');
    expect(computeTrend(series(2019, [5, 0]), 'yoy').level).toBe('down');
  });
});

describe('thresholds', () => {
  it.each([
    [0, 'flat'],
    [0.049, 'flat'],
    [-0.049, 'flat'],
    [0.05, 'slightup'],
    [-0.05, 'slightdown'],
    [0.199, 'slightup'],
    [-0.199, 'slightdown'],
    [0.2, 'up'],
    [-0.2, 'down'],
    [3, 'up'],
  ] as const)('%d → %s', (c, level) => expect(levelFor(c, DEFAULT_THRESHOLDS)).toBe(level));

  it('treats exactly 5 % and 20 % computed from counts as reaching the threshold', () => {
    expect(computeTrend(series(2019, [100, 105]), 'span').level).toBe('slightup');
    expect(computeTrend(series(2019, [100, 95]), 'span').level).toBe('slightdown');
    expect(computeTrend(series(2019, [100, 120]), 'span').level).toBe('up');
    expect(computeTrend(series(2019, [100, 80]), 'span').level).toBe('down');
    expect(computeTrend(series(2019, [100, 104]), 'span').level).toBe('flat');
    // 0.1 + 0.2 style float noise must not tip a value over.
    expect(0.15 - 0.1).toBeLessThan(0.05);
    expect(levelFor(0.15 - 0.1, DEFAULT_THRESHOLDS)).toBe('slightup');
    expect(levelFor(-(0.3 - 0.1), DEFAULT_THRESHOLDS)).toBe('down');
  });
  it('honours per-table thresholds', () => {
    const t = { flat: 0.1, strong: 0.3 };
    expect(computeTrend(series(2019, [100, 107]), 'span', t).level).toBe('flat');
    expect(computeTrend(series(2019, [100, 125]), 'span', t).level).toBe('slightup');
    expect(computeTrend(series(2019, [100, 130]), 'span', t).level).toBe('up');
  });
  it('has the documented defaults and texts', () => {
    expect(DEFAULT_THRESHOLDS).toEqual({ flat: 0.05, strong: 0.2 });
    expect(LEVELS).toEqual({
      up: { arrow: '↗', text: '増加' },
      slightup: { arrow: '↗', text: 'やや増加' },
      flat: { arrow: '→', text: 'ほぼ横ばい' },
      slightdown: { arrow: '↘', text: 'やや減少' },
      down: { arrow: '↘', text: '減少' },
    });
  });
});

describe('applyOverride', () => {
  const computed = computeTrend(series(2019, SEED_000[2]!), 'yoy');
  it('shows the computed label without an override', () => {
    for (const o of [undefined, null]) {
      expect(applyOverride(computed, o)).toEqual({
        computed,
        shown: { arrow: '↗', text: 'やや増加', overridden: false, footnoteMarker: '' },
      });
    }
  });
  it('shows the override and keeps the computed label for the editor', () => {
    const r = applyOverride(computed, { text: '増加', arrow: '↗' });
    expect(r.shown).toEqual({ arrow: '↗', text: '増加', overridden: true, footnoteMarker: '' });
    expect(r.computed.text).toBe('やや増加');
  });
  it('carries a footnote marker', () => {
    const r = applyOverride(computeTrend(series(2019, SEED_000[4]!), 'yoy'), { text: '減少', arrow: '↘', footnoteMarker: '※' });
    expect(r.shown).toEqual({ arrow: '↘', text: '減少', overridden: true, footnoteMarker: '※' });
  });
  it('allows text without an arrow', () => {
    expect(applyOverride(computed, { text: '集計方法変更', arrow: '' }).shown).toEqual({
      arrow: '',
      text: '集計方法変更',
      overridden: true,
      footnoteMarker: '',
    });
  });
  it('treats an override with only a footnote marker as annotating the computed label', () => {
    expect(applyOverride(computed, { text: ' ', arrow: '', footnoteMarker: '※' }).shown).toEqual({
      arrow: '↗',
      text: 'やや増加',
      overridden: false,
      footnoteMarker: '※',
    });
  });
});

describe('parseBasis', () => {
  it('accepts the three bases only', () => {
    expect(parseBasis('yoy')).toBe('yoy');
    expect(parseBasis('span')).toBe('span');
    expect(parseBasis('slope')).toBe('slope');
    for (const x of ['YOY', ' yoy', '', 'linear', null, undefined, 1, {}]) expect(parseBasis(x)).toBeNull();
  });
});
