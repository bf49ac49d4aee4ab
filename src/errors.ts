/** Domain errors; the one error handler in app.ts turns them into statuses and Japanese pages. */
import { z } from 'zod';

export class AppError extends Error {
  constructor(
    public readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'お探しのページは見つかりませんでした。') {
    super(404, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'このページを見る権限がありません。') {
    super(403, message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super(409, message);
  }
}

/** A bad request with a message per field, shown next to the field. */
export class ValidationError extends AppError {
  constructor(
    public readonly fieldErrors: Record<string, string>,
    message = '入力内容を確認してください。',
  ) {
    super(422, message);
  }
}

/** The request was sent in a form the page does not take (a JSON body to a form route). */
export class UnsupportedMediaTypeError extends AppError {
  constructor(message = 'この画面は、画面の入力欄から送信された内容だけを受け付けます。画面を開き直して、もう一度送信してください。') {
    super(415, message);
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
