// The trend table of a request, cached per data version, and its JSON shape (/api/trends, exports).
import type { Database$ } from '../db/index.js';
import { loadTrendTable, type TrendTable } from './repository.js';
import type { TableKind } from './table.js';
import { figuresCache } from './cache.js';
import { formatCount } from '../domain/numbers.js';
import { trendCacheKey, type TrendQuery } from './query.js';

/** The trend table of a request, from the cache while no write has changed the data. */
export function cachedTrendTable(database: Database$, q: TrendQuery, kind: TableKind): TrendTable {
  const { db, sqlite } = database;
  return figuresCache(sqlite).get(trendCacheKey(q, `table:${kind}`), () =>
    loadTrendTable(db, q.scope, { kind, fromFy: q.fromFy, toFy: q.toFy, basis: q.basis, thresholds: q.thresholds }),
  );
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
      // A council-defined indicator's rows carry its key, and a category row its category's key too.
      item: r.indicator ? r.indicator.key : (r.item ?? r.key),
      // …and its decimal places, with each figure as shown (97.0: a JSON number cannot keep the trailing zero).
      ...(r.indicator ? { category: r.indicator.categoryKey, unit: r.indicator.unit, decimals: r.indicator.decimals } : {}),
      title: r.title,
      values: r.values.map((c) => ({
        fiscalYear: c.fiscalYear,
        value: c.value,
        ...(r.indicator ? { text: c.value === null ? null : formatCount(c.value, r.indicator.decimals) } : {}),
        origin: c.origin,
        note: c.note,
        districtsReported: c.districtsReported,
      })),
      trend: { basis: r.trend.basis, change: r.trend.change, level: r.trend.level, arrow: r.trend.arrow, text: r.trend.text },
    })),
  };
}
