import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authorize, can } from '../auth/access.js';
import { NotFoundError } from '../errors.js';
import { currentFiscalYear, currentMonth, fiscalYearOfMonth, monthLabelLong, previousMonth, warekiLong } from '../domain/fiscalYear.js';
import { dueDate, todayInJapan } from '../domain/due.js';
import { isDistrictActive } from '../domain/rollup.js';
import { getSettings } from '../settings/repository.js';
import { reportedDistrictMonths } from '../completeness/repository.js';
import { reportKey, reportStatus, type ReportStatus } from '../completeness/status.js';
import { blankToUndefined, parseOr422 } from '../fiscalYears/routes.js';
import { listDistricts, listWards, type DistrictWithWard } from './repository.js';

const listQuery = z.object({
  ward: z.preprocess(blankToUndefined, z.coerce.number().int().positive().max(1_000_000_000).optional()),
  q: z.preprocess(blankToUndefined, z.string().max(50).optional()),
});

/** Folds what people type for a search: full-width to half-width, katakana to hiragana, no spaces. */
export function searchKey(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
    .replace(/\s+/g, '')
    .toLowerCase();
}

/** True when a district's name, kana reading or code contains the search text. */
export function matchesSearch(d: Pick<DistrictWithWard, 'name' | 'kana' | 'code'>, q: string): boolean {
  const key = searchKey(q);
  if (key === '') return true;
  return [d.name, d.kana, d.code].some((s) => searchKey(s).includes(key));
}

/** 令和4年度〜 / 〜令和4年度 / 平成30年度〜令和4年度; '' for a district that always existed. */
export function activeYearsText(d: Pick<DistrictWithWard, 'activeFrom' | 'activeTo'>): string {
  if (d.activeFrom === null && d.activeTo === null) return '';
  return `${d.activeFrom === null ? '' : warekiLong(d.activeFrom)}〜${d.activeTo === null ? '' : warekiLong(d.activeTo)}`;
}

function dueText(month: string, dueDay: number): string {
  const [, m, d] = dueDate(month, dueDay).split('-');
  return `期限 ${Number(m)}月${Number(d)}日`;
}

const STATUS_TEXT: Record<ReportStatus, string> = {
  reported: '報告済み',
  overdue: '期限超過',
  awaiting: '未報告',
  upcoming: '未報告',
  inactive: '対象外',
};

/** 校(地)区一覧: every district in the user's scope with its latest report status. */
export async function districtRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.database;

  app.get('/districts', async (request, reply) => {
    const user = request.user!;
    // District staff have one district: take them straight to it.
    if (user.role === 'district') return reply.redirect(`/districts/${encodeURIComponent(user.districtCode ?? '')}`, 303);
    const query = parseOr422(listQuery, request.query);
    const wardId = query.ward ?? (user.role === 'ward' ? (user.wardId ?? -1) : undefined);
    if (wardId !== undefined) authorize(user, 'read', { kind: 'ward', wardId });
    else authorize(user, 'read', { kind: 'city' });

    const today = todayInJapan();
    const thisMonth = currentMonth();
    const lastMonth = previousMonth(thisMonth);
    const { reportDueDay } = getSettings(db);
    const currentFy = currentFiscalYear();

    const all = listDistricts(db, wardId === undefined ? {} : { wardId });
    const shown = all.filter((d) => can(user, 'read', { kind: 'district', districtId: d.id, wardId: d.wardId }) && matchesSearch(d, query.q ?? ''));
    const reported = reportedDistrictMonths(db, lastMonth, thisMonth, shown.map((d) => d.id));
    const statusOf = (d: DistrictWithWard, month: string) => {
      const status = reportStatus({
        reported: reported.has(reportKey(d.id, month)),
        month,
        today,
        dueDay: reportDueDay,
        active: isDistrictActive(d, fiscalYearOfMonth(month)),
      });
      return { status, text: STATUS_TEXT[status], due: status === 'awaiting' || status === 'upcoming' ? dueText(month, reportDueDay) : '' };
    };
    const rows = shown.map((d) => {
      const activeNow = isDistrictActive(d, currentFy);
      // A merged district's records end with its last year; a future one's start with its first.
      const yearFy = activeNow ? currentFy : d.activeTo !== null && d.activeTo < currentFy ? d.activeTo : (d.activeFrom ?? currentFy);
      return {
        district: d,
        activeYears: activeYearsText(d),
        activeNow,
        lastMonth: statusOf(d, lastMonth),
        thisMonth: statusOf(d, thisMonth),
        yearUrl: `/districts/${encodeURIComponent(d.code)}/years/${yearFy}`,
        yearLabel: warekiLong(yearFy),
        historyUrl: `/districts/${encodeURIComponent(d.code)}/history`,
      };
    });
    const summary = {
      districts: rows.filter((r) => r.activeNow).length,
      reported: rows.filter((r) => r.lastMonth.status === 'reported').length,
      overdue: rows.filter((r) => r.lastMonth.status === 'overdue').length,
    };
    const allWards = listWards(db);
    const ward = wardId === undefined ? undefined : allWards.find((w) => w.id === wardId);
    if (wardId !== undefined && !ward) throw new NotFoundError('指定された区が見つかりません。');
    const scopeLabel = ward?.name ?? '全市';
    return reply.viewAsync('districts/index', {
      title: '校(地)区一覧',
      styles: ['admin.css'],
      rows,
      wards: user.role === 'city' ? allWards : [],
      filter: { ward: wardId ?? null, q: query.q ?? '' },
      scopeLabel,
      lastMonthLabel: monthLabelLong(lastMonth),
      thisMonthLabel: monthLabelLong(thisMonth),
      summary,
      dueDay: reportDueDay,
    });
  });
}
