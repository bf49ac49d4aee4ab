import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorize, can, type CurrentUser } from '../auth/access.js';
import { districtTarget, listDistricts, listWards } from '../districts/repository.js';
import type { Db } from '../db/index.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { currentFiscalYear, parseFiscalYear } from '../domain/fiscalYear.js';
import { DEFAULT_THRESHOLDS, parseBasis, type TrendBasis, type TrendThresholds } from '../domain/trend.js';
import { defaultScopeKey, defaultWindow, loadTrendTable, resolveScope, type Scope, type TrendTable } from './repository.js';
import type { TableKind } from './table.js';
import { chartHref, rowSparkline, trendQueryString } from '../charts/links.js';

const MAX_WINDOW = 15;

const fyParam = z
  .string()
  .max(20)
  .transform((s, ctx) => {
    const fy = parseFiscalYear(s);
    if (fy === null) {
      ctx.addIssue({ code: 'custom', message: '年度は 2019 または R1 のように指定してください。' });
      return z.NEVER;
    }
    return fy;
  });

const fraction = z.coerce.number().min(0).max(10);

const querySchema = z.object({
  scope: z.string().max(120).optional(),
  from: fyParam.optional(),
  to: fyParam.optional(),
  basis: z.string().max(10).optional(),
  /** thresholds as fractions (API) … */
  flat: fraction.optional(),
  strong: fraction.optional(),
  /** … or as percents (the page's form). */
  flatPercent: z.coerce.number().min(0).max(1000).optional(),
  strongPercent: z.coerce.number().min(0).max(1000).optional(),
});

export interface TrendQuery {
  scope: Scope;
  fromFy: number;
  toFy: number;
  basis: TrendBasis;
  thresholds: TrendThresholds;
}

/** Reads and checks a trend request (page or API), including the user's right to see the scope. */
export function parseTrendQuery(db: Db, user: CurrentUser, query: unknown): TrendQuery {
  const parsed = querySchema.safeParse(query ?? {});
  if (!parsed.success) {
    const fieldErrors = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? 'query'), i.message]));
    throw new ValidationError(fieldErrors, Object.values(fieldErrors).join(' '));
  }
  const q = parsed.data;
  const scope = resolveScope(db, q.scope?.trim() || defaultScopeKey(user));
  if (!scope) throw new NotFoundError('指定された区・校(地)区が見つかりません。');
  authorize(user, 'read', scope.target);
  // The default window scans the scope's data: only when no year was given.
  const toFy = q.to ?? (q.from !== undefined ? q.from + 4 : defaultWindow(db, scope, currentFiscalYear()).toFy);
  const fromFy = q.from ?? toFy - 4;
  if (fromFy > toFy) throw new ValidationError({ from: '開始年度は終了年度より前にしてください。' }, '開始年度は終了年度より前にしてください。');
  if (toFy - fromFy + 1 > MAX_WINDOW) throw new ValidationError({ to: `表示できるのは${MAX_WINDOW}年度分までです。` }, `表示できるのは${MAX_WINDOW}年度分までです。`);
  const basis = q.basis ? parseBasis(q.basis) : 'yoy';
  if (!basis) throw new ValidationError({ basis: '傾向の基準は yoy・span・slope のいずれかです。' }, '傾向の基準は yoy・span・slope のいずれかです。');
  const flat = q.flat ?? (q.flatPercent !== undefined ? q.flatPercent / 100 : DEFAULT_THRESHOLDS.flat);
  const strong = q.strong ?? (q.strongPercent !== undefined ? q.strongPercent / 100 : DEFAULT_THRESHOLDS.strong);
  if (flat > strong) throw new ValidationError({ flat: '「横ばい」の幅は「増加・減少」のしきい値以下にしてください。' }, '「横ばい」の幅は「増加・減少」のしきい値以下にしてください。');
  return { scope, fromFy, toFy, basis, thresholds: { flat, strong } };
}

/** Scopes a user may choose on the trend pages, grouped for a <select>. */
export function scopeChoices(db: Db, user: CurrentUser): { key: string; label: string }[] {
  const choices: { key: string; label: string }[] = [];
  if (can(user, 'read', { kind: 'city' })) choices.push({ key: 'city', label: '全市' });
  for (const w of listWards(db)) {
    if (can(user, 'read', { kind: 'ward', wardId: w.id })) choices.push({ key: `ward:${w.name}`, label: w.name });
  }
  for (const d of listDistricts(db)) {
    if (can(user, 'read', districtTarget(d))) choices.push({ key: `district:${d.code}`, label: `${d.wardName} ${d.name}` });
  }
  return choices;
}

/** The JSON shape of a trend table (GET /api/trends). */
export function trendTableJson(table: TrendTable) {
  return {
    scope: table.scope.key,
    scopeLabel: table.scope.label,
    fiscalYears: table.fiscalYears,
    basis: table.basis,
    thresholds: table.thresholds,
    rows: table.rows.map((r) => ({
      item: r.item ?? r.key,
      title: r.title,
      values: r.values.map((c) => ({
        fiscalYear: c.fiscalYear,
        value: c.value,
        origin: c.origin,
        note: c.note,
        districtsReported: c.districtsReported,
      })),
      trend: { basis: r.trend.basis, change: r.trend.change, level: r.trend.level, arrow: r.trend.arrow, text: r.trend.text },
    })),
  };
}

async function trendPage(app: FastifyInstance, request: FastifyRequest, kind: TableKind) {
  const { db } = app.database;
  const user = request.user!;
  const q = parseTrendQuery(db, user, request.query);
  const table = loadTrendTable(db, q.scope, { kind, fromFy: q.fromFy, toFy: q.toFy, basis: q.basis, thresholds: q.thresholds });
  return {
    title: kind === 'items' ? `推移表（${q.scope.label}）` : `福祉協力員数・見守り世帯数（${q.scope.label}）`,
    kind,
    table,
    query: q,
    scopes: scopeChoices(db, user),
    showRollupDiff: user.role === 'city',
    // Screen-only extras: a sparkline and a chart link per row, and the download links.
    styles: ['agenda-chart.css'],
    sparklines: table.rows.map((r) => rowSparkline(r)),
    chartLinks: table.rows.map((r) => chartHref(q, String(r.key))),
    exportHref: `${kind === 'items' ? '/trends' : '/trends/households'}/export`,
    exportQuery: trendQueryString(q),
  };
}

/** 推移表: the trend tables as pages and as JSON. */
export async function trendRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.database;

  app.get('/trends', async (request, reply) => reply.viewAsync('trends/index', await trendPage(app, request, 'items')));

  app.get('/trends/households', async (request, reply) => reply.viewAsync('trends/index', await trendPage(app, request, 'households')));

  app.get('/api/trends', async (request) => {
    const q = parseTrendQuery(db, request.user!, request.query);
    const kind = (request.query as { table?: string }).table === 'households' ? 'households' : 'items';
    return trendTableJson(loadTrendTable(db, q.scope, { kind, fromFy: q.fromFy, toFy: q.toFy, basis: q.basis, thresholds: q.thresholds }));
  });
}

