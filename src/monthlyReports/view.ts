/**
 * 月次報告: the data the year view, the monthly form and the conflict page lay
 * out, built by pure functions from what the routes loaded. Every label, number
 * and date the pages show is written here; the templates only loop.
 */
import { fiscalYearOfMonth, monthLabelLong, warekiLong, warekiShort } from '../domain/fiscalYear.js';
import { formatDateLong } from '../domain/dates.js';
import { formatCount, parseCount } from '../domain/numbers.js';
import type { ReportingBounds } from '../domain/due.js';
import type { ItemDefinition } from '../domain/items.js';
import { districtPath } from '../registers/routing.js';
import type { DistrictWithWard } from '../districts/repository.js';
import type { CountField, MonthlyValues } from './repository.js';
import { formatConfirmedValues, type CountFieldView, type FormField, type TypedValues } from './form.js';
import type { RecentRange } from './plausibility.js';
import { isFutureMonth, monthStatus, neighbours, STATUS_LABELS } from './status.js';
import { districtReportUrl, districtUrl, districtYearUrl } from '../web/urls.js';

export const MONTHLY_STYLES = ['monthly.css'];

/** The form's field groups; the first is the watched households, shown with their total. */
export type FieldGroups = readonly { legend: string; total?: { heading: string; unit: string } | null; fields: readonly CountFieldView[] }[];

export function yearPath(district: Pick<DistrictWithWard, 'code'>, fy: number): string {
  return districtYearUrl(district, fy);
}

export function reportPath(district: Pick<DistrictWithWard, 'code'>, month: string): string {
  return districtReportUrl(district, month);
}

/** A count as the pages print it; '' when not reported. */
export function countText(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : formatCount(n);
}

/** A count beside a field: 未報告 when not reported. */
export function reportedText(n: number | null | undefined): string {
  return n === null || n === undefined ? '未報告' : formatCount(n);
}

/** 「6月10日」 of a 'YYYY-MM-DD' date (the year is the row's). */
export function monthDayText(date: string): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

/** The sum of a group's fields in a month, blank when none was reported (as in the rollup). */
export function groupTotal(values: MonthlyValues | null, fields: readonly CountField[]): number | null {
  if (!values || fields.every((f) => values[f] === null)) return null;
  return fields.reduce((s, f) => s + (values[f] ?? 0), 0);
}

function sumOf(values: readonly (number | null)[]): number | null {
  return values.reduce<number | null>((s, v) => (v === null ? s : (s ?? 0) + v), null);
}

/**
 * Items whose district value is yes or no (1 or 0), printed 該当 / 該当しない:
 * the district met ③'s meeting months, or has a plan (④⑦), by the catalogue's rollup rule.
 */
export function isYesNoItem(item: Pick<ItemDefinition, 'rollup'>): boolean {
  return item.rollup.kind === 'monthsAtLeast' || (item.rollup.kind === 'register' && item.rollup.register !== 'salonsOpen');
}

/** A district's yearly value of an item as the year view prints it. */
export function yearlyValueText(item: Pick<ItemDefinition, 'rollup' | 'unit'>, value: number | null): string {
  if (value === null) return '—（未報告）';
  if (isYesNoItem(item)) return value === 1 ? '該当' : '該当しない';
  return `${formatCount(value)} ${item.unit}`;
}

export interface YearMonthReport {
  values: MonthlyValues;
  /** At least one count was reported. */
  reported: boolean;
  correctedByWard: boolean;
  flagged: readonly CountField[];
  hasNote: boolean;
}

interface Neighbour {
  code: string;
  name: string;
  firstMonth: string;
}

export interface YearViewInput {
  district: DistrictWithWard;
  fiscalYear: number;
  currentFiscalYear: number;
  today: string;
  dueDay: number;
  regularMeetingMonths: number;
  groups: FieldGroups;
  /** Fields summed over the year (flows); the others are month-end states. */
  flowFields: readonly CountField[];
  months: readonly string[];
  reports: ReadonlyMap<string, YearMonthReport>;
  bounds?: ReportingBounds | null;
  items: readonly Pick<ItemDefinition, 'item' | 'circled' | 'title' | 'unit' | 'rollup' | 'yearEnd' | 'howCounted'>[];
  /** The district's figures of record for the year, by item. */
  yearly: Readonly<Record<number, { value: number | null }>>;
  successions: { predecessors: readonly Neighbour[]; successors: readonly Neighbour[] };
  closed: boolean;
  active: boolean;
}

