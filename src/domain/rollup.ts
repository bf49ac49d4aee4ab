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

export interface RollupInput {
  districts: DistrictSpan[];
  reports: MonthlyFigures[];
  salons: SalonSpan[];
  plans: PlanSpan[];
  regularMeetingMonths: number;
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
  /** ① sum of the four categories in the latest month with any category reported */
  watchedTotal: number | null;
  /** each category in the latest month that category was reported */
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
  };
}

// Rolling up 5–10 years calls into the same input repeatedly; index it once.
// The cache is dropped if any array is replaced or changes length: treat inputs as immutable.
const indexCache = new WeakMap<RollupInput, { index: RollupIndex; lengths: string; arrays: unknown[] }>();

function indexFor(input: RollupInput): RollupIndex {
  const arrays = [input.districts, input.reports, input.salons, input.plans];
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

function watchedSum(r: Watched): number | null {
  // A month counts only if some category was reported; then blank categories are 0.
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
  let watchedTotal: number | null = null;
  for (const r of list) {
    watchedTotal = watchedSum(r);
    if (watchedTotal !== null) break;
  }
  let meetingMonths: number | null = null;
  for (const r of list) {
    if (r.coordinationMeetings === null || r.coordinationMeetings === undefined) continue;
    meetingMonths = (meetingMonths ?? 0) + (r.coordinationMeetings >= 1 ? 1 : 0);
  }
  return {
    watchedTotal,
    watchedElderly: latest('watchedElderly'),
    watchedDisability: latest('watchedDisability'),
    watchedSingleParent: latest('watchedSingleParent'),
    watchedOther: latest('watchedOther'),
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

function emptyItems(): Record<ItemNumber, number | null> {
  return { 1: null, 2: null, 3: null, 4: null, 5: null, 6: null, 7: null };
}

function itemsFromIndex(index: RollupIndex, districtId: number, fy: number): Record<ItemNumber, number | null> {
  const s = districtYearSummary(index, districtId, fy);
  const plans = index.plans.get(districtId) ?? [];
  const yearEnd = fiscalYearEndDate(fy);
  const salons = index.salons.get(districtId) ?? [];
  return {
    1: s.watchedTotal,
    2: s.mutualAidCases,
    3: s.meetingMonths === null ? null : s.meetingMonths >= index.input.regularMeetingMonths ? 1 : 0,
    4: plans.some((p) => p.formulatedFy === fy) ? 1 : 0,
    5: s.wellClubParticipants,
    // ISO dates compare correctly as strings.
    6: salons.filter((x) => x.openedOn <= yearEnd && (x.closedOn === null || x.closedOn > yearEnd)).length,
    7: plans.some((p) => p.firstFy <= fy && fy <= p.lastFy) ? 1 : 0,
  };
}

/**
 * The seven yearly values of one district (null = contributes nothing).
 * A district listed in `input.districts` but inactive in `fy` contributes nothing to any item.
 */
export function rollupDistrictYear(
  districtId: number,
  fiscalYear: number,
  input: RollupInput,
): Record<ItemNumber, number | null> {
  const district = input.districts.find((d) => d.id === districtId);
  if (district && !isDistrictActive(district, fiscalYear)) return emptyItems();
  return itemsFromIndex(indexFor(input), districtId, fiscalYear);
}

function addTo(cell: CellValue, v: number | null): void {
  if (v === null) return;
  cell.value = (cell.value ?? 0) + v;
  cell.districtsReported++;
}

/** The seven yearly values summed over the districts of `input` active in `fiscalYear`. */
export function rollupYear(fiscalYear: number, input: RollupInput): Record<ItemNumber, CellValue> {
  const index = indexFor(input);
  const cells = {} as Record<ItemNumber, CellValue>;
  for (const n of [1, 2, 3, 4, 5, 6, 7] as const) cells[n] = { value: null, districtsReported: 0 };
  // Register-based counts are facts about every district, so 0 rather than blank.
  for (const n of [4, 6, 7] as const) cells[n].value = 0;
  for (const d of input.districts) {
    if (!isDistrictActive(d, fiscalYear)) continue;
    const items = itemsFromIndex(index, d.id, fiscalYear);
    for (const n of [1, 2, 3, 4, 5, 6, 7] as const) addTo(cells[n], items[n]);
  }
  return cells;
}

/** The household-category table (seed 003 table 2) summed over the districts active in `fiscalYear`. */
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
    if (!isDistrictActive(d, fiscalYear)) continue;
    const s = districtYearSummary(index, d.id, fiscalYear);
    addTo(rows.welfare_cooperators, s.welfareCooperators);
    addTo(rows.watched_elderly, s.watchedElderly);
    addTo(rows.watched_disability, s.watchedDisability);
    addTo(rows.watched_single_parent, s.watchedSingleParent);
    addTo(rows.watched_other, s.watchedOther);
    addTo(rows.watched_total, s.watchedTotal);
  }
  return rows;
}
