/** Domain errors; the one error handler in app.ts turns them into statuses and Japanese pages. */
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
