// Reading a trend request (page, API, export, chart, agenda picker): the window, the basis, the
// thresholds and the scope the user may see, and the scope pickers. Shared by every feature that shows
// trend tables, so none of them imports the trend routes.
import { z } from 'zod';
import { count } from 'drizzle-orm';
import { districts } from '../db/schema.js';
import { authorize, can, type CurrentUser } from '../auth/access.js';
import { districtTarget, listDistricts, listWards } from '../districts/repository.js';
import type { Database$, Db } from '../db/index.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { currentFiscalYear } from '../domain/fiscalYear.js';
import { DEFAULT_THRESHOLDS, parseBasis, type TrendBasis, type TrendThresholds } from '../domain/trend.js';
import { fiscalYearParam } from '../web/params.js';
import { defaultScopeKey, defaultWindow, resolveScope, type Scope } from './repository.js';
import { cacheKey, lookupCache } from './cache.js';

const MAX_WINDOW = 15;

const fraction = z.coerce.number().min(0).max(10);

const querySchema = z.object({
  scope: z.string().max(120).optional(),
  from: fiscalYearParam.optional(),
  to: fiscalYearParam.optional(),
  basis: z.string().max(10).optional(),
  /** thresholds as fractions (API) … */
  flat: fraction.optional(),
  strong: fraction.optional(),
  /** … or as percents (the page's form). */
  flatPercent: z.coerce.number().min(0).max(1000).optional(),
  strongPercent: z.coerce.number().min(0).max(1000).optional(),
});

export interface TrendQuery {
  scope: Scope;
  fromFy: number;
  toFy: number;
  basis: TrendBasis;
  thresholds: TrendThresholds;
}

/**
 * Reads and checks a trend request (page or API), including the user's right to see the scope.
 * `version`: the data version the request read at its start, if it did (see FiguresCache.get).
 */
export function parseTrendQuery(db: Db, user: CurrentUser, query: unknown, version?: number): TrendQuery {
  const parsed = querySchema.safeParse(query ?? {});
  if (!parsed.success) {
    const fieldErrors = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? 'query'), i.message]));
    throw new ValidationError(fieldErrors, Object.values(fieldErrors).join(' '));
  }
  const q = parsed.data;
  const cache = cacheOf(db);
  const key = q.scope?.trim() || defaultScopeKey(user);
  // Which ward or district a key names, and a scope's default window, change only with the data.
  const scope = cache.get(cacheKey({ what: 'scope', key }), () => resolveScope(db, key), version);
  if (!scope) throw new NotFoundError('指定された区・校(地)区が見つかりません。');
  authorize(user, 'read', scope.target);
  // The default window looks up the scope's data: only when no year was given.
  const window = () => {
    const currentFy = fiscalYearNow();
    return cache.get(cacheKey({ what: 'window', scope: scope.key, currentFy }), () => defaultWindow(db, scope, currentFy), version);
  };
  const toFy = q.to ?? (q.from !== undefined ? q.from + 4 : window().toFy);
  const fromFy = q.from ?? toFy - 4;
  if (fromFy > toFy) throw new ValidationError({ from: '開始年度は終了年度より前にしてください。' }, '開始年度は終了年度より前にしてください。');
  if (toFy - fromFy + 1 > MAX_WINDOW)
    throw new ValidationError({ to: `表示できるのは${MAX_WINDOW}年度分までです。` }, `表示できるのは${MAX_WINDOW}年度分までです。`);
  const basis = q.basis ? parseBasis(q.basis) : 'yoy';
  if (!basis) throw new ValidationError({ basis: '傾向の基準は yoy・span・slope のいずれかです。' }, '傾向の基準は yoy・span・slope のいずれかです。');
  const flat = q.flat ?? (q.flatPercent !== undefined ? q.flatPercent / 100 : DEFAULT_THRESHOLDS.flat);
  const strong = q.strong ?? (q.strongPercent !== undefined ? q.strongPercent / 100 : DEFAULT_THRESHOLDS.strong);
  if (flat > strong)
    throw new ValidationError(
      { flat: '「横ばい」の幅は「増加・減少」のしきい値以下にしてください。' },
      '「横ばい」の幅は「増加・減少」のしきい値以下にしてください。',
    );
  return { scope, fromFy, toFy, basis, thresholds: { flat, strong } };
}

let clock = { minute: NaN, fiscalYear: 0 };

