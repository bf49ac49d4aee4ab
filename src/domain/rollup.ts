/**
 * Yearly rollup (年度集計) of monthly reports and registers into the seven
 * agenda items and the household-category table, DESIGN §4.
 * Pure: the caller loads rows and passes them in.
 */
import { fiscalYearOfMonth, isMonth } from './fiscalYear.js';
import type { HouseholdRowKey, ItemNumber } from './items.js';

/** One district's monthly report (月次報告); null = not reported. */
export interface MonthlyFigures {
  districtId: number;
  month: string;
  watchedElderly: number | null;
  watchedDisability: number | null;
  watchedSingleParent: number | null;
  watchedOther: number | null;
  welfareCooperators: number | null;
  mutualAidCases: number | null;
  coordinationMeetings: number | null;
  wellClubParticipants: number | null;
}

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

type Watched = Pick<MonthlyFigures, 'watchedElderly' | 'watchedDisability' | 'watchedSingleParent' | 'watchedOther'>;
type CountField = Exclude<keyof MonthlyFigures, 'districtId' | 'month'>;
const CATEGORY_FIELDS = ['watchedElderly', 'watchedDisability', 'watchedSingleParent', 'watchedOther'] as const;

/** What one district reported in one fiscal year, folded from its months. */
export interface DistrictYearSummary {
  /** ① the sum of the four category values below; null if no category was reported in the FY */
  watchedTotal: number | null;
  /** each category's latest reported value in the FY */
  watchedElderly: number | null;
  watchedDisability: number | null;
  watchedSingleParent: number | null;
  watchedOther: number | null;
  welfareCooperators: number | null;
  mutualAidCases: number | null;
  wellClubParticipants: number | null;
  /** months with at least one coordination meeting; null if never reported */
  meetingMonths: number | null;
}

