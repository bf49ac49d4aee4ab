import type { FastifyInstance, FastifyRequest } from 'fastify';
import { guard } from '../guards/guard.js';
import { z } from 'zod';
import type { Database$ } from '../db/index.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { isIndicatorRowKey } from '../indicators/rowKeys.js';
import { HOUSEHOLD_ROWS, ITEMS } from '../domain/items.js';
import { warekiShort } from '../domain/fiscalYear.js';
import { parseTrendQuery, trendCacheKey, type TrendQuery } from '../trends/query.js';
import { cachedTrendTable } from '../trends/tables.js';
import { figuresCache } from '../trends/cache.js';
import type { TrendRow } from '../trends/table.js';
import { lineChart } from '../web/svg.js';
import { kindOfRow, unitOf } from '../trends/rowCharts.js';
import { trendQueryString } from '../web/urls.js';

const ROW_KEYS = [...ITEMS.map((d) => String(d.item)), ...HOUSEHOLD_ROWS.map((r) => r.key)] as [string, ...string[]];
const ITEM_MESSAGE = '項目の指定が正しくありません（1〜7 など）。';
// The seven items and household rows, or a council-defined indicator's row (`ind:<key>`, `ind:<key>:<category>`).
const itemQuery = z.object({
  item: z.union([z.enum(ROW_KEYS), z.string().max(120).refine(isIndicatorRowKey)], { message: ITEM_MESSAGE }),
});

interface ChartData {
  query: TrendQuery;
  row: TrendRow;
  title: string;
  svg: string;
}

function loadChart(database: Database$, request: FastifyRequest): ChartData {
  // Scope, window and the user's right to see the scope: the same checks as the trend pages.
  const query = parseTrendQuery(database.db, request.user!, request.query);
  const parsed = itemQuery.safeParse(request.query ?? {});
  if (!parsed.success) {
    throw new ValidationError({ item: ITEM_MESSAGE }, ITEM_MESSAGE);
  }
  const key = parsed.data.item;
  // The drawn chart is the same for everyone who may see the scope: cached until the next write.
  const chart = figuresCache(database.sqlite).get(trendCacheKey(query, 'chart', { item: key }), () => {
    const table = cachedTrendTable(database, query, kindOfRow(key));
    const row = table.rows.find((r) => String(r.key) === key);
    if (!row) throw new NotFoundError('その項目はこの期間の推移表にありません。');
    const title = `${row.circled ? row.circled + ' ' : ''}${row.title}（${query.scope.label}）`;
    const svg = lineChart(
      row.values.map((c) => ({ label: warekiShort(c.fiscalYear), value: c.value, note: c.note })),
      {
        title,
        unit: row.indicator?.unit ?? unitOf(key),
        idPrefix: `chart-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`,
        decimals: row.indicator?.decimals,
      },
    );
    return { row, title, svg };
  });
  return { query, ...chart };
}

/** グラフ: one row of a trend table as a line chart, drawn on the server. */
export function chartRoutes(app: FastifyInstance): void {
  app.get('/charts/trend', { preHandler: guard.scope('read') }, async (request, reply) => {
    const chart = loadChart(app.database, request);
    const q = chart.query;
    const kind = kindOfRow(String(chart.row.key));
    return reply.viewAsync('charts/trend', {
      title: `グラフ：${chart.title}`,
      styles: ['agenda-chart.css'],
      chart,
      backHref: `${kind === 'items' ? '/trends' : '/trends/households'}?${trendQueryString(q)}`,
      svgHref: `/charts/trend.svg?${trendQueryString(q, { item: String(chart.row.key) })}`,
    });
  });

  app.get('/charts/trend.svg', { preHandler: guard.scope('read') }, async (request, reply) => {
    const chart = loadChart(app.database, request);
    return reply
      .type('image/svg+xml; charset=utf-8')
      .header('cache-control', 'private, no-store')
      .send(`<?xml version="1.0" encoding="UTF-8"?>\n${chart.svg}\n`);
  });
}
