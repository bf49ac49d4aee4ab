/**
 * Server-side confirmation of destructive or irreversible actions (GOV.UK and
 * DADS do this): the action's POST does nothing until it carries `confirmed=1`,
 * which only the confirmation page sends; without it the POST shows that page.
 * Works without JavaScript; the script's confirm() may only shorten the way.
 */
import type { FastifyReply } from 'fastify';

export interface Confirmation {
  /** The page's heading and title: what is about to happen, as a question. */
  heading: string;
  /** What it changes, one paragraph each. */
  lines: string[];
  /** The warning button's words (「削除する」 …). */
  button: string;
  /** Where the button posts (the action's own URL). */
  action: string;
  /** Where 「やめて戻る」 leads. */
  cancelUrl: string;
  /** Fields the action needs again (e.g. the version it was shown). */
  hidden?: Record<string, string>;
  styles?: string[];
}

/** True when the POST came from the confirmation page. */
export function isConfirmed(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>).confirmed === '1';
}

/** Renders the confirmation page (200: nothing has happened yet). */
export function renderConfirmation(reply: FastifyReply, confirmation: Confirmation) {
  reply.code(200);
  return reply.viewAsync('confirm', { title: confirmation.heading, ...confirmation, hidden: Object.entries(confirmation.hidden ?? {}) });
}
