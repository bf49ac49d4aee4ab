/**
 * Request helpers shared by the register routes under /districts/:code/…:
 * which district the URL names (and whether the user may touch it), and which
 * entry id it names.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/index.js';
import { authorize, can, type Action } from '../auth/access.js';
import { districtTarget, getDistrictByCode, type DistrictWithWard } from '../districts/repository.js';
import { NotFoundError } from '../errors.js';

const districtParams = z.object({ code: z.string().min(1).max(50) });
const entryParams = z.object({ id: z.string().regex(/^[1-9]\d{0,9}$/).transform(Number) });

/** The URL's district, after checking that the signed-in user may `action` it (404 if unknown, 403 if not theirs). */
export function districtOfRequest(db: Db, request: FastifyRequest, action: Action): DistrictWithWard {
  const params = districtParams.safeParse(request.params);
  if (!params.success) throw new NotFoundError('その校(地)区は見つかりません。');
  const district = getDistrictByCode(db, params.data.code);
  authorize(request.user, action, districtTarget(district));
  return district;
}

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
  const params = entryParams.safeParse(request.params);
  const entry = params.success ? find(params.data.id) : undefined;
  if (!entry || entry.districtId !== district.id) throw new NotFoundError(notFoundMessage);
  return entry;
}

/** Whether the signed-in user may change the district's registers (shows or hides the buttons). */
export function canWriteDistrict(request: FastifyRequest, district: DistrictWithWard): boolean {
  return !!request.user && can(request.user, 'write', districtTarget(district));
}

/** Base URL of a district's pages. */
export function districtPath(district: Pick<DistrictWithWard, 'code'>): string {
  return `/districts/${encodeURIComponent(district.code)}`;
}

/** Stylesheets of the register pages. */
const REGISTER_STYLES = ['registers.css'];

/** Renders a register page with a status (the app puts the CSRF token into every page). */
export function renderRegisterPage(reply: FastifyReply, view: string, data: Record<string, unknown>, status = 200) {
  reply.code(status);
  return reply.viewAsync(view, { styles: REGISTER_STYLES, ...data });
}
