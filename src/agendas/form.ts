/**
 * The agenda editor's form: what was typed (a draft of strings, so nothing is
 * lost on a failed save) and its validation into sheet content.
 * Pure: scope checks are passed in.
 */
import { z } from 'zod';
import { parseFiscalYear } from '../domain/fiscalYear.js';
import { parseCount } from '../domain/numbers.js';
import { parseBasis } from '../domain/trend.js';
import { normaliseText, type TextKind } from '../domain/text.js';
import { HOUSEHOLD_ROWS, ITEMS } from '../domain/items.js';
import {
  ARROWS,
  HEADER_STYLES,
  LIMITS,
  MAX_CASE_STUDIES_PER_SECTION,
  MAX_SECTIONS,
  MAX_SHEET_YEARS,
  MAX_TABLES,
  TABLE_KINDS,
  agendaContentSchema,
  defaultTable,
  rowKeysOf,
  type AgendaContent,
  type AgendaTableKind,
  type CaseStudyPick,
} from './content.js';
import type { AgendaSheetInput } from './repository.js';

export interface DraftRow {
  key: string;
  order: string;
  overrideText: string;
  overrideArrow: string;
  footnoteMarker: string;
  footnote: string;
}

export interface DraftTable {
  kind: AgendaTableKind;
  scope: string;
  heading: string;
  basis: string;
  flatPercent: string;
  strongPercent: string;
  headerStyle: string;
  showTrend: boolean;
  note: string;
  /** The years ticked under 印刷する年度 (as posted). */
  printYears: string[];
  /**
   * The years the form offered as boxes. A year of the range that was not offered (the range
   * was changed, or the table is new) prints unless unticked later: so a table that printed
   * every year keeps doing so when the range moves.
   */
  offeredYears: string[];
  /** Every row of the kind: chosen ones (with an order) first. */
  rows: DraftRow[];
}

export interface DraftCopy {
  districtName: string;
  fiscalYear: string;
  title: string;
  body: string;
  order: string;
}

export interface DraftSection {
  heading: string;
  body: string;
  /** Order typed beside each case study of the register, by case-study id. */
  picks: Record<string, string>;
  /** Copies of case-study text kept in the sheet itself. */
  copies: DraftCopy[];
}

export interface Draft {
  heading: string;
  subheading: string;
  from: string;
  to: string;
  version: string;
  tables: DraftTable[];
  sections: DraftSection[];
}

export type FieldErrors = Record<string, string>;

/** Percent text of a fraction: 0.05 → '5', 0.125 → '12.5'. */
export function percentText(fraction: number): string {
  return String(Number((fraction * 100).toFixed(4)));
}

function sortRows(rows: DraftRow[]): DraftRow[] {
  const rank = (r: DraftRow) => {
    const p = parseCount(r.order);
    return p.ok && p.value !== null ? p.value : Number.POSITIVE_INFINITY;
  };
  // Stable: rows without an order keep the printed order of the kind.
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i)
    .map(({ r }) => r);
}

