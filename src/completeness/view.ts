/**
 * 報告状況: the data the completeness page lays out, built from the grid or the
 * ward summary (status.ts) without a server. Every label, symbol, count and
 * percentage the page shows is written here; the template only loops.
 */
import { formatCount } from '../domain/numbers.js';
import { monthLabelLong, monthLabelShort, warekiLong } from '../domain/fiscalYear.js';
import type { MonthReviewState } from '../reviews/status.js';
import type { CompletenessGrid, GridMonth, MonthCount, ReportStatus, WardSummary } from './status.js';

/** The mark of a month cell that is not reported (✗ overdue, — not yet due). */
export const STATUS_SYMBOLS: Record<ReportStatus, string> = { reported: '✓', overdue: '✗', awaiting: '—', upcoming: '—', inactive: '' };
/** The words read out for a month cell (title and screen readers). */
export const STATUS_TEXTS: Record<ReportStatus, string> = {
  reported: '報告済み',
  overdue: '期限超過（未報告）',
  awaiting: '未報告（期限前）',
  upcoming: 'まだ期限前',
  inactive: '対象外',
};

/** 区社協の確認 (DESIGN §7): a reported cell is 提出済み, 確認済み or 差し戻し. */
export type CellReview = Exclude<MonthReviewState, 'unreported'>;
export const REVIEW_SYMBOLS: Record<CellReview, string> = { submitted: '○', accepted: '✓', returned: '↩' };
export const REVIEW_TEXTS: Record<CellReview, string> = { submitted: '提出済み（区の確認待ち）', accepted: '確認済み', returned: '差し戻し' };

