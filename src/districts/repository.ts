import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { districts, wards } from '../db/schema.js';
import type { Target } from '../auth/access.js';
import { NotFoundError } from '../errors.js';

export type DistrictRow = typeof districts.$inferSelect;
export interface DistrictWithWard extends DistrictRow {
  wardName: string;
}

/** A district by its code with its ward's name, or 404. */
export function getDistrictByCode(db: Pick<Db, 'select'>, code: string): DistrictWithWard {
  const row = db
    .select({ district: districts, wardName: wards.name })
    .from(districts)
    .innerJoin(wards, eq(wards.id, districts.wardId))
    .where(eq(districts.code, code))
    .get();
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
