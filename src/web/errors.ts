/**
 * The one place where domain errors become HTTP statuses. Domain code throws NotFoundError,
 * ForbiddenError, ConflictError or ValidationError (src/errors.ts), which know nothing of HTTP;
 * the app's error handler asks this module for the status.
 */
import type { DomainError, DomainErrorKind } from '../errors.js';

const STATUS_OF_KIND: Record<DomainErrorKind, number> = {
  notFound: 404,
  forbidden: 403,
  conflict: 409,
  // A form the domain refuses is re-rendered with a message beside each field (CONVENTIONS: 422).
  invalid: 422,
};

/** The HTTP status for a domain error. */
export function httpStatusOf(error: DomainError): number {
  return STATUS_OF_KIND[error.kind];
}

/** The page's words for a request sent in a form the page does not take (a JSON body to a form route, 415). */
export const UNSUPPORTED_MEDIA_TYPE_MESSAGE = 'この画面は、画面の入力欄から送信された内容だけを受け付けます。画面を開き直して、もう一度送信してください。';