/** A reported share as one decimal percent (0.6 → 60.0%); '' without districts. */
export function shareText(share: number | null): string {
  return share === null ? '' : `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}

export interface CompletenessViewInput {
  fiscalYear: number;
  /** Fiscal years offered in the year picker, newest first. */
  years: readonly number[];
  /** 全市 or the ward's name. */
  scopeLabel: string;
  /** The wards city staff may pick; null hides the picker (ward staff). */
  wardChoices: readonly { id: number; name: string }[] | null;
  filter: { ward: number | null; gaps: boolean };
  dueDay: number;
  /** The district grid (a ward, or a small city), or null when the ward summary is shown. */
  grid: CompletenessGrid | null;
  summary: WardSummary | null;
  /** Review state of reported cells, keyed `${districtId}:${month}`; missing means 提出済み. */
  reviewStates: ReadonlyMap<string, CellReview>;
  /** The year is open, so submitted months can be accepted here. */
  yearOpen: boolean;
  /** Whole city shown: ward headings inside the grid and a city total. */
  showCity: boolean;
}

export interface CountCell {
  month: string;
  /** 「3/5」 */
  text: string;
  /** 「60.0%」, or null before the month is over while nothing was reported. */
  share: string | null;
}

export interface StatusCell {
  month: string;
  status: ReportStatus;
  review: CellReview | null;
  /** The visible mark (✓ ✗ — ○ ↩), unless a checkbox stands in its place. */
  symbol: string;
  /** The words for screen readers. */
  text: string;
  title: string;
  /** A checkbox to accept a submitted month, when reviewing is possible. */
  checkbox: { value: string; id: string; label: string } | null;
}

function monthHeads(months: readonly GridMonth[]) {
  return months.map((m) => {
    const no = Number(m.month.slice(5));
    // The era year is shown above April and January, where the year changes.
    return { month: m.month, year: no === 4 || no === 1 ? (monthLabelShort(m.month).split('.')[0] ?? '') : '', label: `${no}月` };
  });
}

function countCells(months: readonly GridMonth[], counts: readonly MonthCount[]): CountCell[] {
  return counts.map((c, i) => {
    const m = months[i]!;
    return { month: m.month, text: `${formatCount(c.reported)}/${formatCount(c.districts)}`, share: m.over || c.reported > 0 ? shareText(c.share) : null };
  });
}

const monthsText = (n: number) => `${formatCount(n)}か月`;

/** Everything the completeness page shows, from the grid or the ward summary. */
export function completenessView(input: CompletenessViewInput) {
  const { grid, summary, fiscalYear: fy } = input;
  const fyLabel = warekiLong(fy);
  const overdueTotal = summary ? summary.overdueTotal : (grid?.wards ?? []).reduce((n, w) => n + w.rows.reduce((k, r) => k + r.overdueCount, 0), 0);
  const districtTotal = summary ? summary.districtTotal : (grid?.wards ?? []).reduce((n, w) => n + w.rows.length, 0);
  const reviewOf = (districtId: number, month: string): CellReview => input.reviewStates.get(`${districtId}:${month}`) ?? 'submitted';

  const submittedByMonth = grid
    ? grid.months.map((m, i) =>
        grid.wards.reduce((n, b) => n + b.rows.filter((r) => r.statuses[i] === 'reported' && reviewOf(r.district.id, m.month) === 'submitted').length, 0),
      )
    : [];
  const canReview = grid !== null && input.yearOpen && submittedByMonth.some((n) => n > 0);

  const wardSummary = summary
    ? {
        months: monthHeads(summary.months),
        wards: summary.wards.map((w) => ({
          name: w.ward.name,
          url: `/completeness?fy=${summary.fiscalYear}&ward=${w.ward.id}`,
          districts: `${formatCount(w.districts)}校(地)区`,
          counts: countCells(summary.months, w.counts),
          overdue: monthsText(w.overdueCount),
        })),
        total: countCells(summary.months, summary.total),
        overdue: monthsText(overdueTotal),
      }
    : null;

  const districtGrid = grid
    ? {
        months: monthHeads(grid.months),
        columns: grid.months.length + 2,
        blocks: grid.wards.map((block) => ({
          name: block.ward.name,
          head: `${block.ward.name}（${formatCount(block.rows.length)}校(地)区）`,
          rows: (input.filter.gaps ? block.rows.filter((r) => r.overdueCount > 0) : block.rows).map((r) => ({
            code: r.district.code,
            name: r.district.name,
            url: `/districts/${encodeURIComponent(r.district.code)}/years/${grid.fiscalYear}`,
            cells: r.statuses.map((status, i): StatusCell => {
              const month = grid.months[i]!.month;
              const monthName = monthLabelLong(month);
              if (status !== 'reported') {
                return {
                  month,
                  status,
                  review: null,
                  symbol: STATUS_SYMBOLS[status],
                  text: STATUS_TEXTS[status],
                  title: `${monthName}：${STATUS_TEXTS[status]}`,
                  checkbox: null,
                };
              }
              const review = reviewOf(r.district.id, month);
              const checkbox =
                canReview && review === 'submitted'
                  ? { value: `${r.district.id}:${month}`, id: `rv-${r.district.id}-${month}`, label: `${r.district.name} ${monthName}を確認済みにする` }
                  : null;
              return {
                month,
                status,
                review,
                symbol: REVIEW_SYMBOLS[review],
                text: REVIEW_TEXTS[review],
                title: `${monthName}：${REVIEW_TEXTS[review]}`,
                checkbox,
              };
            }),
            overdue: r.overdueCount > 0 ? monthsText(r.overdueCount) : '',
          })),
          total: {
            label: `${block.ward.name} 報告数`,
            counts: countCells(grid.months, block.counts),
            overdue: monthsText(block.rows.reduce((n, r) => n + r.overdueCount, 0)),
          },
        })),
        cityTotal: input.showCity ? { counts: countCells(grid.months, grid.total), overdue: monthsText(overdueTotal) } : null,
        // The buttons that accept a whole month of submitted reports.
        reviewMonths: canReview
          ? grid.months.flatMap((m, i) => {
              const n = submittedByMonth[i] ?? 0;
              return n > 0 ? [{ month: m.month, label: `${monthLabelLong(m.month)}（提出済み ${formatCount(n)}件）` }] : [];
            })
          : [],
      }
    : null;

  const params = `fy=${fy}${input.filter.ward ? `&ward=${input.filter.ward}` : ''}`;
  return {
    title: `報告状況（${input.scopeLabel}・${fyLabel}）`,
    heading: `報告状況（${input.scopeLabel}・${fyLabel}）`,
    fiscalYear: fy,
    years: input.years.map((y) => ({ value: y, label: `${warekiLong(y)}（${y}年度）`, selected: y === fy })),
    wardChoices: input.wardChoices?.map((w) => ({ value: w.id, label: w.name, selected: w.id === input.filter.ward })) ?? null,
    filter: input.filter,
    overdueListUrl: `/completeness/overdue?${params}`,
    dueLegend: `期限（翌月${input.dueDay}日）を過ぎて未報告`,
    districtTotal: `${formatCount(districtTotal)}校(地)区。`,
    hasDistricts: districtTotal > 0,
    overdueTotal: overdueTotal > 0 ? formatCount(overdueTotal) : null,
    wardSummary,
    grid: districtGrid,
    canReview,
  };
}

export type CompletenessView = ReturnType<typeof completenessView>;
