/**
 * 校(地)区一覧: the data the district list lays out, built without a server.
 * The status words, marks, due dates and links are written here; the template only loops.
 */
import { fiscalYearOfMonth, monthLabelLong, previousMonth, warekiLong } from '../domain/fiscalYear.js';
import { dueDate } from '../domain/due.js';
import { formatCount } from '../domain/numbers.js';
import { isDistrictActive } from '../domain/rollup.js';
import { reportKey, reportStatus, type ReportStatus } from '../domain/due.js';
import type { DistrictWithWard } from './repository.js';
import { districtHistoryUrl, districtUrl, districtYearUrl } from '../web/urls.js';

/** 令和4年度〜 / 〜令和4年度 / 平成30年度〜令和4年度; '' for a district that always existed. */
export function activeYearsText(d: Pick<DistrictWithWard, 'activeFrom' | 'activeTo'>): string {
  if (d.activeFrom === null && d.activeTo === null) return '';
  return `${d.activeFrom === null ? '' : warekiLong(d.activeFrom)}〜${d.activeTo === null ? '' : warekiLong(d.activeTo)}`;
}

/** 「期限 6月10日」: when a month's report is due. */
export function dueText(month: string, dueDay: number): string {
  const [, m, d] = dueDate(month, dueDay).split('-');
  return `期限 ${Number(m)}月${Number(d)}日`;
}

/** The badge of a month's report in the list: its class, its mark (hidden from screen readers) and its words. */
export interface StatusBadge {
  kind: 'reported' | 'overdue' | 'inactive' | 'pending';
  mark: string;
  text: string;
}

export const STATUS_BADGES: Record<ReportStatus, StatusBadge> = {
  reported: { kind: 'reported', mark: '✓ ', text: '報告済み' },
  overdue: { kind: 'overdue', mark: '✗ ', text: '期限超過' },
  awaiting: { kind: 'pending', mark: '', text: '未報告' },
  upcoming: { kind: 'pending', mark: '', text: '未報告' },
  inactive: { kind: 'inactive', mark: '', text: '対象外' },
};

export interface DistrictListInput {
  /** The districts shown (already limited to the user's scope and the search). */
  districts: readonly DistrictWithWard[];
  /** Reported district-months of last and this month, keyed by reportKey. */
  reported: ReadonlySet<string>;
  today: string;
  /** 'YYYY-MM' of today in Japan. */
  thisMonth: string;
  dueDay: number;
  currentFiscalYear: number;
  /** 全市 or the ward's name. */
  scopeLabel: string;
  /** City staff: add and edit districts, pick a ward. */
  canManage: boolean;
  wards: readonly { id: number; name: string }[];
  filter: { ward: number | null; q: string };
}

/** Everything the district list shows. */
export function districtListView(input: DistrictListInput) {
  const { thisMonth, dueDay, currentFiscalYear: currentFy } = input;
  const lastMonth = previousMonth(thisMonth);
  const statusOf = (d: DistrictWithWard, month: string) => {
    const status = reportStatus({
      reported: input.reported.has(reportKey(d.id, month)),
      month,
      today: input.today,
      dueDay,
      active: isDistrictActive(d, fiscalYearOfMonth(month)),
    });
    return { status, ...STATUS_BADGES[status], due: status === 'awaiting' || status === 'upcoming' ? dueText(month, dueDay) : '' };
  };
  const rows = input.districts.map((d) => {
    const activeNow = isDistrictActive(d, currentFy);
    // A merged district's records end with its last year; a future one's start with its first.
    const yearFy = activeNow ? currentFy : d.activeTo !== null && d.activeTo < currentFy ? d.activeTo : (d.activeFrom ?? currentFy);
    const base = districtUrl(d);
    return {
      district: d,
      activeYears: activeYearsText(d),
      activeNow,
      lastMonth: statusOf(d, lastMonth),
      thisMonth: statusOf(d, thisMonth),
      yearUrl: districtYearUrl(d, yearFy),
      yearLabel: `${warekiLong(yearFy)}の記録`,
      historyUrl: districtHistoryUrl(d),
      links: [
        { url: `${base}/salons`, text: 'サロン', label: `${d.name}のサロン` },
        { url: `${base}/plans`, text: '計画', label: `${d.name}の計画` },
        { url: `${base}/case-studies`, text: '取組事例', label: `${d.name}の取組事例` },
        { url: `${base}/contacts`, text: '連絡先', label: `${d.name}の連絡先` },
        ...(input.canManage ? [{ url: `${base}/edit`, text: '編集', label: `${d.name}の編集` }] : []),
      ],
    };
  });
  const active = rows.filter((r) => r.activeNow).length;
  const reportedCount = rows.filter((r) => r.lastMonth.status === 'reported').length;
  const overdue = rows.filter((r) => r.lastMonth.status === 'overdue').length;
  return {
    title: '校(地)区一覧',
    heading: `校(地)区一覧（${input.scopeLabel}）`,
    canManage: input.canManage,
    wardChoices: input.canManage ? input.wards.map((w) => ({ value: w.id, label: w.name, selected: w.id === input.filter.ward })) : null,
    q: input.filter.q,
    filtered: input.filter.q !== '' || (input.canManage && input.filter.ward !== null),
    lastMonthLabel: monthLabelLong(lastMonth),
    thisMonthLabel: monthLabelLong(thisMonth),
    summary: { districts: formatCount(active), reported: formatCount(reportedCount), overdue: overdue > 0 ? formatCount(overdue) : null },
    shownText: `${formatCount(rows.length)}件を表示しています。月次報告の期限は翌月${dueDay}日です。`,
    rows,
  };
}

export type DistrictListView = ReturnType<typeof districtListView>;
