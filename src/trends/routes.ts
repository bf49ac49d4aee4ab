import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { guard } from '../guards/guard.js';
import type { CurrentUser } from '../auth/access.js';
import type { TrendTable } from './repository.js';
import type { TableKind } from './table.js';
import { rowSparkline } from './rowCharts.js';
import { chartHref, trendQueryString } from '../web/urls.js';
import { figuresCache, requestDataVersion } from './cache.js';
import { parseTrendQuery, scopeChoices, scopeChoicesKey, trendCacheKey, type TrendQuery } from './query.js';
import { cachedTrendTable, trendTableJson } from './tables.js';
import { acceptedCountsByFiscalYear } from '../reviews/repository.js';
import { viewHelpers } from '../views.js';

/**
 * Where the cached body goes in the layout rendered for the user. A comment cannot come out of
 * escaped text (`<` is printed as `&lt;`), so only the layout's own place for the body matches.
 */
const BODY_SLOT = '<!--mimamori:page-body-->';

/** The table and the ward's review counts as HTML, the same for every reader of the scope (with or without the city's rollup differences). */
function tableHtml(app: FastifyInstance, q: TrendQuery, table: TrendTable, showRollupDiff: boolean): Promise<string> {
  const { db, sqlite } = app.database;
  return figuresCache(sqlite).get<Promise<string>>(trendCacheKey(q, `table-html:${table.kind}`, { diff: String(showRollupDiff) }), async () => {
    // 区社協の確認 (DESIGN §7): how many of each year's monthly reports the ward has accepted.
    const counts = acceptedCountsByFiscalYear(db, q.scope, q.fromFy, q.toFy);
    const reviewCounts = table.fiscalYears.map((fy) => ({ fiscalYear: fy, ...(counts.get(fy) ?? { accepted: 0, reported: 0 }) }));
    const [html, reviewsHtml] = await Promise.all([
      app.view('trends/_table', {
        table,
        h: viewHelpers,
        showRollupDiff,
        // Screen-only extras: a sparkline and a chart link per row.
        sparklines: table.rows.map((r) => rowSparkline(r)),
        chartLinks: table.rows.map((r) => chartHref(q, String(r.key))),
      }),
      app.view('trends/_reviews', { reviewCounts, h: viewHelpers }),
    ]);
    // The templates' indentation is a sixth of the table's bytes: a run of blanks with a line break in it
    // shows as one space however long it is, so one line break stands for it (no <pre> in the table).
    return (html + reviewsHtml).replace(/[ \t]*\n\s*/g, '\n');
  });
}

/**
 * The body of a trend page (heading, the form with its scope picker, the table), encoded once per
 * data version for everyone with the same choices: it depends on the user only through their role
 * and ward or district, which the key holds. Nothing personal is in it (no name, token or message).
 */
function pageBody(app: FastifyInstance, user: CurrentUser, q: TrendQuery, kind: TableKind, version: number): Promise<Buffer> {
  const { db, sqlite } = app.database;
  const city = user.role === 'city';
  const key = trendCacheKey(q, `page:${kind}`, { city: String(city), choices: scopeChoicesKey(user, q.scope) });
  return figuresCache(sqlite).get<Promise<Buffer>>(
    key,
    async () => {
      const table = cachedTrendTable(app.database, q, kind);
      const html = await app.view('trends/index', {
        h: viewHelpers,
        kind,
        table,
        tableHtml: await tableHtml(app, q, table, city),
        query: q,
        scopes: scopeChoices(db, user, q.scope),
        // Only city staff pick districts through a ward first.
        showScopeHint: city,
        exportHref: `${kind === 'items' ? '/trends' : '/trends/households'}/export`,
        exportQuery: trendQueryString(q),
      });
      return Buffer.from(html);
    },
    version,
  );
}

/**
 * A trend page: the layout (name, CSRF token, flash) is rendered for this user, and the cached
 * body's bytes go in its place, so a request neither renders nor re-encodes the 50 KB body.
 */
async function sendTrendPage(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, kind: TableKind) {
  const user = request.user!;
  // The data version as the scope guard read it: once per request, and its cache lookups are as of its start.
  const version = requestDataVersion(app.database.sqlite, request);
  const q = parseTrendQuery(app.database.db, user, request.query, version);
  const body = await pageBody(app, user, q, kind, version);
  const html = await reply.viewAsync('layout', {
    title: kind === 'items' ? `推移表（${q.scope.label}）` : `福祉協力員数・見守り世帯数（${q.scope.label}）`,
    styles: ['agenda-chart.css'],
    body: BODY_SLOT,
  });
  const at = html.indexOf(BODY_SLOT);
  if (at < 0) throw new Error('the layout has no place for the body');
  return reply.send(Buffer.concat([Buffer.from(html.slice(0, at)), body, Buffer.from(html.slice(at + BODY_SLOT.length))]));
}

/** 推移表: the trend tables as pages and as JSON. */
export function trendRoutes(app: FastifyInstance): void {
  const { db } = app.database;

  app.get('/trends', { preHandler: guard.scope('read') }, async (request, reply) => sendTrendPage(app, request, reply, 'items'));

  app.get('/trends/households', { preHandler: guard.scope('read') }, async (request, reply) => sendTrendPage(app, request, reply, 'households'));

  app.get('/api/trends', { preHandler: guard.scope('read') }, async (request, reply) => {
    const cache = figuresCache(app.database.sqlite);
    const version = requestDataVersion(app.database.sqlite, request);
    const q = parseTrendQuery(db, request.user!, request.query, version);
    const kind = (request.query as { table?: string }).table === 'households' ? 'households' : 'items';
    // Serialised and encoded once per data version: the same bytes for every reader of the scope.
    const json = cache.get(
      trendCacheKey(q, `json:${kind}`),
      () => Buffer.from(JSON.stringify(trendTableJson(cachedTrendTable(app.database, q, kind)))),
      version,
    );
    return reply.type('application/json; charset=utf-8').send(json);
  });
}