/** A district's fiscal year: the month table, its totals and the yearly values. */
export function yearView(input: YearViewInput) {
  const { district, fiscalYear: fy, groups } = input;
  const [first, ...rest] = groups;
  const watched = first?.fields ?? [];
  const others = rest.flatMap((g) => g.fields);
  const watchedNames = watched.map((f) => f.name);
  const fields = [...watched, ...others];
  const flows = new Set(input.flowFields);
  const rows = input.months.map((month) => {
    const report = input.reports.get(month);
    const values = report?.values ?? null;
    const status = monthStatus(month, report?.reported ?? false, input.today, input.dueDay, input.bounds);
    const flagged = report?.flagged ?? [];
    const cells = fields.map((f) => ({ name: f.name, text: countText(values?.[f.name]), flagged: flagged.includes(f.name) }));
    return {
      month,
      url: reportPath(district, month),
      label: `${Number(month.slice(5))}月`,
      ariaLabel: `${monthLabelLong(month)}の報告`,
      status: status.kind,
      statusLabel: STATUS_LABELS[status.kind],
      // The watched total follows the group's last field.
      watchedCells: cells.slice(0, watched.length),
      watchedTotal: countText(groupTotal(values, watchedNames)),
      otherCells: cells.slice(watched.length),
      correctedByWard: report?.correctedByWard ?? false,
      anyFlagged: flagged.length > 0,
      hasNote: report?.hasNote ?? false,
      due: status.kind === 'unreported' || status.kind === 'overdue' ? { short: monthDayText(status.dueDate), long: formatDateLong(status.dueDate) } : null,
    };
  });
  // Month-end states are not added up: one note spans them, then each flow's total.
  const stockColumns = watched.length + 1 + others.filter((f) => !flows.has(f.name)).length;
  const flowTotals = others
    .filter((f) => flows.has(f.name))
    .map((f) => countText(sumOf(input.months.map((m) => input.reports.get(m)?.values[f.name] ?? null))));
  // A predecessor in its event's year: ①③⑥⑦ are year-end states counted under its successors (DESIGN §2).
  const succeededThisYear = input.successions.successors.filter((s) => fiscalYearOfMonth(s.firstMonth) === fy);
  const fyLabel = warekiLong(fy);
  const neighbourLinks = (list: readonly Neighbour[], when: (n: Neighbour) => string) =>
    list.map((n) => ({ url: districtUrl(n), name: n.name, note: when(n) }));
  return {
    title: `${fyLabel}の報告（${district.name}）`,
    styles: MONTHLY_STYLES,
    district,
    fiscalYear: fy,
    fyLabel,
    previousUrl: yearPath(district, fy - 1),
    previousLabel: warekiShort(fy - 1),
    nextUrl: fy < input.currentFiscalYear ? yearPath(district, fy + 1) : null,
    nextLabel: warekiShort(fy + 1),
    closed: input.closed,
    active: input.active,
    // 前身・後継の校(地)区 (DESIGN §2), linked from the district's page.
    predecessors: neighbourLinks(input.successions.predecessors, (n) => `${monthLabelLong(n.firstMonth)}に統合・分割`),
    successors: neighbourLinks(input.successions.successors, (n) => `${monthLabelLong(n.firstMonth)}から`),
    counts: {
      reported: rows.filter((r) => r.status === 'reported').length,
      overdue: rows.filter((r) => r.status === 'overdue').length,
    },
    dueDay: input.dueDay,
    watchedHeads: watched.map((f) => f.short),
    watchedSpan: watched.length + 1,
    watchedHeading: first?.total?.heading ?? '',
    watchedUnit: first?.total?.unit ?? '',
    otherHeads: others.map((f) => ({ short: f.short, unit: f.unit })),
    rows,
    stockColumns,
    flowTotals,
    exportBase: `${yearPath(district, fy)}/export`,
    templateUrl: `${yearPath(district, fy)}/template.xlsx`,
    historyUrl: `${districtPath(district)}/history`,
    registerLinks: [
      { url: `${districtPath(district)}/salons`, text: 'サロン' },
      { url: `${districtPath(district)}/plans`, text: '小地域福祉活動計画' },
      { url: `${districtPath(district)}/case-studies`, text: '取組事例' },
    ],
    yearly: input.items.map((item) => {
      // Year-end states (①③⑥⑦) of a predecessor in its event's year are counted under its successors.
      const countedUnder = succeededThisYear.length > 0 && item.yearEnd ? succeededThisYear : null;
      const value = input.yearly[item.item]?.value ?? null;
      return {
        item: item.item,
        circled: item.circled,
        title: item.title,
        // Muted: counted under the successors, or not reported.
        muted: countedUnder !== null || value === null,
        value: countedUnder ? `後継の${countedUnder.map((x) => x.name).join('・')}で数えます` : yearlyValueText(item, value),
        // How it is counted (DESIGN §4), in the catalogue's words.
        how: item.howCounted(input.regularMeetingMonths),
      };
    }),
  };
}

