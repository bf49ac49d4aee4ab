import type { FastifyInstance, FastifyRequest } from 'fastify';
import { guard } from '../auth/guards.js';
import type { TrendTable } from './repository.js';
import type { TableKind } from './table.js';
import { rowSparkline } from '../charts/links.js';
import { chartHref, trendQueryString } from '../web/urls.js';
import { figuresCache } from './cache.js';
import { parseTrendQuery, scopeChoices, trendCacheKey } from './query.js';
import { cachedTrendTable, trendTableJson } from './tables.js';
import { acceptedCountsByFiscalYear } from '../reviews/repository.js';
import { viewHelpers } from '../views.js';

/** What the trend page shows of a table, the same for every user: cached with the table. */
interface TablePart {
  table: TrendTable;
  /** The table as HTML (with or without the city's rollup differences). */
  html: string;
}

async function trendPage(app: FastifyInstance, request: FastifyRequest, kind: TableKind) {
  const { db, sqlite } = app.database;
  const user = request.user!;
  const q = parseTrendQuery(db, user, request.query);
  // The table's HTML comes from the cache; the page around it (name, CSRF token,
  // flash, the scope picker) is rendered for this user.
  const showRollupDiff = user.role === 'city';
  const part = await figuresCache(sqlite).get<Promise<TablePart>>(trendCacheKey(q, `page:${kind}`, { diff: String(showRollupDiff) }), async () => {
    const table = cachedTrendTable(app.database, q, kind);
    const html = (await app.view('trends/_table', {
      table,
      h: viewHelpers,
      showRollupDiff,
      // Screen-only extras: a sparkline and a chart link per row.
      sparklines: table.rows.map((r) => rowSparkline(r)),
      chartLinks: table.rows.map((r) => chartHref(q, String(r.key))),
    })) as string;
    return { table, html };
  });
  // 区社協の確認 (DESIGN §7): how many of each year's monthly reports the ward has accepted.
  const reviewCounts = figuresCache(sqlite).get(trendCacheKey(q, 'reviews'), () => {
    const counts = acceptedCountsByFiscalYear(db, q.scope, q.fromFy, q.toFy);
    return part.table.fiscalYears.map((fy) => ({ fiscalYear: fy, ...(counts.get(fy) ?? { accepted: 0, reported: 0 }) }));
  });
  return {
    title: kind === 'items' ? `推移表（${q.scope.label}）` : `福祉協力員数・見守り世帯数（${q.scope.label}）`,
    kind,
    table: part.table,
    tableHtml: part.html,
    reviewCounts,
    query: q,
    scopes: scopeChoices(db, user, q.scope),
    styles: ['agenda-chart.css'],
    exportHref: `${kind === 'items' ? '/trends' : '/trends/households'}/export`,
    exportQuery: trendQueryString(q),
  };
}

/** 推移表: the trend tables as pages and as JSON. */
export async function trendRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.database;

  app.get('/trends', { preHandler: guard.scope('read') }, async (request, reply) => reply.viewAsync('trends/index', await trendPage(app, request, 'items')));

  app.get('/trends/households', { preHandler: guard.scope('read') }, async (request, reply) =>
    reply.viewAsync('trends/index', await trendPage(app, request, 'households')),
  );

  app.get('/api/trends', { preHandler: guard.scope('read') }, async (request, reply) => {
    const q = parseTrendQuery(db, request.user!, request.query);
    const kind = (request.query as { table?: string }).table === 'households' ? 'households' : 'items';
    // Serialised once per data version: the same bytes for every reader of the scope.
    const json = figuresCache(app.database.sqlite).get(trendCacheKey(q, `json:${kind}`), () =>
      JSON.stringify(trendTableJson(cachedTrendTable(app.database, q, kind))),
    );
    return reply.type('application/json; charset=utf-8').send(json);
  });
}
