import { describe, expect, it } from 'vitest';
import { agendaEditorView, copyYearLabel, excerptOf, type AgendaEditorInput } from '../../src/agendas/editView.js';
import type { PrintTable } from '../../src/agendas/content.js';
import type { Draft } from '../../src/agendas/form.js';

const row = (key: string, order = '') => ({ key, order, overrideText: '', overrideArrow: '', footnoteMarker: '', footnote: '' });

function draft(over: Partial<Draft> = {}): Draft {
  return {
    heading: '議題（１）',
    subheading: '',
    from: 'R1',
    to: 'R5',
    version: '3',
    tables: [
      {
        kind: 'items',
        scope: 'city',
        heading: '7項目',
        basis: 'span',
        flatPercent: '5',
        strongPercent: '10',
        headerStyle: 'long',
        showTrend: true,
        note: '',
        printYears: ['2023'],
        offeredYears: ['2022', '2023'],
        rows: [{ ...row('1', '1'), overrideArrow: '↘', overrideText: '減った', footnoteMarker: '※' }, row('2')],
      },
    ],
    sections: [
      {
        heading: '事例',
        body: '',
        picks: { '7': '1', '99': '2' },
        copies: [{ districtName: '旧校区', fiscalYear: '2019', title: '写し', body: '一行目\n\n二行目', order: '' }],
      },
    ],
    ...over,
  };
}

const preview: PrintTable = {
  number: '１',
  heading: '7項目',
  kind: 'items',
  scopeKey: 'city',
  scopeLabel: '全市',
  basis: 'span',
  columns: [
    { fiscalYear: 2022, label: '令和4年度' },
    { fiscalYear: 2023, label: '令和5年度' },
  ],
  showTrend: true,
  rows: [
    {
      key: '1',
      circled: '①',
      title: '見守り世帯数',
      group: '',
      cells: [
        { fiscalYear: 2022, value: 12345, note: null, origin: 'published' },
        { fiscalYear: 2023, value: null, note: 'コロナ禍で正確な統計不可', origin: 'none' },
      ],
      label: { arrow: '↘', text: '減った', overridden: true, footnoteMarker: '※' },
      computed: { arrow: '↗', text: 'やや増加', change: 0.0712 },
    },
    {
      key: '2',
      circled: '②',
      title: '助け合い件数',
      group: '',
      cells: [
        { fiscalYear: 2022, value: null, note: null, origin: 'none' },
        { fiscalYear: 2023, value: 0, note: null, origin: 'rollup' },
      ],
      label: { arrow: '', text: '—', overridden: false, footnoteMarker: '' },
      computed: { arrow: '—', text: '—', change: null },
    },
  ],
  footnotes: [],
  note: '',
};

function input(over: Partial<AgendaEditorInput> = {}): AgendaEditorInput {
  return {
    sheet: { id: 5, heading: '議題（１）', version: 3, frozen: null },
    draft: draft(),
    errors: {},
    labels: {},
    notice: null,
    conflict: null,
    previews: [preview],
    scopes: [
      { key: 'city', label: '全市' },
      { key: 'ward:1', label: '門司区' },
    ],
    caseStudies: [{ id: 7, districtName: '田野浦校区', wardName: '門司区', fiscalYear: 2023, title: '見守りの輪', excerpt: '地域の' }],
    ...over,
  };
}