/** Why a month cannot be entered. */
export interface EntryRefusal {
  kind: 'closed' | 'future' | 'inactive';
  message: string;
}

export interface MonthlyFormState {
  typed: TypedValues;
  /** The parsed values, when every field was valid. */
  values: MonthlyValues | null;
  version: number;
  errors: Partial<Record<FormField, string>>;
  /** Fields far from the recent values that the user has not confirmed yet. */
  unusual: ReadonlyMap<CountField, RecentRange>;
  confirmUnusual: boolean;
}

/** The state of a form as the user sent it (parsed), with the fields to confirm, if any. */
export function typedFormState(
  form: Pick<MonthlyFormState, 'typed' | 'values' | 'version' | 'errors'>,
  unusual: ReadonlyMap<CountField, RecentRange> = new Map(),
  errors: MonthlyFormState['errors'] = form.errors,
): MonthlyFormState {
  return { typed: form.typed, values: form.values, version: form.version, errors, unusual, confirmUnusual: false };
}

export interface MonthlyFormInput {
  district: DistrictWithWard;
  month: string;
  today: string;
  groups: FieldGroups;
  labels: Readonly<Record<string, string>>;
  countFields: readonly CountField[];
  plausibilityMonths: number;
  dueDay: number;
  /** The values of the month before and of the same month last year, if reported. */
  previousValues: MonthlyValues | null;
  lastYearValues: MonthlyValues | null;
  refusal: EntryRefusal | null;
  /** The stored report, if any. */
  stored: { values: MonthlyValues; flagged: readonly CountField[]; correctedByWard: boolean; updatedAt: string; editor: string | null } | null;
  state: MonthlyFormState;
}

/** The plausibility warning beside a field far from its recent values. */
export function unusualWarning(range: RecentRange, months: number): string {
  const recent = range.min === range.max ? formatCount(range.min) : `${formatCount(range.min)}〜${formatCount(range.max)}`;
  return `いつもの値（最近${months}か月: ${recent}）と大きく違います。正しければ「この値で保存する」にチェックしてください。`;
}

/** The watched total of what was typed, for the page without JavaScript; '—' when it cannot be added up. */
export function typedGroupTotal(typed: TypedValues, fields: readonly CountFieldView[]): string {
  let total = 0;
  let any = false;
  for (const f of fields) {
    // The same rules as saving (and as the live total in public/app.js).
    const parsed = parseCount(typed[f.name], { units: [f.unit] });
    if (!parsed.ok) return '（数字を確認してください）';
    if (parsed.value === null) continue;
    total += parsed.value;
    any = true;
  }
  return any ? formatCount(total) : '—';
}

