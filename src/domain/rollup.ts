/**
 * Yearly rollup (年度集計) of monthly reports and registers into the seven
 * agenda items and the household-category table, DESIGN §4.
 * Pure: the caller loads rows and passes them in.
 */
import { fiscalYearOfMonth, isMonth } from './fiscalYear.js';
import {
  CATALOGUE,
  householdRows,
  totalledGroups,
  figureKeys,
  fieldsOfGroup,
  type Catalogue,
  type CountFieldDefinition,
  type CountFieldKey,
  type CountFigureKey,
  type ItemFigureKey,
  type HouseholdRowKey,
  type ItemNumber,
} from './catalogue.js';

/**
 * One district's monthly report (月次報告): every count of the catalogue under
 * its key (watchedElderly …); null = not reported.
 */
export type MonthlyFigures = { districtId: number; month: string } & Record<CountFieldKey, number | null>;

/** A salon (サロン) from the register. */
export interface SalonSpan {
  districtId: number;
  openedOn: string;
  closedOn: string | null;
}

/** A small-area welfare activity plan (小地域福祉活動計画). */
export interface PlanSpan {
  districtId: number;
  formulatedFy: number;
  firstFy: number;
  lastFy: number;
}

/** A district (校(地)区) with the fiscal years it existed in; null = open-ended. */
export interface DistrictSpan {
  id: number;
  activeFrom: number | null;
  activeTo: number | null;
}

/**
 * A merge or split (統合・分割, DESIGN §2): predecessors → successors from
 * `firstMonth`. In the event's FY a predecessor contributes to ②④⑤ only
 * (①③⑥⑦ and the household table are year-end states of the successors), and
 * a successor's meeting months (③) include its predecessors' months before `firstMonth`.
 */
export interface SuccessionSpan {
  firstMonth: string;
  predecessorIds: number[];
  successorIds: number[];
}

export interface RollupInput {
  districts: DistrictSpan[];
  reports: MonthlyFigures[];
  salons: SalonSpan[];
  plans: PlanSpan[];
  regularMeetingMonths: number;
  /** Succession events; their predecessors' reports must be in `reports` for the successors' ③. */
  successions?: SuccessionSpan[];
  /** What is counted and how each count rolls up; the city's catalogue when left out. */
  catalogue?: Catalogue;
}

/** A ward or city cell: the sum, and how many districts contributed to it. */
export interface CellValue {
  value: number | null;
  districtsReported: number;
}

/** True if district `d` exists in fiscal year `fy`. */
export function isDistrictActive(d: DistrictSpan, fy: number): boolean {
  return (d.activeFrom === null || d.activeFrom <= fy) && (d.activeTo === null || d.activeTo >= fy);
}

/** A count of a report by the field's key; undefined (a row from elsewhere) reads as not reported. */
function countOf(r: MonthlyFigures, field: CountFieldDefinition): number | null {
  return (r as unknown as Record<string, number | null | undefined>)[field.key] ?? null;
}

/**
 * The yearly figures of the city's count fields and of the watched households' total (①), by figure key
 * (the catalogue's `figure`s): each field's value by its rollup rule (meetingMonths: the months with at least
 * one coordination meeting, from which ③ is decided), the total the sum of its fields; null if not reported.
 */
export type CountFigures = Record<CountFigureKey, number | null>;

/**
 * What one district reported in one fiscal year, folded from its months: each
 * count field's yearly value under its figure key, by its rollup rule (the
 * latest value, the sum, or the months with at least one), and each totalled
 * group's total (null if none of its fields was reported).
 */
export type DistrictYearSummary = CountFigures & Record<string, number | null>;