/**
 * The current fiscal year, read from the Tokyo clock once a minute rather than on every request
 * (Intl formatting is a visible part of a cached page). Exact: Japan's offset is whole hours, so a
 * fiscal year begins on a minute boundary.
 */
function fiscalYearNow(): number {
  const minute = Math.floor(Date.now() / 60_000);
  if (minute !== clock.minute) clock = { minute, fiscalYear: currentFiscalYear() };
  return clock.fiscalYear;
}

export interface ScopeChoice {
  key: string;
  label: string;
}

/**
 * Scopes a user may choose on the trend pages, for a <select>.
 *
 * With `current` (the trend pages), districts come grouped by ward rather than
 * all at once (a national city has 20,000): the city, every ward, then the
 * districts of the ward being shown (or of the shown district's ward). A ward
 * user's districts are always listed; a district user sees their district.
 * Without `current`, every scope the user may read (small pickers elsewhere).
 */
export function scopeChoices(db: Db, user: CurrentUser, current?: Scope): ScopeChoice[] {
  return cacheOf(db).get(scopeChoicesKey(user, current), () => choicesAround(db, user, current ? [current] : null));
}

/** What the scope choices depend on: they are the same for every user of one role and ward or district, until the next write. */
export function scopeChoicesKey(user: CurrentUser, current?: Scope): string {
  return cacheKey({ what: 'scopeChoices', role: user.role, ward: user.wardId, district: user.districtId, current: current?.key ?? '*' });
}

/** The lookup cache of the connection under a Drizzle database. */
function cacheOf(db: Db) {
  return lookupCache((db as Db & { $client: Database$['sqlite'] }).$client);
}

/**
 * Above this many districts, the scope pickers of other pages (agenda editor,
 * published figures) list districts by ward as the trend pages do.
 */
export const SCOPE_PICKER_MAX_DISTRICTS = 300;

/**
 * Scopes for the pickers of other pages (the agenda editor's tables, the
 * published figures): every scope the user may read in a city of up to
 * SCOPE_PICKER_MAX_DISTRICTS districts; in a larger one the city, the wards and
 * the districts of the wards of the scopes `shown` (keys such as
 * `district:E01`), so that what is selected stays selectable.
 */
export function pickerScopeChoices(db: Db, user: CurrentUser, shown: readonly (string | Scope | null | undefined)[]): ScopeChoice[] {
  const total = db.select({ n: count() }).from(districts).get()?.n ?? 0;
  if (total <= SCOPE_PICKER_MAX_DISTRICTS) return choicesAround(db, user, null);
  const scopes = shown.map((s) => (typeof s === 'string' ? resolveScope(db, s) : (s ?? null))).filter((s): s is Scope => s !== null);
  return choicesAround(db, user, scopes);
}

/** The city, the wards, then districts: all of them (`current` null), or those of the wards of `current`. */
function choicesAround(db: Db, user: CurrentUser, current: readonly Scope[] | null): ScopeChoice[] {
  const choices: ScopeChoice[] = [];
  if (can(user, 'read', { kind: 'city' })) choices.push({ key: 'city', label: '全市' });
  const wards = listWards(db);
  for (const w of wards) {
    if (can(user, 'read', { kind: 'ward', wardId: w.id })) choices.push({ key: `ward:${w.name}`, label: w.name });
  }
  let wardIds: number[] | null = null;
  if (current) {
    const ids = new Set<number>();
    if (user.role === 'ward' && user.wardId !== null) ids.add(user.wardId);
    else for (const scope of current) if (scope.target.kind !== 'city') ids.add(scope.target.wardId);
    if (ids.size === 0) return choices; // the city shown: wards only
    wardIds = wards.map((w) => w.id).filter((id) => ids.has(id));
  }
  const list = wardIds === null ? listDistricts(db) : wardIds.flatMap((wardId) => listDistricts(db, { wardId }));
  for (const d of list) {
    if (can(user, 'read', districtTarget(d))) choices.push({ key: `district:${d.code}`, label: `${d.wardName} ${d.name}` });
  }
  return choices;
}

/** A cache key of everything a trend table shows. */
export function trendCacheKey(q: TrendQuery, what: string, extra: Record<string, string> = {}): string {
  return cacheKey({ what, scope: q.scope.key, from: q.fromFy, to: q.toFy, basis: q.basis, flat: q.thresholds.flat, strong: q.thresholds.strong, ...extra });
}
