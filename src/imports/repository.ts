import { and, eq, max } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { closedFiscalYears, districts, plans, publishedFigures, salons, wards, type ScopeType } from '../db/schema.js';
import { recordAudit } from '../audit/repository.js';

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
    .select({ id: districts.id, code: districts.code, name: districts.name, wardId: districts.wardId, activeFrom: districts.activeFrom, activeTo: districts.activeTo })
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

export interface DistrictImport {
  code: string;
  name: string;
  kana: string;
  wardName: string;
  activeFrom: number | null;
  activeTo: number | null;
}

export type WriteOutcome = 'created' | 'updated' | 'unchanged';

/** The ward's id, creating the ward (audited) when no ward has that name yet. */
function wardIdFor(tx: Db, name: string, userId: number | null): number {
  const existing = tx.select({ id: wards.id }).from(wards).where(eq(wards.name, name)).get();
  if (existing) return existing.id;
  // New wards go last; the kana is not in the file, so the name stands in until someone edits it.
  const last = tx.select({ n: max(wards.sortOrder) }).from(wards).get()?.n ?? 0;
  const row = tx.insert(wards).values({ name, kana: name, sortOrder: last + 1 }).returning().get();
  recordAudit(tx, { userId, action: 'create', entity: 'ward', entityId: row.id, before: null, after: row, detail: 'csv_import' });
  return row.id;
}

/** Creates or updates a district by its code (audited); the ward is created by name if needed. */
export function upsertDistrict(tx: Db, input: DistrictImport, userId: number | null): WriteOutcome {
  const wardId = wardIdFor(tx, input.wardName, userId);
  const values = { code: input.code, name: input.name, kana: input.kana, wardId, activeFrom: input.activeFrom, activeTo: input.activeTo };
  const existing = tx.select().from(districts).where(eq(districts.code, input.code)).get();
  if (!existing) {
    const row = tx.insert(districts).values(values).returning().get();
    recordAudit(tx, { userId, action: 'create', entity: 'district', entityId: row.id, districtId: row.id, before: null, after: row, detail: 'csv_import' });
    return 'created';
  }
  const same = (Object.keys(values) as (keyof typeof values)[]).every((k) => existing[k] === values[k]);
  if (same) return 'unchanged';
  const row = tx.update(districts).set(values).where(eq(districts.id, existing.id)).returning().get();
  recordAudit(tx, { userId, action: 'update', entity: 'district', entityId: row.id, districtId: row.id, before: existing, after: row, detail: 'csv_import' });
  return 'updated';
}

/** The salon a file row refers to: same district, name and opening date. */
export function findSalon(db: Reader, districtId: number, name: string, openedOn: string) {
  return db
    .select()
    .from(salons)
    .where(and(eq(salons.districtId, districtId), eq(salons.name, name), eq(salons.openedOn, openedOn)))
    .get();
}

/** A district's plan of one generation. */
export function findPlan(db: Reader, districtId: number, generation: number) {
  return db
    .select()
    .from(plans)
    .where(and(eq(plans.districtId, districtId), eq(plans.generation, generation)))
    .get();
}

