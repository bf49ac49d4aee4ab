/**
 * 期限超過の一覧: for each district of a ward, the months of a fiscal year past
 * their due day without a report, with the district's contacts (DESIGN §7).
 * The same rules as the completeness grid (buildCompletenessGrid): districts
 * that did not exist in the year and months outside a succession's bounds
 * (対象外) are never overdue.
 */
import type { Db } from '../db/index.js';
import { fiscalYearBounds, monthLabelLong } from '../domain/fiscalYear.js';
import { listDistricts, listWards } from '../districts/repository.js';
import { successionBounds } from '../successions/repository.js';
import { reportedDistrictMonths } from './repository.js';
import { buildCompletenessGrid } from './status.js';

export interface OverdueMonth {
  month: string;
  /** 令和6年10月 */
  label: string;
  /** 'YYYY-MM-DD' the report was due. */
  dueDate: string;
}

export interface OverdueDistrict {
  code: string;
  name: string;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  months: OverdueMonth[];
}

export interface OverdueWard {
  ward: { id: number; name: string };
  districts: OverdueDistrict[];
  /** District-months overdue in the ward. */
  monthCount: number;
}

/**
 * The overdue list of one fiscal year for the given wards (undefined: every
 * ward), in ward order then district kana order; wards without overdue months
 * are kept (with no districts) so a page can say so.
 */
export function overdueList(db: Db, input: { fiscalYear: number; wardIds?: readonly number[]; today: string; dueDay: number }): OverdueWard[] {
  const allWards = listWards(db);
  const wards = input.wardIds === undefined ? allWards : allWards.filter((w) => input.wardIds!.includes(w.id));
  const districts = listDistricts(db).filter((d) => wards.some((w) => w.id === d.wardId));
  const range = fiscalYearBounds(input.fiscalYear);
  const reported = reportedDistrictMonths(
    db,
    range.first,
    range.last,
    districts.map((d) => d.id),
  );
  const bounds = successionBounds(
    db,
    districts.map((d) => d.id),
  );
  const grid = buildCompletenessGrid({ fiscalYear: input.fiscalYear, wards, districts, reported, today: input.today, dueDay: input.dueDay, bounds });
  const byId = new Map(districts.map((d) => [d.id, d]));
  return grid.wards.map((block) => {
    const list: OverdueDistrict[] = block.rows
      .filter((r) => r.overdueCount > 0)
      .map((r) => {
        const d = byId.get(r.district.id)!;
        return {
          code: d.code,
          name: d.name,
          contactName: d.contactName ?? null,
          contactPhone: d.contactPhone ?? null,
          contactEmail: d.contactEmail ?? null,
          months: grid.months
            .filter((_, i) => r.statuses[i] === 'overdue')
            .map((m) => ({ month: m.month, label: monthLabelLong(m.month), dueDate: m.dueDate })),
        };
      });
    return { ward: { id: block.ward.id, name: block.ward.name }, districts: list, monthCount: list.reduce((n, d) => n + d.months.length, 0) };
  });
}