describe('agendaEditorView (pure)', () => {
  it('titles a stored sheet and a new one, with links and actions only for a stored draft', () => {
    const v = agendaEditorView(input());
    expect(v.title).toBe('議題シートの編集：議題（１）');
    expect(v.heading).toBe('議題シートの編集');
    expect(v.action).toBe('/agendas/5/edit');
    expect(v.sheet).toEqual({ id: 5, version: 3, printUrl: '/agendas/5/print', exportBase: '/agendas/5/export' });
    expect(v.sheetActions).toEqual({ finalize: '/agendas/5/finalize', duplicate: '/agendas/5/duplicate', remove: '/agendas/5/delete' });
    const fresh = agendaEditorView(input({ sheet: null }));
    expect([fresh.title, fresh.heading, fresh.action, fresh.sheet, fresh.sheetActions]).toEqual([
      '議題シートの作成',
      '議題シートの作成',
      '/agendas/new',
      null,
      null,
    ]);
    expect(agendaEditorView(input({ sheet: { id: 5, heading: 'x', version: 3, frozen: { at: 'x' } } })).sheetActions).toBeNull();
  });

  it('labels each table block and its choices', () => {
    const [t] = agendaEditorView(input()).tables;
    expect(t!.legend).toBe('１ 表：7項目の推移');
    expect(t!.prefix).toBe('t0.');
    expect(t!.bases.find((b) => b.selected)).toEqual({ value: 'span', label: '最初の年度と最後の年度', selected: true });
    expect(t!.scopes.filter((s) => s.selected).map((s) => s.value)).toEqual(['city']);
    expect(t!.longHeaders).toBe(true);
    expect(t!.columns).toEqual(['令和4年度', '令和5年度']);
    expect(t!.removable).toBe(false);
    const households = agendaEditorView(
      input({ draft: draft({ tables: [{ ...draft().tables[0]!, kind: 'households' }, draft().tables[0]!] }), previews: [preview, preview] }),
    );
    expect(households.tables.map((x) => x.legend)).toEqual(['１ 表：福祉協力員数・見守り世帯数の推移', '２ 表：7項目の推移']);
    expect(households.tables[1]!.removeOp).toBe('removeTable:1');
    expect(households.sections[0]!.legend).toBe('３ 文章の項目');
  });

  it('prints cells with separators, notes in place of missing figures, and the computed trend with its change', () => {
    const [first, second] = agendaEditorView(input()).tables[0]!.rows;
    expect(first!.cells).toEqual([
      { note: null, text: '12,345', published: true },
      { note: 'コロナ禍で正確な統計不可', text: '', published: false },
    ]);
    expect(first!.computed).toEqual({ arrow: '↗', text: 'やや増加', change: '+7.1%' });
    expect(first!.textHint).toBe('空欄なら「やや増加」');
    expect(first!.printed).toBe('印刷：↘ 減った(※)');
    expect(first!.orderLabel).toBe('①見守り世帯数の順番');
    expect(first!.chosen).toBe(true);
    expect(first!.arrows.find((a) => a.selected)!.value).toBe('↘');
    expect(second!.cells.map((c) => c.text)).toEqual(['—', '0']);
    // No trend yet: no arrow, and the hint names the computed trend instead of a dash.
    expect(second!.computed).toEqual({ arrow: '', text: '—', change: null });
    expect(second!.textHint).toBe('空欄なら「計算した傾向」');
    expect(second!.printed).toBeNull();
    expect(second!.chosen).toBe(false);
    expect(second!.arrows[0]).toEqual({ value: '', label: '（なし）', selected: true });
  });

  it("collects a row's errors under it", () => {
    const v = agendaEditorView(input({ errors: { 't0.r.1.order': '順番は数字で', 't0.r.1.footnote': '長すぎます', 't0.rows': '1行は選んでください' } }));
    expect(v.tables[0]!.rows[0]!.errors).toEqual(['順番は数字で', '長すぎます']);
    expect(v.tables[0]!.rows[1]!.errors).toEqual([]);
    expect(v.tables[0]!.rowsError).toBe('1行は選んでください');
  });

  it('counts the picked case studies, the ones gone missing, and words their years', () => {
    const [s] = agendaEditorView(input()).sections;
    expect(s!.pickerLabel).toBe('取組事例を載せる（2件選択中）');
    expect(s!.open).toBe(true);
    expect(s!.missing).toBe(1);
    expect(s!.copies[0]).toMatchObject({ prefix: 's0.copy.0.', yearLabel: 'R1', excerpt: '一行目 二行目…', orderLabel: '旧校区の事例の順番' });
    expect(s!.choices[0]).toEqual({
      key: 's0.cs.7',
      order: '1',
      orderLabel: '田野浦校区「見守りの輪」の順番',
      districtName: '田野浦校区',
      wardName: '門司区',
      yearLabel: 'R5',
      title: '見守りの輪',
      excerpt: '地域の…',
      error: null,
    });
    const none = agendaEditorView(input({ draft: draft({ sections: [{ heading: '', body: '', picks: {}, copies: [] }] }), caseStudies: [] })).sections[0]!;
    expect([none.pickerLabel, none.open, none.empty]).toEqual(['取組事例を載せる（0件選択中）', false, true]);
  });

  it('words years and excerpts of copies', () => {
    expect(copyYearLabel('2019')).toBe('R1');
    expect(copyYearLabel('H30')).toBe('H30');
    expect(excerptOf('あ'.repeat(70))).toHaveLength(60);
    expect(excerptOf('a\n  b\tc')).toBe('a b c');
  });
});
