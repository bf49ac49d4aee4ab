import { and, asc, count, eq, gt, gte, isNull, min, or, sql } from 'drizzle-orm';
import { preparedOnce } from '../db/prepared.js';
import type { Db } from '../db/index.js';
import { closedFiscalYears, districts, monthlyReports, plans, salons, wards } from '../db/schema.js';
import type { Target } from '../auth/access.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { recordAudit } from '../audit/repository.js';
import { districtPairs, recomputeDistrictYears } from '../figures/recompute.js';
import { monthLabelLong, warekiLong } from '../domain/fiscalYear.js';
import { isDistrictActive } from '../domain/rollup.js';

export type DistrictRow = typeof districts.$inferSelect;
export interface DistrictWithWard extends DistrictRow {
  wardName: string;
}

/** A district by its code with its ward's name, or 404. */
export function getDistrictByCode(db: Pick<Db, 'select'>, code: string): DistrictWithWard {
  const byCode = preparedOnce(db, 'districts.byCode', (c) =>
    c
      .select({ district: districts, wardName: wards.name })
      .from(districts)
      .innerJoin(wards, eq(wards.id, districts.wardId))
      .where(eq(districts.code, sql.placeholder('code')))
      .prepare(),
  );
  const row = byCode.get({ code });
  if (!row) throw new NotFoundError('その校(地)区は見つかりません。');
  return { ...row.district, wardName: row.wardName };
}

/** The access-control target of a district. */
export function districtTarget(d: Pick<DistrictRow, 'id' | 'wardId'>): Target {
  return { kind: 'district', districtId: d.id, wardId: d.wardId };
}

/** Every ward in display order. */
export function listWards(db: Db) {
  return db.select().from(wards).orderBy(asc(wards.sortOrder), asc(wards.kana)).all();
}

/** Districts with their ward names, in ward order then kana order; optionally one ward only. */
export function listDistricts(db: Db, options: { wardId?: number } = {}): DistrictWithWard[] {
  return db
    .select({ district: districts, wardName: wards.name })
    .from(districts)
    .innerJoin(wards, eq(wards.id, districts.wardId))
    .where(options.wardId === undefined ? undefined : eq(districts.wardId, options.wardId))
    .orderBy(asc(wards.sortOrder), asc(districts.kana))
    .all()
    .map((r) => ({ ...r.district, wardName: r.wardName }));
}

/** A ward by its id, or undefined. */
export function getWard(db: Pick<Db, 'select'>, id: number) {
  return db.select().from(wards).where(eq(wards.id, id)).get();
}

/** The district that has this code, if any (codes are unique). */
export function findDistrictByCode(db: Pick<Db, 'select'>, code: string): DistrictRow | undefined {
  return db.select().from(districts).where(eq(districts.code, code)).get();
}

export interface NewDistrict {
  code: string;
  name: string;
  kana: string;
  wardId: number;
  activeFrom: number | null;
}

/** Adds a district (audited) and stores its figures in every stored year, in one transaction. */
export function createDistrict(db: Db, input: NewDistrict, userId: number): DistrictRow {
  return db.transaction(
    (tx) => {
      const row = tx
        .insert(districts)
        .values({ ...input, activeTo: null })
        .returning()
        .get();
      recordAudit(tx, { userId, action: 'create', entity: 'district', entityId: row.id, districtId: row.id, before: null, after: row });
      recomputeDistrictYears(tx, districtPairs(tx, row.id));
      return row;
    },
    { behavior: 'immediate' },
  );
}

/** What the edit page changes: name, kana reading, ward and contacts (null: not registered). */
export interface DistrictEdit {
  name: string;
  kana: string;
  wardId: number;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
}

export type DistrictWriteResult =
  | { status: 'updated' | 'unchanged'; row: DistrictRow }
  /** Someone changed the district after the form was opened: nothing was written. */
  | { status: 'conflict'; stored: DistrictRow };

const EDIT_KEYS = ['name', 'kana', 'wardId', 'contactName', 'contactPhone', 'contactEmail'] as const;

/**
 * Changes a district's name, kana and ward if they are still what the form was
 * opened with (`expected`), audited; a ward change moves its stored figures.
 */
export function updateDistrict(db: Db, args: { id: number; expected: DistrictEdit; input: DistrictEdit; userId: number }): DistrictWriteResult {
  return db.transaction(
    (tx) => {
      const stored = tx.select().from(districts).where(eq(districts.id, args.id)).get();
      if (!stored) throw new NotFoundError('その校(地)区は見つかりません。');
      if (EDIT_KEYS.some((k) => (stored[k] ?? null) !== args.expected[k])) return { status: 'conflict', stored };
      if (EDIT_KEYS.every((k) => (stored[k] ?? null) === args.input[k])) return { status: 'unchanged', row: stored };
      const row = tx.update(districts).set(args.input).where(eq(districts.id, args.id)).returning().get();
      recordAudit(tx, { userId: args.userId, action: 'update', entity: 'district', entityId: row.id, districtId: row.id, before: stored, after: row });
      if (row.wardId !== stored.wardId) recomputeDistrictYears(tx, districtPairs(tx, row.id));
      return { status: 'updated', row };
    },
    { behavior: 'immediate' },
  );
}

