/**
 * Parameter schemas shared by every feature's routes: fiscal year, month, district code, ward id,
 * numeric ids. Parse them with `parsePath` (path → 404) or `parseInput` (query, body → 422) from
 * ./replies.ts, which states the rule.
 */
import { z } from 'zod';
import { isMonth, parseFiscalYear } from '../domain/fiscalYear.js';

// Years the app deals in; anything else in a URL names nothing that can exist.
const MIN_YEAR = 1989;
const MAX_YEAR = 2999;

/** An empty <select> or search box sends '', which means "no filter". */
export const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const FISCAL_YEAR_MESSAGE = '年度は 2024 または R6 のように指定してください。';

/** A fiscal year typed as 2024, R6 or 令和6年度 (query strings and URL params) → 2024. */
export const fiscalYearParam = z
  .string()
  .max(20)
  .transform((s, ctx) => {
    const fy = parseFiscalYear(s);
    if (fy === null || fy < MIN_YEAR || fy > MAX_YEAR) {
      ctx.addIssue({ code: 'custom', message: FISCAL_YEAR_MESSAGE });
      return z.NEVER;
    }
    return fy;
  });

/** A month as `YYYY-MM` (1989-01 … 2999-12). */
export const monthParam = z
  .string()
  .max(7)
  .refine((m) => isMonth(m) && Number(m.slice(0, 4)) >= MIN_YEAR && Number(m.slice(0, 4)) <= MAX_YEAR, {
    message: '月は 2024-04 のように指定してください。',
  });

/** A district's code as it appears in `/districts/:code/...`. */
export const districtCodeParam = z.string().min(1).max(64);

/** A positive database id (path `:id`, query `?ward=`), as digits. */
export const idParam = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, { message: '番号の指定が正しくありません。' })
  .transform(Number)
  .refine((n) => n <= 2_147_483_647, { message: '番号の指定が正しくありません。' });

/** A ward chosen by its id (`?ward=3`); wards have no code, their scope key is `ward:<name>` (trends). */
export const wardIdParam = idParam;

/** `/districts/:code` */
export const districtPathParams = z.object({ code: districtCodeParam });
/** `/districts/:code/reports/:month` */
export const districtMonthPathParams = z.object({ code: districtCodeParam, month: monthParam });
/** `/districts/:code/years/:fy` and other `:code/:fy` paths */
export const districtYearPathParams = z.object({ code: districtCodeParam, fy: fiscalYearParam });
/** `/…/:id` */
export const idPathParams = z.object({ id: idParam });
/** `/…/:fy` */
export const fiscalYearPathParams = z.object({ fy: fiscalYearParam });

/** A posted text field: anything that is not a string (e.g. a repeated field, which formbody turns into an array) reads as empty; cut to `max`. */
export const postedText = (max: number) => z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string()).transform((s) => s.slice(0, max));

/** Request bodies and queries as objects; anything else (a JSON array, a bare string) reads as empty. */
export function fieldsOf(input: unknown): Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
}
