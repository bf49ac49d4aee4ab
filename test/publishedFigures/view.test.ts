import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TrendCell } from '../../src/trends/table.js';
import { figureCellView, publishedFiguresView, type PublishedFiguresViewInput } from '../../src/publishedFigures/view.js';

function cell(over: Partial<TrendCell>): TrendCell {
  return { fiscalYear: 2022, value: null, origin: 'none', note: null, districtsReported: 0, rollupValue: null, ...over };
}

describe('figureCellView (pure)', () => {
  it('shows a rollup as 集計値 with no comparison', () => {
    expect(figureCellView(cell({ value: 1234, rollupValue: 1234, origin: 'rollup' }))).toEqual({
      fiscalYear: 2022,
      origin: 'rollup',
      className: 'num',
      notAvailable: null,
      valueText: '1,234',
      originLabel: '集計値',
      rollup: null,
    });
    expect(figureCellView(cell({})).valueText).toBe('—');
    expect(figureCellView(cell({})).originLabel).toBe('データなし');
  });

  it('marks a published figure that differs and writes the signed difference 集計値 − 公表値', () => {
    const up = figureCellView(cell({ value: 120, rollupValue: 140, origin: 'published' }));
    expect(up.className).toBe('num published differs');
    expect(up.originLabel).toBe('公表値');
    expect(up.rollup).toEqual({ differs: true, text: '集計値 140（差 +20）' });
    const down = figureCellView(cell({ value: 12000, rollupValue: 11500, origin: 'published' }));
    expect(down.rollup).toEqual({ differs: true, text: '集計値 11,500（差 -500）' });
  });

  it('says 集計値と同じ when the published figure equals the rollup, and nothing without a rollup', () => {
    const same = figureCellView(cell({ value: 7, rollupValue: 7, origin: 'published' }));
    expect(same.className).toBe('num published');
    expect(same.rollup).toEqual({ differs: false });
    expect(figureCellView(cell({ value: 7, rollupValue: null, origin: 'published' })).rollup).toBeNull();
  });

  it('prints the reason of a 公表値なし cell instead of a number, with the rollup but no difference', () => {
    const na = figureCellView(cell({ value: null, note: 'コロナ禍で正確な統計不可', rollupValue: 30, origin: 'published' }));
    expect(na.notAvailable).toBe('公表値なし：コロナ禍で正確な統計不可');
    expect(na.className).toBe('num published differs');
    expect(na.rollup).toEqual({ differs: true, text: '集計値 30' });
  });
});

describe('publishedFiguresView (pure)', () => {
  const input: PublishedFiguresViewInput = {
    scope: { key: 'ward:東区', label: '東区' },
    fromFy: 2021,
    toFy: 2022,
    scopeChoices: [
      { key: 'city', label: '全市' },
      { key: 'ward:東区', label: '東区' },
    ],
    tables: [
      {
        kind: 'items',
        fiscalYears: [2021, 2022],
        rows: [
          {
            key: '1',
            circled: '①',
            title: '見守り世帯数',
            values: [cell({ fiscalYear: 2021 }), cell({ fiscalYear: 2022, value: 5, origin: 'rollup', rollupValue: 5 })],
          },
        ],
      },
      { kind: 'households', fiscalYears: [2021, 2022], rows: [] },
    ],
    editUrl: (item, fy) => `/edit/${item}/${fy}`,
  };

  it('titles the page and the grids with the scope, and fills the pickers', () => {
    const v = publishedFiguresView(input);
    expect(v.title).toBe('公表値（東区）');
    expect(v.heading).toBe('公表値（東区）');
    expect(v.scopeChoices).toEqual([
      { value: 'city', label: '全市', selected: false },
      { value: 'ward:東区', label: '東区', selected: true },
    ]);
    expect([v.from, v.to]).toEqual(['2021', '2022']);
    expect(v.tables.map((t) => [t.kind, t.title, t.caption])).toEqual([
      ['items', '7項目', '公表値：7項目（東区）'],
      ['households', '福祉協力員数・見守り世帯数の内訳', '公表値：福祉協力員数・見守り世帯数の内訳（東区）'],
    ]);
    expect(v.tables.at(0)?.years).toEqual([
      { short: 'R3', label: '2021年度' },
      { short: 'R4', label: '2022年度' },
    ]);
  });

  it('gives each cell its edit link and the words a screen reader reads for it', () => {
    const row = publishedFiguresView(input).tables.at(0)?.rows.at(0);
    expect(row?.key).toBe('1');
    expect(row?.circled).toBe('①');
    expect(row?.titleHtml.replaceAll('<wbr>', '')).toBe('見守り世帯数');
    expect(row?.cells.map((c) => [c.editUrl, c.editHint, c.valueText])).toEqual([
      ['/edit/1/2021', '（R3 見守り世帯数）', '—'],
      ['/edit/1/2022', '（R4 見守り世帯数）', '5'],
    ]);
  });
});

describe('views/publishedFigures/index.eta only lays out', () => {
  it('holds no label table, computation or formatting', () => {
    const text = readFileSync('views/publishedFigures/index.eta', 'utf8');
    const logic = [/\bconst [A-Za-z_]+ =/, /\bfunction\b/, /toLocale|\.toFixed\(/, /\bh\.[A-Za-z]+\(/, /rollupValue - /, /'7項目'|'公表値'|'集計値'/];
    expect(logic.filter((re) => re.test(text)).map(String)).toEqual([]);
  });
});