/** The editor's draft of stored (or default) content. */
export function draftFromContent(
  header: { heading: string; subheading: string; fromFy: number; toFy: number },
  content: AgendaContent,
  version: number,
  /** Council-defined indicator rows the editor offers after ①–⑦ (src/indicators/agendaRows.ts). */
  indicatorRows: readonly string[] = [],
): Draft {
  return {
    heading: header.heading,
    subheading: header.subheading,
    from: String(header.fromFy),
    to: String(header.toFy),
    version: String(version),
    tables: content.tables.map((t) => {
      const chosen = new Map(t.rows.map((r, i) => [r.key, { r, order: i + 1 }]));
      // A chosen indicator row stays offered even when its definition has gone.
      const offered = rowKeysOf(t.kind, indicatorRows);
      const keys = [...offered, ...t.rows.map((r) => r.key).filter((k) => !offered.includes(k))];
      const rows = keys.map((key): DraftRow => {
        const c = chosen.get(key);
        return {
          key,
          order: c ? String(c.order) : '',
          overrideText: c?.r.override.text ?? '',
          overrideArrow: c?.r.override.arrow ?? '',
          footnoteMarker: c?.r.footnoteMarker ?? '',
          footnote: c?.r.footnote ?? '',
        };
      });
      return {
        kind: t.kind,
        scope: t.scope,
        heading: t.heading,
        basis: t.basis,
        flatPercent: percentText(t.thresholds.flat),
        strongPercent: percentText(t.thresholds.strong),
        headerStyle: t.headerStyle,
        showTrend: t.showTrend,
        note: t.note,
        printYears: (t.printYears ?? yearsOf(header.fromFy, header.toFy)).map(String),
        offeredYears: yearsOf(header.fromFy, header.toFy).map(String),
        rows: sortRows(rows),
      };
    }),
    sections: content.sections.map((s) => {
      const picks: Record<string, string> = {};
      const copies: DraftCopy[] = [];
      s.caseStudies.forEach((c, i) => {
        if (c.kind === 'ref') picks[String(c.caseStudyId)] = String(i + 1);
        else copies.push({ districtName: c.districtName, fiscalYear: String(c.fiscalYear), title: c.title, body: c.body, order: String(i + 1) });
      });
      return { heading: s.heading, body: s.body, picks, copies };
    }),
  };
}

/** The fiscal years from `fromFy` through `toFy`. */
function yearsOf(fromFy: number, toFy: number): number[] {
  const years: number[] = [];
  for (let fy = fromFy; fy <= toFy && years.length <= MAX_SHEET_YEARS; fy++) years.push(fy);
  return years;
}

type Body = Record<string, unknown>;

function str(body: Body, key: string, max = 50_000): string {
  const v = body[key];
  const one: unknown = Array.isArray(v) ? v[0] : v;
  // Browsers send CRLF in textareas; keep text as typed otherwise.
  return typeof one === 'string' ? one.slice(0, max).replace(/\r\n?/g, '\n') : '';
}

/** Every value posted under `key` (ticked checkboxes), at most `max`. */
function list(body: Body, key: string, max: number): string[] {
  const v = body[key];
  return (Array.isArray(v) ? v : [v])
    .filter((x): x is string => typeof x === 'string')
    .slice(0, max)
    .map((x) => x.slice(0, 10));
}

function count(body: Body, key: string, max: number): number {
  const n = Number.parseInt(str(body, key, 5), 10);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, max) : 0;
}

