/**
 * Domain errors: they say what went wrong in domain words and know nothing of HTTP. The one error
 * handler (src/web/errors.ts, used by app.ts) maps each kind to a status and a Japanese page; the CLI
 * and the importers print their messages.
 */
import { z } from 'zod';

/** What kind of failure a domain error is; the web layer maps each kind to a status once. */
export type DomainErrorKind = 'notFound' | 'forbidden' | 'conflict' | 'invalid';

/** Base of every error the domain throws on purpose (its message is plain Japanese, safe to show). */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
}

/** The record asked for does not exist (or is outside what the user may see). */
export class NotFoundError extends DomainError {
  readonly kind = 'notFound';
  constructor(message = 'お探しのページは見つかりませんでした。') {
    super(message);
  }
}

/** The user may not do this. */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
  constructor(message = 'このページを見る権限がありません。') {
    super(message);
  }
}

/** The change clashes with the stored state (someone else saved first, a closed year, a duplicate). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  constructor(message: string) {
    super(message);
  }
}

/** Input the domain refuses, with a message per field, shown next to the field. */
export class ValidationError extends DomainError {
  readonly kind = 'invalid';
  constructor(
    public readonly fieldErrors: Record<string, string>,
    message = '入力内容を確認してください。',
  ) {
    super(message);
  }
}

/** The issue fields the message needs (zod's raw issue, kept structural so this module needs no zod import). */
interface ZodIssueLike {
  code?: string;
  origin?: string;
  maximum?: number | bigint;
  minimum?: number | bigint;
  inclusive?: boolean;
  expected?: string;
}

/**
 * Plain Japanese for every zod issue that a schema does not word itself, so no
 * English message from zod can reach a page or the API. Set once with `z.config`.
 */
export function japaneseZodMessage(issue: ZodIssueLike): string {
  const text = issue.origin === 'string';
  const number = issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint';
  switch (issue.code) {
    case 'too_big':
      if (text) return `${String(issue.maximum)}文字以内で指定してください。`;
      if (number) return `${String(issue.maximum)}${issue.inclusive === false ? 'より小さい' : '以下の'}数で指定してください。`;
      return '指定された内容が多すぎます。';
    case 'too_small':
      if (text) return Number(issue.minimum) <= 1 ? '入力してください。' : `${String(issue.minimum)}文字以上で指定してください。`;
      if (number) return `${String(issue.minimum)}${issue.inclusive === false ? 'より大きい' : '以上の'}数で指定してください。`;
      return '指定された内容が足りません。';
    case 'invalid_type':
      return issue.expected === 'number' || issue.expected === 'int' ? '数で指定してください。' : '指定の形式が正しくありません。';
    case 'invalid_value':
      return '選べる値の中から指定してください。';
    case 'not_multiple_of':
      return '指定できない数です。';
    default:
      return '指定の形式が正しくありません。';
  }
}

// Set where the domain errors live, so every entry point (server, CLI, tests) gets it: schemas that word
// their own messages keep them, every other zod message is Japanese.
z.config({ customError: japaneseZodMessage });
