/**
 * The one way to answer a bad parameter. The rule:
 *
 * - A PATH parameter names a resource. A malformed one (`/users/abc`, `/districts/W01/reports/2024-13`)
 *   names none, so the answer is the same 404 page as for a record that does not exist: the reader
 *   cannot tell "malformed" from "missing", and no field exists to put a message beside.
 * - A QUERY string or a BODY is input. A malformed value is answered 422 with a Japanese message per
 *   field (ValidationError), so a page can show it beside the field and keep what was typed.
 *
 * Both throw domain errors; the app's error handler (src/web/errors.ts) maps them to the status.
 */
import type { z } from 'zod';
import { NotFoundError, ValidationError } from '../errors.js';

const GENERAL_FORMAT_MESSAGE = '指定の形式が正しくありません。';

/** Parses path parameters; anything malformed is a 404 (with `notFoundMessage` when given). */
export function parsePath<T extends z.ZodType>(schema: T, params: unknown, notFoundMessage?: string): z.output<T> {
  const parsed = schema.safeParse(params ?? {});
  if (!parsed.success) throw new NotFoundError(notFoundMessage);
  return parsed.data;
}

/** Parses a query string or a form body; anything malformed is a 422 whose messages say what was wrong, per field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'input');
    // A schema's own (custom) message is Japanese and specific; zod's general ones are not shown as such.
    fieldErrors[field] ??= issue.code === 'custom' ? issue.message : GENERAL_FORMAT_MESSAGE;
  }
  throw new ValidationError(fieldErrors, [...new Set(Object.values(fieldErrors))].join(' '));
}