/** Reads the posted form into a draft; unknown or missing fields become blanks. */
export function draftFromBody(body: Body, caseStudyIds: readonly number[], indicatorRows: readonly string[] = []): Draft {
  const tables: DraftTable[] = [];
  for (let i = 0; i < count(body, 'tableCount', MAX_TABLES); i++) {
    const p = `t${i}.`;
    const kindText = str(body, `${p}kind`);
    const kind: AgendaTableKind = (TABLE_KINDS as readonly string[]).includes(kindText) ? (kindText as AgendaTableKind) : 'items';
    const rows = rowKeysOf(kind, indicatorRows).map((key) => ({
      key,
      order: str(body, `${p}r.${key}.order`, 20),
      overrideText: str(body, `${p}r.${key}.text`, 200),
      overrideArrow: str(body, `${p}r.${key}.arrow`, 10),
      footnoteMarker: str(body, `${p}r.${key}.marker`, 50),
      footnote: str(body, `${p}r.${key}.footnote`, 2000),
    }));
    tables.push({
      kind,
      scope: str(body, `${p}scope`, 200),
      heading: str(body, `${p}heading`, 500),
      basis: str(body, `${p}basis`, 20),
      flatPercent: str(body, `${p}flatPercent`, 20),
      strongPercent: str(body, `${p}strongPercent`, 20),
      headerStyle: str(body, `${p}headerStyle`, 20),
      showTrend: str(body, `${p}showTrend`) === '1',
      note: str(body, `${p}note`, 5000),
      printYears: list(body, `${p}printYears`, MAX_SHEET_YEARS * 2),
      offeredYears: str(body, `${p}offeredYears`, 100)
        .split(',')
        .filter((y) => y !== ''),
      rows: sortRows(rows),
    });
  }
  const sections: DraftSection[] = [];
  for (let j = 0; j < count(body, 'sectionCount', MAX_SECTIONS); j++) {
    const p = `s${j}.`;
    const picks: Record<string, string> = {};
    for (const id of caseStudyIds) {
      const order = str(body, `${p}cs.${id}`, 20);
      if (order.trim() !== '') picks[String(id)] = order;
    }
    const copies: DraftCopy[] = [];
    for (let n = 0; n < count(body, `${p}copyCount`, MAX_CASE_STUDIES_PER_SECTION); n++) {
      const c = `${p}copy.${n}.`;
      copies.push({
        districtName: str(body, `${c}districtName`, 100),
        fiscalYear: str(body, `${c}fiscalYear`, 10),
        title: str(body, `${c}title`, 200),
        body: str(body, `${c}body`, LIMITS.sectionBody),
        order: str(body, `${c}order`, 20),
      });
    }
    sections.push({ heading: str(body, `${p}heading`, 1000), body: str(body, `${p}body`, LIMITS.sectionBody + 1000), picks, copies });
  }
  return {
    heading: str(body, 'heading', 1000),
    subheading: str(body, 'subheading', 1000),
    from: str(body, 'from', 40),
    to: str(body, 'to', 40),
    version: str(body, 'version', 20),
    tables,
    sections,
  };
}

/** A blank table draft of a kind, for 「表を追加」. */
export function blankTableDraft(kind: AgendaTableKind, indicatorRows: readonly string[] = []): DraftTable {
  const table = draftFromContent({ heading: '', subheading: '', fromFy: 2019, toFy: 2023 }, { tables: [defaultTable(kind)], sections: [] }, 0, indicatorRows)
    .tables[0]!;
  // No year offered yet: every year of the sheet's range prints.
  return { ...table, printYears: [], offeredYears: [] };
}

/** A blank section draft, for 「項目を追加」. */
export function blankSectionDraft(): DraftSection {
  return { heading: '', body: '', picks: {}, copies: [] };
}

/** The editor's structural buttons, applied to the draft without saving. */
export const opSchema = z.union([
  z.literal('save'),
  z.literal('addTable:items'),
  z.literal('addTable:households'),
  z.literal('addSection'),
  z.string().regex(/^removeTable:\d{1,2}$/),
  z.string().regex(/^removeSection:\d{1,2}$/),
]);

/** Applies a structural button (add/remove a table or a section) to a draft. */
export function applyOp(draft: Draft, op: string, indicatorRows: readonly string[] = []): Draft {
  if (op === 'addTable:items' || op === 'addTable:households') {
    if (draft.tables.length >= MAX_TABLES) return draft;
    return { ...draft, tables: [...draft.tables, blankTableDraft(op === 'addTable:items' ? 'items' : 'households', indicatorRows)] };
  }
  if (op === 'addSection') {
    if (draft.sections.length >= MAX_SECTIONS) return draft;
    return { ...draft, sections: [...draft.sections, blankSectionDraft()] };
  }
  const remove = /^remove(Table|Section):(\d+)$/.exec(op);
  if (remove) {
    const index = Number(remove[2]);
    if (remove[1] === 'Table') {
      // A sheet keeps at least one table.
      if (draft.tables.length <= 1) return draft;
      return { ...draft, tables: draft.tables.filter((_, i) => i !== index) };
    }
    return { ...draft, sections: draft.sections.filter((_, i) => i !== index) };
  }
  return draft;
}

function parsePercent(text: string): number | null {
  const s = text.normalize('NFKC').replace(/[%\s]/g, '');
  if (!/^\d{1,4}(\.\d{1,3})?$/.test(s)) return null;
  const n = Number(s);
  return n <= 1000 ? n : null;
}

