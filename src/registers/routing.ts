/**
 * Request helpers shared by the register routes under /districts/:code/…
 * (the district itself is loaded by the route's guard, src/guards/guard.ts):
 * which entry id the URL names, and whether the user may change the registers.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../auth/access.js';
import { districtTarget, type DistrictWithWard } from '../districts/repository.js';
import { NotFoundError } from '../errors.js';
import { idPathParams } from '../web/params.js';

/**
 * The URL's register entry, which must belong to the URL's district: an id
 * that is malformed, unknown or another district's is the same 404, so ids
 * never reveal other districts' registers.
 */
export function entryOfRequest<Row extends { districtId: number }>(
  request: FastifyRequest,
  district: Pick<DistrictWithWard, 'id'>,
  find: (id: number) => Row | undefined,
  notFoundMessage: string,
): Row {
  const params = idPathParams.safeParse(request.params);
  const entry = params.success ? find(params.data.id) : undefined;
  if (!entry || entry.districtId !== district.id) throw new NotFoundError(notFoundMessage);
  return entry;
}

/** Whether the signed-in user may change the district's registers (shows or hides the buttons). */
export function canWriteDistrict(request: FastifyRequest, district: DistrictWithWard): boolean {
  return !!request.user && can(request.user, 'write', districtTarget(district));
}

/** Base URL of a district's pages (built in src/web/urls.ts). */
export { districtUrl as districtPath } from '../web/urls.js';

/** Stylesheets of the register pages. */
const REGISTER_STYLES = ['registers.css'];

/** Renders a register page with a status (the app puts the CSRF token into every page). */
export function renderRegisterPage(reply: FastifyReply, view: string, data: Record<string, unknown>, status = 200) {
  reply.code(status);
  return reply.viewAsync(view, { styles: REGISTER_STYLES, ...data });
}