/** The monthly form: the fields as typed with last month and last year beside them, warnings and the refusal. */
export function monthlyFormView(input: MonthlyFormInput) {
  const { district, month, state, stored, labels } = input;
  const fy = fiscalYearOfMonth(month);
  const { previous, next } = neighbours(month);
  const watched = input.groups[0]?.fields ?? [];
  const watchedNames = watched.map((f) => f.name);
  const warnings: Partial<Record<CountField, string>> = {};
  for (const [f, r] of state.unusual) warnings[f] = unusualWarning(r, input.plausibilityMonths);
  const storedFlags = new Set(stored?.flagged ?? []);
  // A stored flag is shown while the field still holds the confirmed value.
  const flagged = input.countFields.filter((f) => storedFlags.has(f) && stored !== null && state.typed[f] === String(stored.values[f] ?? ''));
  const aside = (p: number | null | undefined, l: number | null | undefined) => `先月 ${reportedText(p)} / 前年同月 ${reportedText(l)}`;
  return {
    title: `${monthLabelLong(month)}の報告（${district.name}）`,
    styles: MONTHLY_STYLES,
    groups: input.groups,
    labels,
    district,
    month,
    monthLabel: monthLabelLong(month),
    fiscalYear: fy,
    fyLabel: warekiLong(fy),
    action: reportPath(district, month),
    yearUrl: yearPath(district, fy),
    historyUrl: `${districtPath(district)}/history?month=${month}`,
    previousUrl: reportPath(district, previous),
    previousLabel: monthLabelLong(previous),
    nextUrl: isFutureMonth(next, input.today) ? null : reportPath(district, next),
    nextLabel: monthLabelLong(next),
    refusal: input.refusal,
    typed: state.typed,
    version: state.version,
    errors: state.errors,
    warnings,
    warningLinks: input.countFields.filter((f) => warnings[f] !== undefined).map((f) => ({ name: f, label: labels[f] ?? f })),
    confirmedValues: formatConfirmedValues(new Map([...state.unusual.keys()].map((f) => [f, state.values?.[f] ?? 0]))),
    confirmUnusual: state.confirmUnusual,
    flagged,
    asides: Object.fromEntries(input.countFields.map((f) => [f, aside(input.previousValues?.[f], input.lastYearValues?.[f])])) as Record<CountField, string>,
    watchedAside: aside(groupTotal(input.previousValues, watchedNames), groupTotal(input.lastYearValues, watchedNames)),
    watchedTotal: typedGroupTotal(state.typed, watched),
    watchedFor: watchedNames.join(' '),
    watchedHeading: input.groups[0]?.total?.heading ?? '',
    watchedUnit: input.groups[0]?.total?.unit ?? '',
    stored: stored ? { correctedByWard: stored.correctedByWard, updatedAt: stored.updatedAt, editor: stored.editor } : null,
    storedValues: stored?.values ?? null,
    // A closed, future or inactive month shows what is stored, read-only.
    readonlyRows: stored
      ? input.groups.flatMap((g) =>
          g.fields.map((f) => {
            const v = stored.values[f.name];
            return {
              name: f.name,
              label: labels[f.name] ?? f.label,
              flagged: flagged.includes(f.name),
              text: v === null ? '未報告' : `${formatCount(v)} ${f.unit}`,
            };
          }),
        )
      : [],
    dueDay: input.dueDay,
  };
}

/** A field's value on the conflict page. */
export function conflictValueText(field: FormField, value: number | string | null): string {
  if (value === null) return field === 'note' ? '（なし）' : '未報告';
  return typeof value === 'number' ? formatCount(value) : value;
}

export interface ConflictInput {
  district: DistrictWithWard;
  month: string;
  labels: Readonly<Record<string, string>>;
  fields: readonly FormField[];
  stored: { values: MonthlyValues; editor: string | null; updatedAt: string; version: number; correctedByWard: boolean } | null;
  typedValues: MonthlyValues;
  typed: TypedValues;
  confirmUnusual: boolean;
  confirmedValues: ReadonlyMap<CountField, number> | null;
}

/** 409: the stored report beside what was typed. */
export function conflictView(input: ConflictInput) {
  const { district, month, stored } = input;
  return {
    title: `${monthLabelLong(month)}の報告：ほかの人が先に保存しました`,
    styles: MONTHLY_STYLES,
    labels: input.labels,
    district,
    month,
    monthLabel: monthLabelLong(month),
    action: reportPath(district, month),
    formUrl: reportPath(district, month),
    stored: stored ? { editor: stored.editor, updatedAt: stored.updatedAt, version: stored.version, correctedByWard: stored.correctedByWard } : null,
    currentVersion: stored?.version ?? 0,
    rows: input.fields.map((f) => {
      const s = stored ? stored.values[f] : null;
      const t = input.typedValues[f];
      return {
        field: f,
        label: input.labels[f] ?? f,
        numeric: f !== 'note',
        stored: stored ? conflictValueText(f, s) : '（保存されている報告はありません）',
        typed: conflictValueText(f, t),
        differs: (s ?? null) !== (t ?? null),
      };
    }),
    typed: input.typed,
    confirmUnusual: input.confirmUnusual,
    confirmedValues: input.confirmedValues ? formatConfirmedValues(input.confirmedValues) : null,
  };
}
