/**
 * 議題シートの編集: the data the editor page lays out, built from the draft and
 * its preview tables without a server. Option labels, computed trends, hints
 * and case-study lines are written here; the template only loops.
 */
import { formatCount } from '../domain/numbers.js';
import { warekiShort } from '../domain/fiscalYear.js';
import { viewHelpers } from '../views.js';
import type { AgendaTableKind, PrintTable } from './content.js';
import type { Draft, FieldErrors } from './form.js';
import type { CaseStudyChoice } from './repository.js';
import { fullWidthNumber } from './sheet.js';

/** What each kind of table shows, in the block's legend and on its add button. */
export const TABLE_KIND_LABELS: Record<AgendaTableKind, string> = {
  items: '7項目の推移',
  households: '福祉協力員数・見守り世帯数の推移',
};

/** The trend bases a table can be labelled by (DESIGN §5). */
export const BASIS_OPTIONS: readonly { value: string; label: string }[] = [
  { value: 'yoy', label: '前年度比（最後の2年度）' },
  { value: 'span', label: '最初の年度と最後の年度' },
  { value: 'slope', label: '全年度の傾き（Theil–Sen）' },
];

/** The arrows a row's label can be overridden with; '' keeps the computed one. */
export const ARROW_OPTIONS: readonly { value: string; label: string }[] = [
  { value: '', label: '（なし）' },
  { value: '↗', label: '↗' },
  { value: '→', label: '→' },
  { value: '↘', label: '↘' },
];

/** A case study's year as typed in a copy: 2019 → R1; anything else as it is. */
export function copyYearLabel(fiscalYear: string): string {
  return /^\d{4}$/.test(fiscalYear) ? warekiShort(Number(fiscalYear)) : fiscalYear;
}

/** The first 60 characters of a text on one line (the case-study picker's preview). */
export function excerptOf(body: string): string {
  return body.replace(/\s+/g, ' ').slice(0, 60);
}

export interface AgendaEditorInput {
  sheet: { id: number; heading: string; version: number; frozen: unknown } | null;
  draft: Draft;
  errors: FieldErrors;
  labels: Readonly<Record<string, string>>;
  notice: string | null;
  conflict: { updatedAt: string; heading: string } | null;
  /** The draft's tables as they would print, one per draft table. */
  previews: readonly PrintTable[];
  /** The scopes a table can be about. */
  scopes: readonly { key: string; label: string }[];
  caseStudies: readonly CaseStudyChoice[];
}

const optionsOf = (options: readonly { value: string; label: string }[], selected: string) => options.map((o) => ({ ...o, selected: o.value === selected }));

