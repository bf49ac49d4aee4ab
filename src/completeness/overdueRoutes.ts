import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CurrentUser } from '../auth/access.js';
import { guard } from '../guards/guard.js';
import { currentFiscalYear, warekiLong } from '../domain/fiscalYear.js';
import { formatDateLong } from '../domain/dates.js';
import { todayInJapan } from '../domain/due.js';
import { getSettings } from '../db/settings.js';
import { listWards } from '../districts/repository.js';
import { blankToUndefined, fiscalYearParam, wardIdParam } from '../web/params.js';
import { parseInput } from '../web/replies.js';
import { contentDisposition, CSV_TYPE, toCsv } from '../web/files.js';
import { overdueList, type OverdueWard } from './overdue.js';
import { overdueView } from './overdueView.js';

const query = z.object({
  fy: z.preprocess(blankToUndefined, fiscalYearParam.optional()),
  ward: z.preprocess(blankToUndefined, wardIdParam.optional()),
});

/** Columns of /completeness/overdue.csv: one row per district and overdue month. */
export const OVERDUE_CSV_HEADER = ['区', '校(地)区コード', '校(地)区', '担当者名', '電話', 'メール', '未報告の月', '報告期限'];

/** The rows of the overdue CSV (contacts left blank when not registered). */
export function overdueCsvRows(list: readonly OverdueWard[]): string[][] {
  return list.flatMap((w) =>
    w.districts.flatMap((d) =>
      d.months.map((m) => [w.ward.name, d.code, d.name, d.contactName ?? '', d.contactPhone ?? '', d.contactEmail ?? '', m.label, formatDateLong(m.dueDate)]),
    ),
  );
}

/** 期限超過の一覧 (page, print, CSV): ward staff their ward, city staff one ward or every ward. */
export function overdueRoutes(app: FastifyInstance): void {
  const { db } = app.database;

  function load(request: FastifyRequest) {
    const user = request.user as CurrentUser;
    const q = parseInput(query, request.query);
    // The guard loaded the ward (ward staff: their own; city staff: the one chosen, or null for every ward).
    const wardId = request.ward?.id;
    const allWards = listWards(db);
    const fy = q.fy ?? currentFiscalYear();
    const today = todayInJapan();
    const list = overdueList(db, { fiscalYear: fy, wardIds: wardId === undefined ? undefined : [wardId], today, dueDay: getSettings(db).reportDueDay });
    const scopeLabel = request.ward?.name ?? '全市';
    return { user, fy, wardId, allWards, list, scopeLabel, today };
  }

  app.get('/completeness/overdue', { preHandler: guard.ward('read', { wholeCity: true }) }, async (request, reply) => {
    const { user, fy, wardId, allWards, list, scopeLabel, today } = load(request);
    return reply.viewAsync('completeness/overdue', {
      styles: ['admin.css', 'overdue.css'],
      ...overdueView({
        fiscalYear: fy,
        years: [...new Set([currentFiscalYear(), currentFiscalYear() - 1, fy])].sort((a, b) => b - a),
        scopeLabel,
        wardChoices: user.role === 'city' ? allWards : null,
        ward: wardId ?? null,
        list,
        today,
      }),
    });
  });

  app.get('/completeness/overdue.csv', { preHandler: guard.ward('read', { wholeCity: true }) }, async (request, reply) => {
    const { fy, list, scopeLabel } = load(request);
    const body = toCsv([{ name: '期限超過', header: OVERDUE_CSV_HEADER, rows: overdueCsvRows(list), widths: [] }]);
    return reply
      .header('content-type', CSV_TYPE)
      .header('content-disposition', contentDisposition(`期限超過_${scopeLabel}_${warekiLong(fy)}.csv`, `overdue_${fy}.csv`))
      .send(body);
  });
}
