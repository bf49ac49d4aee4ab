import type { FastifyInstance, FastifyReply } from 'fastify';
import { guard, loadedDistrict } from '../guards/guard.js';
import type { CurrentUser } from '../auth/access.js';
import type { Db } from '../db/index.js';
import type { DistrictWithWard } from '../districts/repository.js';
import { z } from 'zod';
import { monthLabelLong } from '../domain/fiscalYear.js';
import { ConflictError, ValidationError } from '../errors.js';
import { httpStatusOf } from '../web/errors.js';
import { districtMonthPathParams } from '../web/params.js';
import { parsePath } from '../web/replies.js';
import { districtPath } from '../registers/routing.js';
import { acceptMonths, authorizeReview, returnMonth, reviewStatesInRange } from './repository.js';
import { listDistricts } from '../districts/repository.js';
import { isMonth } from '../domain/fiscalYear.js';

const reviewBodySchema = z.object({
  decision: z.enum(['accept', 'return']),
  comment: z.string().max(5000).optional(),
});

const items = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? (v as unknown[]) : [v]),
  z.array(z.string().regex(/^\d{1,10}:\d{4}-\d{2}$/)).max(10_000),
);
const bulkBodySchema = z.object({
  item: items.optional(),
  month: z.string().refine(isMonth).optional(),
  fy: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  ward: z
    .string()
    .regex(/^\d{1,10}$/)
    .optional(),
  gaps: z.literal('1').optional(),
});

/** Renders the monthly report page with the review box as posted (the monthly reports feature's, handed in by app.ts). */
export type ReportPageRenderer = (
  reply: FastifyReply,
  db: Db,
  user: CurrentUser,
  district: DistrictWithWard,
  month: string,
  review?: { comment?: string; error?: string | null },
) => Promise<unknown>;

/**
 * 区社協の確認 (DESIGN §7) of one month, from the monthly report page, and of many from the completeness grid.
 * The monthly page itself belongs to monthly reports: app.ts hands its renderer in, so neither feature imports
 * the other's routes.
 */
export function reviewRoutes(app: FastifyInstance, options: { renderReportPage: ReportPageRenderer }): void {
  const { db } = app.database;
  const { renderReportPage } = options;

  app.post('/districts/:code/reports/:month/review', { preHandler: guard.district('write') }, async (request, reply) => {
    const { month } = parsePath(districtMonthPathParams, request.params);
    const user = request.user!;
    const district = loadedDistrict(request);
    // Writing to the district is not enough: reviewing is ward and city work (the domain's rule, with its own message).
    authorizeReview(db, user, district.id);
    const parsed = reviewBodySchema.safeParse(request.body ?? {});
    const comment = typeof (request.body as { comment?: unknown } | null)?.comment === 'string' ? (request.body as { comment: string }).comment : '';
    if (!parsed.success) {
      reply.code(422);
      return renderReportPage(reply, db, user, district, month, { comment, error: '「確認済みにする」か「差し戻す」を押してください。' });
    }
    const reportUrl = `${districtPath(district)}/reports/${month}`;
    try {
      if (parsed.data.decision === 'accept') {
        acceptMonths(db, [{ districtId: district.id, month }], user);
        request.session.flash = `${district.name}の${monthLabelLong(month)}の報告を確認済みにしました。`;
      } else {
        returnMonth(db, { districtId: district.id, month, comment }, user);
        request.session.flash = `${district.name}の${monthLabelLong(month)}の報告を差し戻しました。`;
      }
    } catch (err) {
      // Errors beside the review box, what was typed kept; 403 and the like go to the error page.
      if (err instanceof ValidationError || err instanceof ConflictError) {
        reply.code(httpStatusOf(err));
        const message = err instanceof ValidationError ? (err.fieldErrors.comment ?? err.message) : err.message;
        return renderReportPage(reply, db, user, district, month, { comment, error: message });
      }
      throw err;
    }
    return reply.redirect(reportUrl, 303);
  });

  // Ward staff review their ward's months, city staff any ward's (each month is checked again as it is saved).
  app.post('/completeness/review', { preHandler: guard.ward('write', { wholeCity: true }) }, async (request, reply) => {
    const user = request.user!;
    const parsed = bulkBodySchema.safeParse(request.body ?? {});
    if (!parsed.success) throw new ValidationError({}, '送信された内容を読み取れませんでした。報告状況の画面を開き直してください。');
    const body = parsed.data;
    const back = `/completeness?${new URLSearchParams({ ...(body.fy ? { fy: body.fy } : {}), ...(body.ward ? { ward: body.ward } : {}), ...(body.gaps ? { gaps: '1' } : {}) }).toString()}`;
    let refs: { districtId: number; month: string }[];
    if (body.month) {
      // Every 提出済み month of the scope shown: the user's ward, or the chosen ward, or the city.
      const wardId = request.ward?.id ?? (body.ward ? Number(body.ward) : undefined);
      const ids = listDistricts(db, wardId === undefined ? {} : { wardId }).map((d) => d.id);
      refs = [...reviewStatesInRange(db, body.month, body.month, ids)]
        .filter(([, st]) => st === 'submitted')
        .map(([key]) => ({ districtId: Number(key.split(':')[0]), month: body.month! }));
    } else {
      refs = (body.item ?? []).map((key) => ({ districtId: Number(key.split(':')[0]), month: key.split(':')[1]! }));
    }
    refs = refs.filter((r) => isMonth(r.month));
    if (refs.length === 0) {
      request.session.flash = '確認済みにする月が選ばれていません。○（提出済み）の月にチェックを入れてください。';
      return reply.redirect(back, 303);
    }
    try {
      const n = acceptMonths(db, refs, user);
      request.session.flash = `${n.toLocaleString('ja-JP')}か月分の報告を確認済みにしました。`;
    } catch (err) {
      if (err instanceof ConflictError) {
        request.session.flash = `確認済みにできませんでした（何も変えていません）：${err.message}`;
        return reply.redirect(back, 303);
      }
      throw err;
    }
    return reply.redirect(back, 303);
  });
}
