/**
 * 期限超過の一覧: the data the overdue page lays out, built from the overdue
 * list (overdue.ts) without a server. Every label, date, count and link the
 * page shows is written here; the template only loops.
 */
import { formatCount } from '../domain/numbers.js';
import { formatDateLong } from '../domain/dates.js';
import { warekiLong } from '../domain/fiscalYear.js';
import { districtContactsUrl } from '../web/urls.js';
import type { OverdueWard } from './overdue.js';

/** Shown in place of a contact the district has not registered. */
export const NOT_REGISTERED = '未登録';

export interface OverdueViewInput {
  fiscalYear: number;
  /** Fiscal years offered in the year picker, newest first. */
  years: readonly number[];
  /** 全市 or the ward's name. */
  scopeLabel: string;
  /** The wards city staff may pick; null hides the picker (ward staff). */
  wardChoices: readonly { id: number; name: string }[] | null;
  /** The ward shown, or null for every ward. */
  ward: number | null;
  list: readonly OverdueWard[];
  /** 'YYYY-MM-DD' in Japan. */
  today: string;
}

/** The page's data: headings, pickers, links, the summary sentence and one table per ward. */
export function overdueView(input: OverdueViewInput) {
  const fyLabel = warekiLong(input.fiscalYear);
  const csvQuery = new URLSearchParams({ fy: String(input.fiscalYear), ...(input.ward === null ? {} : { ward: String(input.ward) }) });
  const districtCount = input.list.reduce((n, w) => n + w.districts.length, 0);
  const monthCount = input.list.reduce((n, w) => n + w.monthCount, 0);
  // Ward headings (and a line for a ward without overdue months) only when several wards are listed.
  const several = input.list.length > 1;
  return {
    title: `期限超過の一覧（${input.scopeLabel}・${fyLabel}）`,
    heading: `期限超過の一覧（${input.scopeLabel}・${fyLabel}）`,
    years: input.years.map((y) => ({ value: y, label: `${warekiLong(y)}（${y}年度）`, selected: y === input.fiscalYear })),
    wardChoices: input.wardChoices?.map((w) => ({ value: w.id, label: w.name, selected: w.id === input.ward })) ?? null,
    csvUrl: `/completeness/overdue.csv?${csvQuery.toString()}`,
    backUrl: `/completeness${input.ward ? `?ward=${input.ward}` : ''}`,
    /** 「…2校(地)区でのべ<strong>5</strong>か月分…」 when months are overdue, null when none is. */
    summary: monthCount > 0 ? { districts: formatCount(districtCount), months: formatCount(monthCount) } : null,
    todayLabel: formatDateLong(input.today),
    wards: input.list.map((w) => ({
      heading: several ? w.ward.name : null,
      caption: `${w.ward.name}の期限超過`,
      emptyNote: several && w.districts.length === 0 ? '期限を過ぎて未報告の月はありません。' : null,
      districts: w.districts.map((d) => ({
        name: d.name,
        code: d.code,
        contactName: d.contactName || NOT_REGISTERED,
        contactPhone: d.contactPhone || NOT_REGISTERED,
        contactEmail: d.contactEmail || NOT_REGISTERED,
        contactsUrl: districtContactsUrl(d),
        months: d.months.map((m) => `${m.label}（${formatDateLong(m.dueDate)}まで）`),
      })),
    })),
  };
}
