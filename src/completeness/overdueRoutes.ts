import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorize, type CurrentUser } from '../auth/access.js';
import { NotFoundError } from '../errors.js';
import { currentFiscalYear, warekiLong } from '../domain/fiscalYear.js';
import { formatDateLong } from '../domain/dates.js';
import { todayInJapan } from '../domain/due.js';
import { getSettings } from '../settings/repository.js';
import { listWards } from '../districts/repository.js';
import { blankToUndefined, fiscalYearParam, parseOr422 } from '../fiscalYears/routes.js';
import { contentDisposition, CSV_TYPE, toCsv } from '../exports/files.js';
import { overdueList, type OverdueWard } from './overdue.js';

const query = z.object({
  fy: z.preprocess(blankToUndefined, fiscalYearParam.optional()),
  ward: z.preprocess(blankToUndefined, z.coerce.number().int().positive().max(1_000_000_000).optional()),
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
export async function overdueRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.database;

  function load(request: FastifyRequest) {
    const user = request.user as CurrentUser;
    const q = parseOr422(query, request.query);
    const wardId = q.ward ?? (user.role === 'ward' ? (user.wardId ?? -1) : undefined);
    authorize(user, 'read', wardId === undefined ? { kind: 'city' } : { kind: 'ward', wardId });
    const allWards = listWards(db);
    if (wardId !== undefined && !allWards.some((w) => w.id === wardId)) throw new NotFoundError('指定された区が見つかりません。');
    const fy = q.fy ?? currentFiscalYear();
    const list = overdueList(db, { fiscalYear: fy, wardIds: wardId === undefined ? undefined : [wardId], today: todayInJapan(), dueDay: getSettings(db).reportDueDay });
    const scopeLabel = wardId === undefined ? '全市' : allWards.find((w) => w.id === wardId)!.name;
    return { user, fy, wardId, allWards, list, scopeLabel };
  }

  app.get('/completeness/overdue', { config: { roles: ['ward', 'city'] } }, async (request, reply) => {
    const { user, fy, wardId, allWards, list, scopeLabel } = load(request);
    const csvQuery = new URLSearchParams({ fy: String(fy), ...(wardId === undefined ? {} : { ward: String(wardId) }) });
    return reply.viewAsync('completeness/overdue', {
      title: `期限超過の一覧（${scopeLabel}・${warekiLong(fy)}）`,
      styles: ['admin.css', 'overdue.css'],
      list,
      scopeLabel,
      fy,
      fyLabel: warekiLong(fy),
      years: [...new Set([currentFiscalYear(), currentFiscalYear() - 1, fy])].sort((a, b) => b - a).map((y) => ({ fiscalYear: y, label: `${warekiLong(y)}（${y}年度）` })),
      wards: user.role === 'city' ? allWards : [],
      filter: { ward: wardId ?? null },
      csvUrl: `/completeness/overdue.csv?${csvQuery.toString()}`,
      districtCount: list.reduce((n, w) => n + w.districts.length, 0),
      monthCount: list.reduce((n, w) => n + w.monthCount, 0),
      formatDate: formatDateLong,
      todayLabel: formatDateLong(todayInJapan()),
    });
  });

  app.get('/completeness/overdue.csv', { config: { roles: ['ward', 'city'] } }, async (request, reply) => {
    const { fy, list, scopeLabel } = load(request);
    const body = toCsv([{ name: '期限超過', header: OVERDUE_CSV_HEADER, rows: overdueCsvRows(list), widths: [] }]);
    return reply
      .header('content-type', CSV_TYPE)
      .header('content-disposition', contentDisposition(`期限超過_${scopeLabel}_${warekiLong(fy)}.csv`, `overdue_${fy}.csv`))
      .send(body);
  });
}