/** Reports, salons and plans grouped once, so many years can be rolled up cheaply. */
export interface RollupIndex {
  input: RollupInput;
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
    if (!byFy) reports.set(r.districtId, (byFy = new Map()));
    let byMonth = byFy.get(fy);
    if (!byMonth) byFy.set(fy, (byMonth = new Map()));
    // One report per district-month; should a duplicate slip in, the later row wins rather than doubling sums.
    byMonth.set(r.month, r);
  }
  return {
    input,
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
 */
function inheritedMeetingMonths(index: RollupIndex, districtId: number, fy: number, before: string | null, depth = 0): { reported: boolean; months: Set<string> } {
  const out = { reported: false, months: new Set<string>() };
  for (const r of index.reports.get(districtId)?.get(fy)?.values() ?? []) {
    if (before !== null && r.month >= before) continue;
    if (r.coordinationMeetings === null || r.coordinationMeetings === undefined) continue;
    out.reported = true;
    if (r.coordinationMeetings >= 1) out.months.add(r.month);
  }
  if (depth > 20) return out;
  for (const e of index.inherits.get(districtId) ?? []) {
    if (!isMonth(e.firstMonth) || fiscalYearOfMonth(e.firstMonth) !== fy) continue;
    const limit = before === null || e.firstMonth < before ? e.firstMonth : before;
    for (const p of e.predecessorIds) {
      const sub = inheritedMeetingMonths(index, p, fy, limit, depth + 1);
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
  const arrays = [input.districts, input.reports, input.salons, input.plans, input.successions ?? NO_SUCCESSIONS];
  const lengths = arrays.map((a) => a.length).join(',');
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

/**
 * ① from the four category values (each its latest reported value in the FY):
 * their sum, a never-reported category counting 0; null if no category was reported.
 */
function watchedSum(r: Watched): number | null {
  if (CATEGORY_FIELDS.every((f) => r[f] === null || r[f] === undefined)) return null;
  return CATEGORY_FIELDS.reduce((s, f) => s + (r[f] ?? 0), 0);
}

function summarise(months: Map<string, MonthlyFigures> | undefined): DistrictYearSummary {
  // Latest month first, so the first non-null seen for a stock field is the year-end value.
  const list = months ? [...months.values()].sort((a, b) => (a.month < b.month ? 1 : a.month > b.month ? -1 : 0)) : [];
  const latest = (field: CountField): number | null => {
    for (const r of list) {
      const v = r[field];
      if (v !== null && v !== undefined) return v;
    }
    return null;
  };
  const categories: Watched = {
    watchedElderly: latest('watchedElderly'),
    watchedDisability: latest('watchedDisability'),
    watchedSingleParent: latest('watchedSingleParent'),
    watchedOther: latest('watchedOther'),
  };
  let meetingMonths: number | null = null;
  for (const r of list) {
    if (r.coordinationMeetings === null || r.coordinationMeetings === undefined) continue;
    meetingMonths = (meetingMonths ?? 0) + (r.coordinationMeetings >= 1 ? 1 : 0);
  }
  return {
    // DESIGN §4: ① is the sum of the category values, so the category rows add up to ①.
    watchedTotal: watchedSum(categories),
    ...categories,
    welfareCooperators: latest('welfareCooperators'),
    mutualAidCases: sumReported(list.map((r) => r.mutualAidCases)),
    wellClubParticipants: sumReported(list.map((r) => r.wellClubParticipants)),
    meetingMonths,
  };
}

/** What district `districtId` reported in fiscal year `fy`, from an index. */
export function districtYearSummary(index: RollupIndex, districtId: number, fy: number): DistrictYearSummary {
  const key = `${districtId}:${fy}`;
  let s = index.summaries.get(key);
  if (!s) index.summaries.set(key, (s = summarise(index.reports.get(districtId)?.get(fy))));
  return s;
}

/** March 31 that ends fiscal year `fy`, as `YYYY-MM-DD`. */
export function fiscalYearEndDate(fy: number): string {
  return `${String(fy + 1).padStart(4, '0')}-03-31`;
}

/**
 * One district's yearly figures (the figures of record, DESIGN §4 and §7):
 * every item value and household row of district `d` in fiscal year `fy`.
 * An inactive district contributes nothing (every value null), but its
 * reported months are still counted for "districts reported".
 */
export interface DistrictYearFigures {
  active: boolean;
  /** Months of the FY with a report row. */
  monthsReported: number;
  /** ① and the household table. */
  watchedTotal: number | null;
  watchedElderly: number | null;
  watchedDisability: number | null;
  watchedSingleParent: number | null;
  watchedOther: number | null;
  welfareCooperators: number | null;
  /** ② */
  mutualAidCases: number | null;
  /** ③ 0/1, and the months with a meeting it is decided from. */
  regularMeetings: number | null;
  meetingMonths: number | null;
  /** ④ 0/1 */
  planFormulated: number | null;
  /** ⑤ */
  wellClubParticipants: number | null;
  /** ⑥ salons open on March 31 */
  salonsOpen: number | null;
  /** ⑦ 0/1 */
  planActive: number | null;
}

function figuresFromIndex(index: RollupIndex, district: DistrictSpan, fy: number): DistrictYearFigures {
  const monthsReported = index.reports.get(district.id)?.get(fy)?.size ?? 0;
  if (!isDistrictActive(district, fy)) {
    return {
      active: false,
      monthsReported,
      watchedTotal: null,
      watchedElderly: null,
      watchedDisability: null,
      watchedSingleParent: null,
      watchedOther: null,
      welfareCooperators: null,
      mutualAidCases: null,
      regularMeetings: null,
      meetingMonths: null,
      planFormulated: null,
      wellClubParticipants: null,
      salonsOpen: null,
      planActive: null,
    };
  }
  const s = districtYearSummary(index, district.id, fy);
  const plans = index.plans.get(district.id) ?? [];
  const yearEnd = fiscalYearEndDate(fy);
  const salons = index.salons.get(district.id) ?? [];
  const planFormulated = plans.some((p) => p.formulatedFy === fy) ? 1 : 0;
  if (isSucceededIn(index, district.id, fy)) {
    // DESIGN §2: the year-end states (①③⑥⑦, household table) belong to the successors, so nothing is counted twice.
    return {
      active: true,
      monthsReported,
      watchedTotal: null,
      watchedElderly: null,
      watchedDisability: null,
      watchedSingleParent: null,
      watchedOther: null,
      welfareCooperators: null,
      mutualAidCases: s.mutualAidCases,
      regularMeetings: null,
      meetingMonths: null,
      planFormulated,
      wellClubParticipants: s.wellClubParticipants,
      salonsOpen: null,
      planActive: null,
    };
  }
  let meetingMonths = s.meetingMonths;
  if (index.inherits.has(district.id)) {
    const m = inheritedMeetingMonths(index, district.id, fy, null);
    meetingMonths = m.reported ? m.months.size : null;
  }
  return {
    active: true,
    monthsReported,
    watchedTotal: s.watchedTotal,
    watchedElderly: s.watchedElderly,
    watchedDisability: s.watchedDisability,
    watchedSingleParent: s.watchedSingleParent,
    watchedOther: s.watchedOther,
    welfareCooperators: s.welfareCooperators,
    mutualAidCases: s.mutualAidCases,
    regularMeetings: meetingMonths === null ? null : meetingMonths >= index.input.regularMeetingMonths ? 1 : 0,
    meetingMonths,
    planFormulated,
    wellClubParticipants: s.wellClubParticipants,
    // ISO dates compare correctly as strings.
    salonsOpen: salons.filter((x) => x.openedOn <= yearEnd && (x.closedOn === null || x.closedOn > yearEnd)).length,
    planActive: plans.some((p) => p.firstFy <= fy && fy <= p.lastFy) ? 1 : 0,
  };
}

/**
 * The figures of record of `district` in fiscal year `fy`, from `input`
 * (which must hold that district's reports, salons and plans).
 */
export function districtYearFigures(district: DistrictSpan, fy: number, input: RollupInput): DistrictYearFigures {
  return figuresFromIndex(indexFor(input), district, fy);
}

/** The seven item values of a district's yearly figures. */
export function itemValues(f: DistrictYearFigures): Record<ItemNumber, number | null> {
  return { 1: f.watchedTotal, 2: f.mutualAidCases, 3: f.regularMeetings, 4: f.planFormulated, 5: f.wellClubParticipants, 6: f.salonsOpen, 7: f.planActive };
}

/** The household-table rows of a district's yearly figures. */
export function householdValues(f: DistrictYearFigures): Record<HouseholdRowKey, number | null> {
  return {
    welfare_cooperators: f.welfareCooperators,
    watched_elderly: f.watchedElderly,
    watched_disability: f.watchedDisability,
    watched_single_parent: f.watchedSingleParent,
    watched_other: f.watchedOther,
    watched_total: f.watchedTotal,
  };
}

/**
 * The seven yearly values of one district (null = contributes nothing).
 * A district listed in `input.districts` but inactive in `fiscalYear` contributes nothing to any item.
 */
export function rollupDistrictYear(
  districtId: number,
  fiscalYear: number,
  input: RollupInput,
): Record<ItemNumber, number | null> {
  const district = input.districts.find((d) => d.id === districtId) ?? { id: districtId, activeFrom: null, activeTo: null };
  return itemValues(districtYearFigures(district, fiscalYear, input));
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
  for (const n of [1, 2, 3, 4, 5, 6, 7] as const) cells[n] = { value: null, districtsReported: 0 };
  // Register-based counts are facts about every district, so 0 rather than blank.
  for (const n of [4, 6, 7] as const) cells[n].value = 0;
  for (const d of input.districts) {
    const items = itemValues(figuresFromIndex(index, d, fiscalYear));
    for (const n of [1, 2, 3, 4, 5, 6, 7] as const) addTo(cells[n], items[n]);
  }
  return cells;
}

/** The household-category table (seed 003 table 2) summed over the districts' figures of record. */
export function rollupHouseholds(fiscalYear: number, input: RollupInput): Record<HouseholdRowKey, CellValue> {
  const index = indexFor(input);
  const cell = (): CellValue => ({ value: null, districtsReported: 0 });
  const rows: Record<HouseholdRowKey, CellValue> = {
    welfare_cooperators: cell(),
    watched_elderly: cell(),
    watched_disability: cell(),
    watched_single_parent: cell(),
    watched_other: cell(),
    watched_total: cell(),
  };
  for (const d of input.districts) {
    const values = householdValues(figuresFromIndex(index, d, fiscalYear));
    for (const key of Object.keys(rows) as HouseholdRowKey[]) addTo(rows[key], values[key]);
  }
  return rows;
}
