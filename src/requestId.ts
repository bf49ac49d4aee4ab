import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header a request id is taken from (set by a proxy in front) and echoed back in. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** A short printable token: what a proxy or load balancer sends (UUIDs, hex, base64url …). */
const TOKEN = /^[A-Za-z0-9._:+=/-]{1,64}$/;

/**
 * The id of a request (Fastify's `genReqId`): the caller's `X-Request-Id` when
 * it is a short printable token, otherwise a new random UUID. It is logged
 * with every line of the request and shown on error pages as 問い合わせ番号.
 */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  if (typeof given === 'string' && TOKEN.test(given)) return given;
  return randomUUID();
}
