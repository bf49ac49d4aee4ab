import type { FastifyInstance } from 'fastify';
import { guard } from '../guards/guard.js';
import type { Db } from '../db/index.js';
import type { CurrentUser } from '../auth/access.js';
import { getDistrictByCode, listDistricts, listWards } from '../districts/repository.js';
import { currentMonth, fiscalYearOfMonth, monthsOfFiscalYear, warekiLong } from '../domain/fiscalYear.js';
import { buildCompletenessGrid } from '../completeness/status.js';
import { reportedDistrictMonths } from '../completeness/repository.js';
import { successionBounds } from '../successions/repository.js';
import { isMonthInBounds, todayInJapan } from '../domain/due.js';
import { isDistrictActive } from '../domain/rollup.js';
import { isFiscalYearClosed } from '../fiscalYears/repository.js';
import { getSettings } from '../db/settings.js';
import { districtPath } from '../registers/routing.js';
import { listReturnedMonths } from '../reviews/repository.js';
import { hasReportedCounts, listMonthlyReports } from '../monthlyReports/repository.js';
import { monthsStillDue } from '../monthlyReports/status.js';

/**
 * What a district's home page lists: the months of this and last fiscal year
 * that are over and not reported, leaving out closed years (they cannot be entered).
 */
function districtHome(db: Db, user: CurrentUser) {
  const district = getDistrictByCode(db, user.districtCode ?? '');
  const month = currentMonth();
  const fy = fiscalYearOfMonth(month);
  const years = [fy - 1, fy].filter((y) => isDistrictActive(district, y) && !isFiscalYearClosed(db, y));
  // DESIGN §2: a merged or split district is due only on its side of the succession's first month.
  const bounds = successionBounds(db, [district.id]).get(district.id);
  const months = years.flatMap(monthsOfFiscalYear).filter((m) => isMonthInBounds(m, bounds));
  const reported = new Set(
    listMonthlyReports(db, district.id, months)
      .filter(hasReportedCounts)
      .map((r) => r.month),
  );
  const base = districtPath(district);
  return {
    district,
    // 区社協から差し戻された月 (DESIGN §7), listed first; a closed year cannot be corrected.
    returned: listReturnedMonths(db, district.id)
      .filter((r) => !isFiscalYearClosed(db, fiscalYearOfMonth(r.month)))
      .map((r) => ({ ...r, url: `${base}/reports/${r.month}` })),
    due: monthsStillDue(months, reported, todayInJapan(), getSettings(db).reportDueDay).map((d) => ({ ...d, url: `${base}/reports/${d.month}` })),
    currentMonth: month,
    currentMonthUrl: `${base}/reports/${month}`,
    currentMonthOpen: years.includes(fy),
    yearUrl: `${base}/years/${fy}`,
  };
}

/**
 * What a ward's home page shows first: how many district-months of this
 * fiscal year are past their due date and not reported (as on 報告状況), and
 * in how many districts, with a link to the grid showing only those.
 */
function wardHome(db: Db, user: CurrentUser) {
  const fy = fiscalYearOfMonth(currentMonth());
  const months = monthsOfFiscalYear(fy);
  const wardId = user.wardId ?? -1;
  const districts = listDistricts(db, { wardId });
  const grid = buildCompletenessGrid({
    fiscalYear: fy,
    wards: listWards(db).filter((w) => w.id === wardId),
    districts,
    reported: reportedDistrictMonths(
      db,
      months[0]!,
      months[11]!,
      districts.map((d) => d.id),
    ),
    today: todayInJapan(),
    dueDay: getSettings(db).reportDueDay,
    bounds: successionBounds(db),
  });
  const rows = grid.wards.flatMap((b) => b.rows);
  return {
    overdue: {
      fyLabel: warekiLong(fy),
      months: rows.reduce((n, r) => n + r.overdueCount, 0),
      districts: rows.filter((r) => r.overdueCount > 0).length,
      url: `/completeness?fy=${fy}&gaps=1`,
    },
  };
}

/** ホーム: a start page per role with the tasks that role does. */
export function homeRoutes(app: FastifyInstance): void {
  const { db } = app.database;
  app.get('/', { preHandler: guard.signedIn() }, async (request, reply) => {
    const user = request.user!;
    const extra = user.role === 'district' ? districtHome(db, user) : user.role === 'ward' ? wardHome(db, user) : {};
    return reply.viewAsync(`home/${user.role}`, { title: 'ホーム', styles: user.role === 'district' ? ['monthly.css'] : undefined, ...extra });
  });
}
