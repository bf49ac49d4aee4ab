import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { guard } from '../guards/guard.js';
import { currentFiscalYear, fiscalYearBounds } from '../domain/fiscalYear.js';
import { todayInJapan } from '../domain/due.js';
import { getSettings } from '../db/settings.js';
import { listDistricts, listWards } from '../districts/repository.js';
import { blankToUndefined, fiscalYearParam, wardIdParam } from '../web/params.js';
import { parseInput } from '../web/replies.js';
import { buildCompletenessGrid, buildWardSummary } from './status.js';
import { activeDistrictCount, reportedDistrictMonths, wardMonthCounts } from './repository.js';
import { fiscalYearsOfScope } from '../figures/dataYears.js';
import { notDueByWardMonth, successionBounds } from '../successions/repository.js';
import { reviewStatesInRange } from '../reviews/repository.js';
import { isFiscalYearClosed } from '../fiscalYears/repository.js';
import { completenessView, type CellReview } from './view.js';

/**
 * Above this many districts the city's page shows one row per ward (each
 * linking to its ward's grid) instead of every district; `view=wards` asks
 * for the ward rows at any size.
 */
export const CITY_GRID_MAX_DISTRICTS = 300;

const query = z.object({
  fy: z.preprocess(blankToUndefined, fiscalYearParam.optional()),
  ward: z.preprocess(blankToUndefined, wardIdParam.optional()),
  view: z.preprocess(blankToUndefined, z.enum(['wards', 'districts']).optional()),
  /** Only the districts with overdue months (the gaps), out of a long grid. */
  gaps: z.preprocess(blankToUndefined, z.literal('1').optional()),
});

/** 報告状況: which districts have reported each month of a fiscal year. */
export function completenessRoutes(app: FastifyInstance): void {
  const { db } = app.database;

  // Ward staff see their own ward; city staff the whole city or one ward.
  app.get('/completeness', { preHandler: guard.ward('read', { wholeCity: true }) }, async (request, reply) => {
    const user = request.user!;
    const q = parseInput(query, request.query);
    const wardId = request.ward?.id;

    const current = currentFiscalYear();
    const fy = q.fy ?? current;
    const allWards = listWards(db);
    const wards = request.ward ? [request.ward] : allWards;
    const range = fiscalYearBounds(fy);
    const { reportDueDay } = getSettings(db);
    const today = todayInJapan();
    // A large city is shown by ward: counts per ward and month, a ward's grid one click away.
    const byWard = wardId === undefined && q.view !== 'districts' && (q.view === 'wards' || activeDistrictCount(db, fy) > CITY_GRID_MAX_DISTRICTS);
    let grid = null;
    let summary = null;
    let reviewStates: ReadonlyMap<string, CellReview> = new Map();
    if (byWard) {
      const counts = wardMonthCounts(db, fy, range.first, range.last);
      summary = buildWardSummary({
        fiscalYear: fy,
        wards,
        districts: counts.districts,
        reported: counts.reported,
        today,
        dueDay: reportDueDay,
        notDue: notDueByWardMonth(db, fy),
      });
    } else {
      const districts = listDistricts(db, wardId === undefined ? {} : { wardId });
      const reported = reportedDistrictMonths(db, range.first, range.last, wardId === undefined ? undefined : districts.map((d) => d.id));
      const bounds = successionBounds(db);
      grid = buildCompletenessGrid({ fiscalYear: fy, wards, districts, reported, today, dueDay: reportDueDay, bounds });
      // 区社協の確認 (DESIGN §7): 提出済み / 確認済み / 差し戻し of every reported cell.
      reviewStates = reviewStatesInRange(db, range.first, range.last, wardId === undefined ? undefined : districts.map((d) => d.id));
    }

    // Years with reports: one index step per year, not a count over every report.
    const years = [...new Set([...fiscalYearsOfScope(db, { type: 'city', id: 0 }, { published: false }), current, fy])].sort((a, b) => b - a);
    return reply.viewAsync('completeness/index', {
      styles: ['admin.css', 'completeness.css'],
      mainClass: 'wide',
      ...completenessView({
        fiscalYear: fy,
        years,
        scopeLabel: wardId === undefined ? '全市' : (wards[0]?.name ?? ''),
        wardChoices: user.role === 'city' ? allWards : null,
        filter: { ward: wardId ?? null, gaps: q.gaps === '1' },
        dueDay: reportDueDay,
        grid,
        summary,
        reviewStates,
        // Accepting many at once: ward and city staff, while the year is open.
        yearOpen: !isFiscalYearClosed(db, fy),
        showCity: wardId === undefined,
      }),
    });
  });
}