/** Everything the agenda editor shows. */
export function agendaEditorView(input: AgendaEditorInput) {
  const { sheet, draft, errors: e } = input;
  const tables = draft.tables.map((t, i) => {
    const p = `t${i}.`;
    const number = fullWidthNumber(i + 1);
    const preview = input.previews[i];
    const previewRows = new Map((preview?.rows ?? []).map((r) => [r.key, r]));
    return {
      prefix: p,
      kind: t.kind,
      legend: `${number} 表：${TABLE_KIND_LABELS[t.kind]}`,
      number,
      heading: t.heading,
      scopes: input.scopes.map((s) => ({ value: s.key, label: s.label, selected: s.key === t.scope })),
      bases: optionsOf(BASIS_OPTIONS, t.basis),
      flatPercent: t.flatPercent,
      strongPercent: t.strongPercent,
      longHeaders: t.headerStyle === 'long',
      showTrend: t.showTrend,
      note: t.note,
      columns: (preview?.columns ?? []).map((c) => c.label),
      // 印刷する年度: a box per year of the range (the preview's columns); a year not offered before is ticked.
      printYears: (preview?.columns ?? []).map((c) => ({
        id: `${p}printYears-${c.fiscalYear}`,
        value: String(c.fiscalYear),
        label: c.label,
        checked: t.printYears.includes(String(c.fiscalYear)) || !t.offeredYears.includes(String(c.fiscalYear)),
      })),
      offeredYears: (preview?.columns ?? []).map((c) => c.fiscalYear).join(','),
      printYearsError: e[`${p}printYears`] ?? null,
      rowsError: e[`${p}rows`] ?? null,
      removable: draft.tables.length > 1,
      removeOp: `removeTable:${i}`,
      rows: t.rows.map((r) => {
        // A row the preview does not know (a definition gone since) still keeps what was typed.
        const pr = previewRows.get(r.key) ?? {
          circled: '',
          title: r.key,
          cells: [],
          computed: { arrow: '', text: '—', change: null },
          label: { arrow: '', text: '', overridden: false, footnoteMarker: '' },
        };
        const rp = `${p}r.${r.key}.`;
        const rowErrors = ['order', 'arrow', 'text', 'marker', 'footnote'].map((k) => e[rp + k]).filter((m): m is string => !!m);
        return {
          prefix: rp,
          chosen: r.order.trim() !== '',
          order: r.order,
          orderLabel: `${pr.circled}${pr.title}の順番`,
          circled: pr.circled,
          title: pr.title,
          cells: pr.cells.map((c) =>
            c.value === null && c.note
              ? { note: c.note, text: '', published: false }
              : {
                  note: null,
                  text: c.value === null ? '—' : formatCount(c.value, 'decimals' in pr ? (pr.decimals ?? 0) : 0),
                  published: c.origin === 'published',
                },
          ),
          computed: {
            arrow: pr.computed.arrow === '—' ? '' : pr.computed.arrow,
            text: pr.computed.text,
            change: pr.computed.change === null ? null : viewHelpers.percent(pr.computed.change),
          },
          arrows: optionsOf(ARROW_OPTIONS, r.overrideArrow),
          overrideText: r.overrideText,
          textHint: `空欄なら「${pr.computed.text === '—' ? '計算した傾向' : pr.computed.text}」`,
          marker: r.footnoteMarker,
          footnote: r.footnote,
          printed: pr.label.overridden ? `印刷：${pr.label.arrow} ${pr.label.text}${pr.label.footnoteMarker ? `(${pr.label.footnoteMarker})` : ''}` : null,
          errors: rowErrors,
        };
      }),
    };
  });

  const known = new Set(input.caseStudies.map((c) => String(c.id)));
  const sections = draft.sections.map((s, j) => {
    const p = `s${j}.`;
    const picked = Object.keys(s.picks).length + s.copies.filter((c) => c.order.trim() !== '').length;
    return {
      prefix: p,
      legend: `${fullWidthNumber(draft.tables.length + j + 1)} 文章の項目`,
      heading: s.heading,
      body: s.body,
      copyCount: s.copies.length,
      removeOp: `removeSection:${j}`,
      // Picks of case studies deleted since: not printed, dropped on saving.
      missing: Object.keys(s.picks).filter((id) => !known.has(id)).length,
      open: picked > 0 || !!e[`${p}caseStudies`],
      pickerLabel: `取組事例を載せる（${picked}件選択中）`,
      caseStudiesError: e[`${p}caseStudies`] ?? null,
      empty: input.caseStudies.length === 0 && s.copies.length === 0,
      copies: s.copies.map((c, n) => ({
        prefix: `${p}copy.${n}.`,
        order: c.order,
        orderLabel: `${c.districtName}の事例の順番`,
        districtName: c.districtName,
        fiscalYear: c.fiscalYear,
        yearLabel: copyYearLabel(c.fiscalYear),
        title: c.title,
        body: c.body,
        excerpt: `${excerptOf(c.body)}…`,
        error: e[`${p}copy.${n}.order`] ?? null,
      })),
      choices: input.caseStudies.map((c) => {
        const key = `${p}cs.${c.id}`;
        return {
          key,
          order: s.picks[String(c.id)] ?? '',
          orderLabel: `${c.districtName}「${c.title}」の順番`,
          districtName: c.districtName,
          wardName: c.wardName,
          yearLabel: warekiShort(c.fiscalYear),
          title: c.title,
          excerpt: `${c.excerpt}…`,
          error: e[key] ?? null,
        };
      }),
    };
  });

  return {
    title: sheet ? `議題シートの編集：${sheet.heading}` : '議題シートの作成',
    heading: sheet ? '議題シートの編集' : '議題シートの作成',
    action: sheet ? `/agendas/${sheet.id}/edit` : '/agendas/new',
    sheet: sheet ? { id: sheet.id, version: sheet.version, printUrl: `/agendas/${sheet.id}/print`, exportBase: `/agendas/${sheet.id}/export` } : null,
    // Finalise, duplicate and delete: only a draft that is stored.
    sheetActions:
      sheet && !sheet.frozen
        ? { finalize: `/agendas/${sheet.id}/finalize`, duplicate: `/agendas/${sheet.id}/duplicate`, remove: `/agendas/${sheet.id}/delete` }
        : null,
    draft: { heading: draft.heading, subheading: draft.subheading, from: draft.from, to: draft.to, version: draft.version },
    tableCount: draft.tables.length,
    sectionCount: draft.sections.length,
    errors: e,
    labels: input.labels,
    notice: input.notice,
    conflict: input.conflict,
    tables,
    sections,
    addTables: (['items', 'households'] as const).map((kind) => ({
      op: `addTable:${kind}`,
      label: `${kind === 'items' ? '7項目' : '福祉協力員数・見守り世帯数'}の表を追加`,
    })),
  };
}

export type AgendaEditorView = ReturnType<typeof agendaEditorView>;