function parseOrder(text: string): { ok: true; value: number | null } | { ok: false } {
  const p = parseCount(text, { max: 99 });
  if (!p.ok || p.value === 0) return { ok: false };
  return p;
}

const ROW_TITLES: Record<string, string> = Object.fromEntries([
  ...ITEMS.map((d) => [String(d.item), d.circled] as const),
  ...HOUSEHOLD_ROWS.map((r) => [r.key, r.title] as const),
]);

export interface ValidationContext {
  /** True if the scope key names a ward or district the user may read. */
  scopeOk(key: string): boolean;
  /** Case studies that exist, by id. */
  caseStudyExists(id: number): boolean;
  /** Titles of the council-defined indicator rows, by key, for the messages. */
  rowTitles?: ReadonlyMap<string, string>;
}

export interface Validated {
  input: AgendaSheetInput | null;
  errors: FieldErrors;
  labels: Record<string, string>;
}

/** Checks a draft; returns the sheet to save, or a message per field (keys are the form's field names). */
export function validateDraft(draft: Draft, ctx: ValidationContext): Validated {
  const errors: FieldErrors = {};
  const labels: Record<string, string> = {};
  const fail = (key: string, label: string, message: string) => {
    if (!(key in errors)) {
      errors[key] = message;
      labels[key] = label;
    }
  };
  /** Typed text in NFC; a refused character is reported at its field (the draft keeps what was typed). */
  const text = (key: string, label: string, raw: string, kind: TextKind): string => {
    const checked = normaliseText(raw, kind);
    if (checked.ok) return checked.value;
    fail(key, label, `${label}に${checked.message}`);
    return raw;
  };
  const heading = text('heading', '見出し', draft.heading, 'line').trim();
  if (heading === '') fail('heading', '見出し', '見出しを入力してください。');
  else if (heading.length > LIMITS.heading) fail('heading', '見出し', `見出しは${LIMITS.heading}文字以内にしてください。`);
  const subheading = text('subheading', '副題', draft.subheading, 'line').trim();
  if (subheading.length > LIMITS.subheading) fail('subheading', '副題', `副題は${LIMITS.subheading}文字以内にしてください。`);
  const fromFy = parseFiscalYear(draft.from);
  const toFy = parseFiscalYear(draft.to);
  const fyMessage = '年度は 2019 または R1、令和元年度 のように入力してください。';
  if (fromFy === null) fail('from', '最初の年度', fyMessage);
  if (toFy === null) fail('to', '最後の年度', fyMessage);
  if (fromFy !== null && toFy !== null) {
    if (fromFy > toFy) fail('to', '最後の年度', '最後の年度は、最初の年度と同じか後にしてください。');
    else if (toFy - fromFy + 1 > MAX_SHEET_YEARS) fail('to', '最後の年度', `A4縦に収まるのは${MAX_SHEET_YEARS}年度分までです。期間を短くしてください。`);
  }

  const tables = draft.tables.map((t, i) => {
    const p = `t${i}.`;
    const name = `表${i + 1}`;
    if (!ctx.scopeOk(t.scope)) fail(`${p}scope`, `${name} 範囲`, '範囲を一覧から選んでください。');
    const tableHeading = text(`${p}heading`, `${name} 見出し`, t.heading, 'line').trim();
    if (tableHeading === '') fail(`${p}heading`, `${name} 見出し`, '表の見出しを入力してください（例：前年度までの推移）。');
    else if (tableHeading.length > LIMITS.tableHeading) fail(`${p}heading`, `${name} 見出し`, `表の見出しは${LIMITS.tableHeading}文字以内にしてください。`);
    const basis = parseBasis(t.basis);
    if (!basis) fail(`${p}basis`, `${name} 傾向の基準`, '傾向の基準を一覧から選んでください。');
    const flat = parsePercent(t.flatPercent);
    const strong = parsePercent(t.strongPercent);
    if (flat === null) fail(`${p}flatPercent`, `${name} 横ばいの幅`, '0 以上の数（%）で入力してください（例：5）。');
    if (strong === null) fail(`${p}strongPercent`, `${name} 増加・減少のしきい値`, '0 以上の数（%）で入力してください（例：20）。');
    if (flat !== null && strong !== null && flat > strong) {
      fail(`${p}flatPercent`, `${name} 横ばいの幅`, '「ほぼ横ばい」の幅は「増加・減少」のしきい値以下にしてください。');
    }
    const headerStyle = (HEADER_STYLES as readonly string[]).includes(t.headerStyle) ? (t.headerStyle as 'short' | 'long') : null;
    if (!headerStyle) fail(`${p}headerStyle`, `${name} 年度の書き方`, '年度の書き方を選んでください。');
    const tableNote = text(`${p}note`, `${name} 表の下の注記`, t.note, 'multiline');
    // 印刷する年度: the ticked years of the range, and the range's years that were not offered.
    let printYears: number[] | undefined;
    if (fromFy !== null && toFy !== null && fromFy <= toFy && toFy - fromFy + 1 <= MAX_SHEET_YEARS) {
      const range = yearsOf(fromFy, toFy);
      const chosen = range.filter((fy) => t.printYears.includes(String(fy)) || !t.offeredYears.includes(String(fy)));
      if (chosen.length === 0) fail(`${p}printYears`, `${name} 印刷する年度`, '印刷する年度を1つ以上選んでください。');
      else if (chosen.length < range.length) printYears = chosen;
    }
    if (tableNote.length > LIMITS.tableNote) fail(`${p}note`, `${name} 表の下の注記`, `注記は${LIMITS.tableNote}文字以内にしてください。`);

    const chosen: { order: number; index: number; row: DraftRow }[] = [];
    t.rows.forEach((r, index) => {
      const rp = `${p}r.${r.key}.`;
      const rowName = `${name} ${ROW_TITLES[r.key] ?? ctx.rowTitles?.get(r.key)?.trim() ?? r.key}`;
      const overrideText = text(`${rp}text`, `${rowName} 傾向の文言`, r.overrideText, 'line').trim();
      const footnoteMarker = text(`${rp}marker`, `${rowName} 注の記号`, r.footnoteMarker, 'line').trim();
      const footnote = text(`${rp}footnote`, `${rowName} 注の文`, r.footnote, 'line').trim();
      const order = parseOrder(r.order);
      if (!order.ok) fail(`${rp}order`, `${rowName} 順番`, '順番は 1〜99 の数字で入力してください。載せない行は空欄にします。');
      else if (order.value !== null) chosen.push({ order: order.value, index, row: { ...r, overrideText, footnoteMarker, footnote } });
      if (overrideText.length > LIMITS.overrideText) fail(`${rp}text`, `${rowName} 傾向の文言`, `傾向の文言は${LIMITS.overrideText}文字以内にしてください。`);
      if (!(ARROWS as readonly string[]).includes(r.overrideArrow)) fail(`${rp}arrow`, `${rowName} 矢印`, '矢印を一覧から選んでください。');
      if (footnoteMarker.length > LIMITS.footnoteMarker)
        fail(`${rp}marker`, `${rowName} 注の記号`, `注の記号は${LIMITS.footnoteMarker}文字以内にしてください（例：※）。`);
      if (footnote.length > LIMITS.footnote) fail(`${rp}footnote`, `${rowName} 注の文`, `注の文は${LIMITS.footnote}文字以内にしてください。`);
      else if (footnote !== '' && footnoteMarker === '') fail(`${rp}marker`, `${rowName} 注の記号`, '注の文に付ける記号を入力してください（例：※）。');
    });
    if (chosen.length === 0) fail(`${p}rows`, `${name} 行`, '表に載せる行を1つ以上選んでください（「順番」に数字を入力します）。');
    chosen.sort((a, b) => a.order - b.order || a.index - b.index);
    return {
      kind: t.kind,
      scope: t.scope,
      heading: tableHeading,
      rows: chosen.map(({ row }) => ({
        key: row.key,
        override: { text: row.overrideText.trim(), arrow: row.overrideArrow as (typeof ARROWS)[number] },
        footnoteMarker: row.footnoteMarker.trim(),
        footnote: row.footnote.trim(),
      })),
      basis: basis ?? 'yoy',
      thresholds: { flat: (flat ?? 0) / 100, strong: (strong ?? 0) / 100 },
      headerStyle: headerStyle ?? 'short',
      showTrend: t.showTrend,
      note: tableNote.trim(),
      ...(printYears ? { printYears } : {}),
    };
  });
  if (draft.tables.length === 0) fail('tables', '表', '表を1つ以上入れてください。');

  const sections = draft.sections.map((s, j) => {
    const p = `s${j}.`;
    const name = `項目${j + 1}`;
    const sectionHeading = text(`${p}heading`, `${name} 見出し`, s.heading, 'line').trim();
    const sectionBody = text(`${p}body`, `${name} 本文`, s.body, 'multiline');
    if (sectionHeading === '') fail(`${p}heading`, `${name} 見出し`, '見出しを入力してください。');
    else if (sectionHeading.length > LIMITS.sectionHeading) fail(`${p}heading`, `${name} 見出し`, `見出しは${LIMITS.sectionHeading}文字以内にしてください。`);
    if (sectionBody.length > LIMITS.sectionBody)
      fail(`${p}body`, `${name} 本文`, `本文は${LIMITS.sectionBody.toLocaleString('en-US')}文字以内にしてください。`);
    const picked: { order: number; seq: number; pick: CaseStudyPick }[] = [];
    let seq = 0;
    for (const [idText, orderText] of Object.entries(s.picks)) {
      const order = parseOrder(orderText);
      if (!order.ok) fail(`${p}cs.${idText}`, `${name} 取組事例の順番`, '順番は 1〜99 の数字で入力してください。載せない事例は空欄にします。');
      else if (order.value !== null && ctx.caseStudyExists(Number(idText)))
        picked.push({ order: order.value, seq: seq++, pick: { kind: 'ref', caseStudyId: Number(idText) } });
    }
    s.copies.forEach((c, n) => {
      const order = parseOrder(c.order);
      const fy = Number.parseInt(c.fiscalYear, 10);
      const copyLabel = `${name} 取組事例の写し`;
      const districtName = text(`${p}copy.${n}.districtName`, copyLabel, c.districtName, 'line');
      const title = text(`${p}copy.${n}.title`, copyLabel, c.title, 'line');
      const body = text(`${p}copy.${n}.body`, copyLabel, c.body, 'multiline');
      if (!order.ok) fail(`${p}copy.${n}.order`, `${name} 取組事例の順番`, '順番は 1〜99 の数字で入力してください。載せない事例は空欄にします。');
      else if (order.value !== null && Number.isInteger(fy)) {
        picked.push({ order: order.value, seq: seq++, pick: { kind: 'copy', districtName, fiscalYear: fy, title, body } });
      }
    });
    if (picked.length > MAX_CASE_STUDIES_PER_SECTION)
      fail(`${p}caseStudies`, `${name} 取組事例`, `1つの項目に載せる取組事例は${MAX_CASE_STUDIES_PER_SECTION}件までにしてください。`);
    picked.sort((a, b) => a.order - b.order || a.seq - b.seq);
    return { heading: sectionHeading, body: sectionBody.replace(/\s+$/, ''), caseStudies: picked.map((x) => x.pick) };
  });

  if (Object.keys(errors).length > 0 || fromFy === null || toFy === null) return { input: null, errors, labels };
  // The schema is the last word on what may be stored; the checks above give the messages.
  const content = agendaContentSchema.safeParse({ tables, sections });
  if (!content.success) return { input: null, errors: { tables: '入力内容を確認してください。' }, labels: { tables: '表' } };
  return { input: { heading, subheading, fromFy, toFy, content: content.data }, errors, labels };
}
