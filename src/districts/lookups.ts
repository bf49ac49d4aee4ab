/**
 * What import rows are checked against, read once per file: every district by code, every ward
 * by name, the closed fiscal years. Used by the import dispatcher (src/imports/) and by the
 * importers that live with their features (indicator values).
 */
import type { Db } from '../db/index.js';
import { closedFiscalYears, districts, wards } from '../db/schema.js';

type Reader = Pick<Db, 'select'>;

export interface DistrictRef {
  id: number;
  code: string;
  name: string;
  wardId: number;
  activeFrom: number | null;
  activeTo: number | null;
}

/** What rows are checked against: districts by code, wards by name, closed years. */
export interface ImportLookups {
  districtsByCode: Map<string, DistrictRef>;
  wardsByName: Map<string, number>;
  closedYears: Set<number>;
}

/** Loads every district, ward and closed fiscal year once, so a large file needs three queries. */
export function loadLookups(db: Reader): ImportLookups {
  const districtRows = db
    .select({
      id: districts.id,
      code: districts.code,
      name: districts.name,
      wardId: districts.wardId,
      activeFrom: districts.activeFrom,
      activeTo: districts.activeTo,
    })
    .from(districts)
    .all();
  const wardRows = db.select({ id: wards.id, name: wards.name }).from(wards).all();
  const closed = db.select({ fy: closedFiscalYears.fiscalYear }).from(closedFiscalYears).all();
  return {
    districtsByCode: new Map(districtRows.map((d) => [d.code, d])),
    wardsByName: new Map(wardRows.map((w) => [w.name, w.id])),
    closedYears: new Set(closed.map((c) => c.fy)),
  };
}
