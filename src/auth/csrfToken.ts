import type { FastifyReply } from 'fastify';

/**
 * A CSRF token that is made the first time a template prints it (`<%= it.csrfToken %>`
 * calls toString). Making a token puts a secret into the session, which creates a
 * session row; so a request that renders no form (a redirect, a static file, an
 * error page for a visitor) creates none. One token per response.
 */
export function lazyCsrfToken(reply: Pick<FastifyReply, 'generateCsrf'>): { toString(): string; toJSON(): string } {
  let token: string | undefined;
  const value = () => (token ??= reply.generateCsrf());
  return { toString: value, toJSON: value };
}
