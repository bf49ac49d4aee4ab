// Types of the JSON the app answers, for tests that read `res.json<T>()` (no `any` in the tests).
import type { trendTableJson } from '../../src/trends/tables.js';

/** The body of GET /api/trends. */
export type TrendsJson = ReturnType<typeof trendTableJson>;
export type TrendsJsonRow = TrendsJson['rows'][number];

/** An error answer of the API: `{ error, requestId }`. */
export interface ApiErrorJson {
  error: string;
  requestId?: string;
}

/** The row of `item` (and of `category`, for a council indicator's category) in a trend JSON; the test fails when it is missing. */
export function trendRow(body: TrendsJson, item: string | number, category: string | null = null): TrendsJsonRow {
  const row = body.rows.find((r) => r.item === item && (r.category ?? null) === category);
  if (!row) throw new Error(`no row ${item}${category === null ? '' : `:${category}`} among ${body.rows.map((r) => r.item).join(', ')}`);
  return row;
}