/** Reports, salons and plans grouped once, so many years can be rolled up cheaply. */
export interface RollupIndex {
  input: RollupInput;
  catalogue: Catalogue;
  /** districtId → fiscal year → month → report */
  reports: Map<number, Map<number, Map<string, MonthlyFigures>>>;
  salons: Map<number, SalonSpan[]>;
  plans: Map<number, PlanSpan[]>;
  summaries: Map<string, DistrictYearSummary>;
  /** predecessor id → fiscal years of the events it was succeeded in */
  succeededIn: Map<number, Set<number>>;
  /** successor id → the events it came from */
  inherits: Map<number, SuccessionSpan[]>;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

/** Group the rollup input by district and fiscal year (done once per input). */
export function indexRollupInput(input: RollupInput): RollupIndex {
  const reports = new Map<number, Map<number, Map<string, MonthlyFigures>>>();
  for (const r of input.reports) {
    if (!isMonth(r.month)) continue;
    const fy = fiscalYearOfMonth(r.month);
    let byFy = reports.get(r.districtId);
    if (!byFy) reports.set(r.districtId, (byFy = new Map<number, Map<string, MonthlyFigures>>()));
    let byMonth = byFy.get(fy);
    if (!byMonth) byFy.set(fy, (byMonth = new Map<string, MonthlyFigures>()));
    // One report per district-month; should a duplicate slip in, the later row wins rather than doubling sums.
    byMonth.set(r.month, r);
  }
  return {
    input,
    catalogue: input.catalogue ?? CATALOGUE,
    reports,
    salons: groupBy(input.salons, (s) => s.districtId),
    plans: groupBy(input.plans, (p) => p.districtId),
    summaries: new Map(),
    ...indexSuccessions(input.successions ?? []),
  };
}

function indexSuccessions(events: readonly SuccessionSpan[]): Pick<RollupIndex, 'succeededIn' | 'inherits'> {
  const succeededIn = new Map<number, Set<number>>();
  const inherits = new Map<number, SuccessionSpan[]>();
  for (const e of events) {
    if (!isMonth(e.firstMonth)) continue;
    const fy = fiscalYearOfMonth(e.firstMonth);
    for (const id of e.predecessorIds) {
      let set = succeededIn.get(id);
      if (!set) succeededIn.set(id, (set = new Set()));
      set.add(fy);
    }
    for (const id of e.successorIds) {
      const list = inherits.get(id);
      if (list) list.push(e);
      else inherits.set(id, [e]);
    }
  }
  return { succeededIn, inherits };
}

/** True if district `districtId` was succeeded (merged or split away) in fiscal year `fy`. */
export function isSucceededIn(index: RollupIndex, districtId: number, fy: number): boolean {
  return index.succeededIn.get(districtId)?.has(fy) ?? false;
}

/**
 * ③'s months with a meeting for a successor in the FY of its event: its own
 * months, and its predecessors' months before the first month (transitively,
 * for a chain of events in one year); null if none of them reported meetings.
 * `field` is the count whose months are counted (a `monthsWithAny` field).
 */
function inheritedMonthsWithAny(
  index: RollupIndex,
  field: CountFieldDefinition,
  districtId: number,
  fy: number,
  before: string | null,
  depth = 0,
): { reported: boolean; months: Set<string> } {
  const out = { reported: false, months: new Set<string>() };
  for (const r of index.reports.get(districtId)?.get(fy)?.values() ?? []) {
    if (before !== null && r.month >= before) continue;
    const v = countOf(r, field);
    if (v === null) continue;
    out.reported = true;
    if (v >= 1) out.months.add(r.month);
  }
  if (depth > 20) return out;
  for (const e of index.inherits.get(districtId) ?? []) {
    if (!isMonth(e.firstMonth) || fiscalYearOfMonth(e.firstMonth) !== fy) continue;
    const limit = before === null || e.firstMonth < before ? e.firstMonth : before;
    for (const p of e.predecessorIds) {
      const sub = inheritedMonthsWithAny(index, field, p, fy, limit, depth + 1);
      if (sub.reported) out.reported = true;
      for (const m of sub.months) out.months.add(m);
    }
  }
  return out;
}

// Rolling up 5–10 years calls into the same input repeatedly; index it once.
// The cache is dropped if any array is replaced or changes length: treat inputs as immutable.
const indexCache = new WeakMap<RollupInput, { index: RollupIndex; lengths: string; arrays: unknown[] }>();

const NO_SUCCESSIONS: SuccessionSpan[] = [];

function indexFor(input: RollupInput): RollupIndex {
  const arrays = [input.districts, input.reports, input.salons, input.plans, input.successions ?? NO_SUCCESSIONS, input.catalogue ?? CATALOGUE];
  const lengths = arrays.map((a) => ('length' in a ? a.length : 0)).join(',');
  const hit = indexCache.get(input);
  if (hit && hit.lengths === lengths && hit.arrays.every((a, i) => a === arrays[i])) return hit.index;
  const index = indexRollupInput(input);
  indexCache.set(input, { index, lengths, arrays });
  return index;
}

function sumReported(values: Iterable<number | null>): number | null {
  let sum: number | null = null;
  for (const v of values) if (v !== null && v !== undefined) sum = (sum ?? 0) + v;
  return sum;
}

/** One count field's yearly value from its months (latest month first), by the field's rollup rule. */
function yearlyValue(list: readonly MonthlyFigures[], field: CountFieldDefinition): number | null {
  if (field.rollup === 'sum') return sumReported(list.map((r) => countOf(r, field)));
  if (field.rollup === 'latest') {
    // Latest month first, so the first value seen is the year-end value.
    for (const r of list) {
      const v = countOf(r, field);
      if (v !== null) return v;
    }
    return null;
  }
  let months: number | null = null;
  for (const r of list) {
    const v = countOf(r, field);
    if (v === null) continue;
    months = (months ?? 0) + (v >= 1 ? 1 : 0);
  }
  return months;
}

/**
 * A group's total from its fields' yearly values: their sum, a never-reported
 * field counting 0; null if none was reported (DESIGN §4: ① is the sum of the
 * category values, so the category rows add up to ①).
 */
function groupTotal(values: readonly (number | null)[]): number | null {
  if (values.every((v) => v === null || v === undefined)) return null;
  return values.reduce<number>((s, v) => s + (v ?? 0), 0);
}

function summarise(months: Map<string, MonthlyFigures> | undefined, catalogue: Catalogue): DistrictYearSummary {
  const list = months ? [...months.values()].sort((a, b) => (a.month < b.month ? 1 : a.month > b.month ? -1 : 0)) : [];
  const out: Record<string, number | null> = {};
  for (const f of catalogue.fields) out[f.figure] = yearlyValue(list, f);
  for (const t of planOf(catalogue).totals) out[t.figure] = groupTotal(t.members.map((m) => out[m] ?? null));
  return out as DistrictYearSummary;
}

/** What district `districtId` reported in fiscal year `fy`, from an index. */
export function districtYearSummary(index: RollupIndex, districtId: number, fy: number): DistrictYearSummary {
  const key = `${districtId}:${fy}`;
  let s = index.summaries.get(key);
  if (!s) index.summaries.set(key, (s = summarise(index.reports.get(districtId)?.get(fy), index.catalogue)));
  return s;
}

/** March 31 that ends fiscal year `fy`, as `YYYY-MM-DD`. */
export function fiscalYearEndDate(fy: number): string {
  return `${String(fy + 1).padStart(4, '0')}-03-31`;
}

/**
 * The city's seven item values by figure key (the catalogue's items' `figure`s): ③④⑦ 0 or 1,
 * ⑥ the salons open on March 31, the others as their fields roll up; null if not counted.
 */
export type ItemFigures = Record<ItemFigureKey, number | null>;

/**
 * One district's yearly figures (the figures of record, DESIGN §4 and §7):
 * every item value and household row of district `d` in fiscal year `fy`,
 * under the figure keys of the catalogue (the named ones are the city's).
 * An inactive district contributes nothing (every value null), but its
 * reported months are still counted for "districts reported".
 */
export interface DistrictYearFigures extends CountFigures, ItemFigures {
  active: boolean;
  /** Months of the FY with a report row. */
  monthsReported: number;
  /** The figures of further catalogue fields, by figure key. */
  [figure: string]: number | boolean | null;
}

/** A catalogue read once into what the rollup looks up for every district-year. */
interface CataloguePlan {
  /** Every figure key: the fields', the group totals' and the items'. */
  figureKeys: string[];
  /** Each totalled group's total figure and its fields' figures. */
  totals: { figure: string; members: string[] }[];
  monthsFields: CountFieldDefinition[];
  items: { item: ItemNumber; figure: string; yearEnd: boolean; registerCount: boolean; value: ItemRule }[];
  households: { key: string; figure: string }[];
}

/** An item's value from the district-year's field figures, or from the registers. */
type ItemRule =
  | { kind: 'figure'; figure: string | null }
  | { kind: 'monthsAtLeast'; figure: string | null; setting: 'regularMeetingMonths' }
  | { kind: 'register'; register: 'planFormulated' | 'salonsOpen' | 'planActive' };

const cataloguePlans = new WeakMap<Catalogue, CataloguePlan>();

function planOf(catalogue: Catalogue): CataloguePlan {
  let plan = cataloguePlans.get(catalogue);
  if (plan) return plan;
  const groups = totalledGroups(catalogue);
  const figureOfField = (name: string) => catalogue.fields.find((f) => f.name === name)?.figure ?? null;
  const items = catalogue.items.map((item) => {
    const r = item.rollup;
    const value: ItemRule =
      r.kind === 'groupTotal'
        ? { kind: 'figure', figure: groups.find((g) => g.key === r.group)?.total.figure ?? null }
        : r.kind === 'sum'
          ? { kind: 'figure', figure: figureOfField(r.field) }
          : r.kind === 'monthsAtLeast'
            ? { kind: 'monthsAtLeast', figure: figureOfField(r.field), setting: r.setting }
            : { kind: 'register', register: r.register };
    return { item: item.item, figure: item.figure, yearEnd: item.yearEnd, registerCount: item.registerCount, value };
  });
  plan = {
    figureKeys: figureKeys(catalogue),
    totals: groups.map((g) => ({ figure: g.total.figure, members: fieldsOfGroup(g.key, catalogue).map((f) => f.figure) })),
    monthsFields: catalogue.fields.filter((f) => f.rollup === 'monthsWithAny'),
    items,
    households: householdRows(catalogue).map((r) => ({ key: r.key, figure: r.figure })),
  };
  cataloguePlans.set(catalogue, plan);
  return plan;
}

function figuresFromIndex(index: RollupIndex, district: DistrictSpan, fy: number): DistrictYearFigures {
  const catalogue = index.catalogue;
  const plan = planOf(catalogue);
  const monthsReported = index.reports.get(district.id)?.get(fy)?.size ?? 0;
  const out: Record<string, number | boolean | null> = { active: false, monthsReported };
  if (!isDistrictActive(district, fy)) {
    for (const k of plan.figureKeys) out[k] = null;
    return out as DistrictYearFigures;
  }
  out.active = true;
  const s = districtYearSummary(index, district.id, fy);
  // DESIGN §2: in the year it is succeeded, a district's year-end states (①③⑥⑦, household table) belong to its successors.
  const succeeded = isSucceededIn(index, district.id, fy);
  for (const f of catalogue.fields) out[f.figure] = succeeded && f.rollup !== 'sum' ? null : (s[f.figure] ?? null);
  if (!succeeded && index.inherits.has(district.id)) {
    // A successor's meeting months include its predecessors' months before the event.
    for (const f of plan.monthsFields) {
      const m = inheritedMonthsWithAny(index, f, district.id, fy, null);
      out[f.figure] = m.reported ? m.months.size : null;
    }
  }
  for (const t of plan.totals) out[t.figure] = succeeded ? null : (s[t.figure] ?? null);
  for (const item of plan.items) {
    out[item.figure] = succeeded && item.yearEnd ? null : itemValue(index, item.value, district.id, fy, out);
  }
  return out as DistrictYearFigures;
}

/** One item's yearly value of a district, from its fields' figures (already in `figures`) or the registers. */
function itemValue(index: RollupIndex, rule: ItemRule, districtId: number, fy: number, figures: Record<string, number | boolean | null>): number | null {
  if (rule.kind === 'figure') {
    const v = rule.figure === null ? null : figures[rule.figure];
    return typeof v === 'number' ? v : null;
  }
  if (rule.kind === 'monthsAtLeast') {
    const months = rule.figure === null ? null : figures[rule.figure];
    return typeof months === 'number' ? (months >= index.input[rule.setting] ? 1 : 0) : null;
  }
  if (rule.register === 'salonsOpen') {
    const yearEnd = fiscalYearEndDate(fy);
    // ISO dates compare correctly as strings.
    return (index.salons.get(districtId) ?? []).filter((x) => x.openedOn <= yearEnd && (x.closedOn === null || x.closedOn > yearEnd)).length;
  }
  const plans = index.plans.get(districtId) ?? [];
  if (rule.register === 'planFormulated') return plans.some((p) => p.formulatedFy === fy) ? 1 : 0;
  return plans.some((p) => p.firstFy <= fy && fy <= p.lastFy) ? 1 : 0;
}

/**
 * The figures of record of `district` in fiscal year `fy`, from `input`
 * (which must hold that district's reports, salons and plans).
 */
export function districtYearFigures(district: DistrictSpan, fy: number, input: RollupInput): DistrictYearFigures {
  return figuresFromIndex(indexFor(input), district, fy);
}

function figureValue(f: DistrictYearFigures, key: string): number | null {
  const v = f[key];
  return typeof v === 'number' ? v : null;
}

/** The seven item values of a district's yearly figures. */
export function itemValues(f: DistrictYearFigures, catalogue: Catalogue = CATALOGUE): Record<ItemNumber, number | null> {
  const out = {} as Record<ItemNumber, number | null>;
  for (const item of planOf(catalogue).items) out[item.item] = figureValue(f, item.figure);
  return out;
}

/** The household-table rows of a district's yearly figures. */
export function householdValues(f: DistrictYearFigures, catalogue: Catalogue = CATALOGUE): Record<HouseholdRowKey, number | null> {
  const out: Record<string, number | null> = {};
  for (const row of planOf(catalogue).households) out[row.key] = figureValue(f, row.figure);
  return out;
}

/**
 * The seven yearly values of one district (null = contributes nothing).
 * A district listed in `input.districts` but inactive in `fiscalYear` contributes nothing to any item.
 */
export function rollupDistrictYear(districtId: number, fiscalYear: number, input: RollupInput): Record<ItemNumber, number | null> {
  const district = input.districts.find((d) => d.id === districtId) ?? { id: districtId, activeFrom: null, activeTo: null };
  return itemValues(districtYearFigures(district, fiscalYear, input), input.catalogue);
}

function addTo(cell: CellValue, v: number | null): void {
  if (v === null) return;
  cell.value = (cell.value ?? 0) + v;
  cell.districtsReported++;
}

/** The seven yearly values summed over the districts of `input` (each district's figures of record). */
export function rollupYear(fiscalYear: number, input: RollupInput): Record<ItemNumber, CellValue> {
  const index = indexFor(input);
  const cells = {} as Record<ItemNumber, CellValue>;
  // Register-based counts are facts about every district, so 0 rather than blank.
  for (const item of index.catalogue.items) cells[item.item] = { value: item.registerCount ? 0 : null, districtsReported: 0 };
  for (const d of input.districts) {
    const items = itemValues(figuresFromIndex(index, d, fiscalYear), index.catalogue);
    for (const item of index.catalogue.items) addTo(cells[item.item], items[item.item]);
  }
  return cells;
}

/** The household-category table (seed 003 table 2) summed over the districts' figures of record. */
export function rollupHouseholds(fiscalYear: number, input: RollupInput): Record<HouseholdRowKey, CellValue> {
  const index = indexFor(input);
  const keys = planOf(index.catalogue).households.map((r) => r.key);
  const rows: Record<string, CellValue> = Object.fromEntries(keys.map((k) => [k, { value: null, districtsReported: 0 }]));
  for (const d of input.districts) {
    const values = householdValues(figuresFromIndex(index, d, fiscalYear), index.catalogue) as Record<string, number | null>;
    for (const key of keys) addTo(rows[key]!, values[key] ?? null);
  }
  return rows;
}
