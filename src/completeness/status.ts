// Pure: which district-months have been reported, and what is missing (DESIGN §7).
import { isMonthInBounds, isMonthOver, isOverdue, dueDate, reportKey, reportStatus, type ReportStatus, type ReportingBounds } from '../domain/due.js';
import { isDistrictActive, type DistrictSpan } from '../domain/rollup.js';
import { monthsOfFiscalYear } from '../domain/fiscalYear.js';

// The status of one district-month is domain logic (src/domain/due.ts), shared with the district list.
export { reportKey, reportStatus, type ReportStatus } from '../domain/due.js';

export interface GridDistrict extends DistrictSpan {
  code: string;
  name: string;
  wardId: number;
}

export interface GridWard {
  id: number;
  name: string;
}

export interface GridMonth {
  month: string;
  /** 'YYYY-MM-DD' the month's report is due. */
  dueDate: string;
  /** True once the month has ended, so a report can be expected. */
  over: boolean;
}

export interface MonthCount {
  reported: number;
  /** Districts existing in the fiscal year (the denominator). */
  districts: number;
  /** reported / districts; null when there are no districts. */
  share: number | null;
}

export interface GridRow {
  district: GridDistrict;
  statuses: ReportStatus[];
  reportedCount: number;
  overdueCount: number;
}

export interface GridWardBlock {
  ward: GridWard;
  rows: GridRow[];
  counts: MonthCount[];
}

export interface CompletenessGrid {
  fiscalYear: number;
  months: GridMonth[];
  wards: GridWardBlock[];
  /** Counts over every ward shown (the whole city for city staff). */
  total: MonthCount[];
}

function count(reported: number, districts: number): MonthCount {
  return { reported, districts, share: districts > 0 ? reported / districts : null };
}

/**
 * Builds the districts × months grid of one fiscal year. `districts` come in
 * display order; districts that did not exist in the year are left out.
 */
export function buildCompletenessGrid(input: {
  fiscalYear: number;
  wards: readonly GridWard[];
  districts: readonly GridDistrict[];
  reported: ReadonlySet<string>;
  today: string;
  dueDay: number;
  /** Districts of succession events: months outside their bounds are not theirs to report (DESIGN §2). */
  bounds?: ReadonlyMap<number, ReportingBounds>;
}): CompletenessGrid {
  const fy = input.fiscalYear;
  const months: GridMonth[] = monthsOfFiscalYear(fy).map((month) => ({
    month,
    dueDate: dueDate(month, input.dueDay),
    over: isMonthOver(month, input.today),
  }));
  const active = input.districts.filter((d) => isDistrictActive(d, fy));
  const wards: GridWardBlock[] = [];
  for (const ward of input.wards) {
    const rows: GridRow[] = active
      .filter((d) => d.wardId === ward.id)
      .map((district) => {
        const bounds = input.bounds?.get(district.id);
        const statuses = months.map((m) =>
          reportStatus({
            reported: input.reported.has(reportKey(district.id, m.month)),
            month: m.month,
            today: input.today,
            dueDay: input.dueDay,
            active: isMonthInBounds(m.month, bounds),
          }),
        );
        return {
          district,
          statuses,
          reportedCount: statuses.filter((s) => s === 'reported').length,
          overdueCount: statuses.filter((s) => s === 'overdue').length,
        };
      });
    const counts = months.map((_, i) =>
      count(rows.filter((r) => r.statuses[i] === 'reported').length, rows.filter((r) => r.statuses[i] !== 'inactive').length),
    );
    wards.push({ ward, rows, counts });
  }
  const total = months.map((_, i) =>
    count(
      wards.reduce((n, w) => n + (w.counts[i]?.reported ?? 0), 0),
      wards.reduce((n, w) => n + (w.counts[i]?.districts ?? 0), 0),
    ),
  );
  return { fiscalYear: fy, months, wards, total };
}

export interface WardSummaryRow {
  ward: GridWard;
  /** Active districts of the ward in the year. */
  districts: number;
  counts: MonthCount[];
  /** District-months past their due day without a report. */
  overdueCount: number;
}

export interface WardSummary {
  fiscalYear: number;
  months: GridMonth[];
  wards: WardSummaryRow[];
  total: MonthCount[];
  overdueTotal: number;
  districtTotal: number;
}

/**
 * The city's completeness by ward: for each ward and month, reported / active
 * districts, and the overdue district-months (the same rules as the grid,
 * counted instead of listed).
 */
export function buildWardSummary(input: {
  fiscalYear: number;
  wards: readonly GridWard[];
  /** Active districts per ward id. */
  districts: ReadonlyMap<number, number>;
  /** Reported active district-months per `${wardId}:${month}`. */
  reported: ReadonlyMap<string, number>;
  today: string;
  dueDay: number;
  /** Active districts of a ward not due in a month because of a succession, per `${wardId}:${month}` (DESIGN §2). */
  notDue?: ReadonlyMap<string, number>;
}): WardSummary {
  const fy = input.fiscalYear;
  const months: GridMonth[] = monthsOfFiscalYear(fy).map((month) => ({ month, dueDate: dueDate(month, input.dueDay), over: isMonthOver(month, input.today) }));
  const overdueMonth = months.map((m) => isOverdue(m.month, input.today, input.dueDay));
  const wards = input.wards
    .map((ward) => {
      const n = input.districts.get(ward.id) ?? 0;
      const counts = months.map((m) => count(input.reported.get(`${ward.id}:${m.month}`) ?? 0, n - (input.notDue?.get(`${ward.id}:${m.month}`) ?? 0)));
      const overdueCount = counts.reduce((sum, c, i) => sum + (overdueMonth[i] ? c.districts - c.reported : 0), 0);
      return { ward, districts: n, counts, overdueCount };
    })
    .filter((w) => w.districts > 0);
  const districtTotal = wards.reduce((n, w) => n + w.districts, 0);
  const total = months.map((_, i) =>
    count(
      wards.reduce((n, w) => n + (w.counts[i]?.reported ?? 0), 0),
      wards.reduce((n, w) => n + (w.counts[i]?.districts ?? 0), 0),
    ),
  );
  return { fiscalYear: fy, months, wards, total, overdueTotal: wards.reduce((n, w) => n + w.overdueCount, 0), districtTotal };
}