/** The first month after a fiscal year (YYYY-MM). */
const monthAfterYear = (fy: number) => `${fy + 1}-04`;

/**
 * Why a district cannot end with `lastFy` as its last active year, or null:
 * the year must not precede its first, it must have no reports after it, and
 * no closed year after it may hold it (closed figures are frozen).
 */
export function endRefusal(db: Pick<Db, 'select'>, district: DistrictRow, lastFy: number): string | null {
  if (district.activeFrom !== null && lastFy < district.activeFrom) {
    return `${warekiLong(district.activeFrom)}から活動している校(地)区です。最後の年度は${warekiLong(district.activeFrom)}か、それより後にしてください。`;
  }
  const later = db
    .select({ n: count(), first: min(monthlyReports.month) })
    .from(monthlyReports)
    .where(and(eq(monthlyReports.districtId, district.id), gte(monthlyReports.month, monthAfterYear(lastFy))))
    .get();
  if (later && later.n > 0 && later.first) {
    return `${warekiLong(lastFy + 1)}より後の月次報告が${later.n}か月分あります（最初は${monthLabelLong(later.first)}）。報告のある年度までは活動していたことになるため、終了にできません。`;
  }
  const closed = db
    .select({ fy: closedFiscalYears.fiscalYear })
    .from(closedFiscalYears)
    .where(gt(closedFiscalYears.fiscalYear, lastFy))
    .orderBy(asc(closedFiscalYears.fiscalYear))
    .all()
    .map((r) => r.fy)
    .filter((fy) => isDistrictActive(district, fy));
  const firstClosed = closed[0];
  if (firstClosed !== undefined) {
    return `${warekiLong(firstClosed)}はすでに締められていて、この校(地)区は活動中として集計されています。その年度の締めを解除してから終了にしてください。`;
  }
  return null;
}

/** Thrown when a district cannot end with the given year (the message says why, in Japanese). */
export class DistrictEndRefused extends ConflictError {}

/**
 * Records a district's last active fiscal year (活動終了) if its end is still
 * what the page showed (`expectedActiveTo`), audited, with its stored figures.
 */
export function endDistrict(db: Db, args: { id: number; expectedActiveTo: number | null; lastFy: number; userId: number }): DistrictWriteResult {
  return db.transaction(
    (tx) => {
      const stored = tx.select().from(districts).where(eq(districts.id, args.id)).get();
      if (!stored) throw new NotFoundError('その校(地)区は見つかりません。');
      if (stored.activeTo !== args.expectedActiveTo) return { status: 'conflict', stored };
      if (stored.activeTo === args.lastFy) return { status: 'unchanged', row: stored };
      const refusal = endRefusal(tx, stored, args.lastFy);
      if (refusal) throw new DistrictEndRefused(refusal);
      const row = tx.update(districts).set({ activeTo: args.lastFy }).where(eq(districts.id, args.id)).returning().get();
      recordAudit(tx, { userId: args.userId, action: 'end', entity: 'district', entityId: row.id, districtId: row.id, before: stored, after: row });
      recomputeDistrictYears(tx, districtPairs(tx, row.id));
      return { status: 'updated', row };
    },
    { behavior: 'immediate' },
  );
}

/** What of a district's registers still runs after `lastFy` (open salons, plans whose period goes on), in words. */
export function openRegisterCounts(db: Pick<Db, 'select'>, districtId: number, lastFy: number): string[] {
  const yearStart = `${lastFy + 1}-04-01`;
  const salonCount =
    db
      .select({ n: count() })
      .from(salons)
      .where(and(eq(salons.districtId, districtId), or(isNull(salons.closedOn), gte(salons.closedOn, yearStart))))
      .get()?.n ?? 0;
  const planCount =
    db
      .select({ n: count() })
      .from(plans)
      .where(and(eq(plans.districtId, districtId), gt(plans.lastFy, lastFy)))
      .get()?.n ?? 0;
  const out: string[] = [];
  if (salonCount > 0) out.push(`${warekiLong(lastFy + 1)}以降も開設中のサロンが${salonCount}か所`);
  if (planCount > 0) out.push(`${warekiLong(lastFy + 1)}以降も推進期間が続く計画が${planCount}件`);
  return out;
}
