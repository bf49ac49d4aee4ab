import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.js';
import type { CurrentUser } from '../auth/access.js';
import { getDistrictByCode } from '../districts/repository.js';
import { currentMonth, fiscalYearOfMonth, monthsOfFiscalYear } from '../domain/fiscalYear.js';
import { todayInJapan } from '../domain/due.js';
import { isDistrictActive } from '../domain/rollup.js';
import { isFiscalYearClosed } from '../fiscalYears/repository.js';
import { getSettings } from '../settings/repository.js';
import { districtPath } from '../registers/routing.js';
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
  const months = years.flatMap(monthsOfFiscalYear);
  const reported = new Set(listMonthlyReports(db, district.id, months).filter(hasReportedCounts).map((r) => r.month));
  const base = districtPath(district);
  return {
    district,
    due: monthsStillDue(months, reported, todayInJapan(), getSettings(db).reportDueDay).map((d) => ({ ...d, url: `${base}/reports/${d.month}` })),
    currentMonth: month,
    currentMonthUrl: `${base}/reports/${month}`,
    currentMonthOpen: years.includes(fy),
    yearUrl: `${base}/years/${fy}`,
  };
}

/** ホーム: a start page per role with the tasks that role does. */
export async function homeRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.database;
  app.get('/', async (request, reply) => {
    const user = request.user!;
    const extra = user.role === 'district' ? districtHome(db, user) : {};
    return reply.viewAsync(`home/${user.role}`, { title: 'ホーム', styles: user.role === 'district' ? ['monthly.css'] : undefined, ...extra });
  });
}
