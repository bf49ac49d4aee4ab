/**
 * The narrative counts (DESIGN §4, 「引用できる数」) of a scope and fiscal year:
 * one SQL query gathers each district's facts — ⑤ and ⑥ from the stored
 * figures of record, the salon, plan and 策定予定 registers by EXISTS probes —
 * and src/domain/narrative.ts counts them. No monthly rows are read unless
 * the year holds no stored figures yet (then its rows are computed in memory,
 * as the trend tables do, so a GET never writes).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { districts, districtYearFigures, planSchedules, plans, salons } from '../db/schema.js';
import { narrativeCounts, narrativeQuotes, type DistrictNarrativeFacts, type NarrativeCounts, type NarrativeQuote } from '../domain/narrative.js';
import { isYearStored, yearRowsFromRecords } from '../figures/recompute.js';
import { resolveScope, type Scope } from '../trends/repository.js';

interface FactRow {
  districtId: number;
  activeFrom: number | null;
  activeTo: number | null;
  salonsOpen: number | null;
  wellClubParticipants: number | null;
  subsidyApplied: number;
  planFormulated: number;
  scheduledInFy: number;
  scheduledInNextFy: number;
  scheduledAfterFy: number;
}

function scopeWhere(scope: Pick<Scope, 'type' | 'id'>) {
  if (scope.type === 'ward') return sql`d.ward_id = ${scope.id}`;
  if (scope.type === 'district') return sql`d.id = ${scope.id}`;
  return sql`1 = 1`;
}

/** Each district of the scope with its narrative facts for fiscal year `fy` (one query). */
function loadFacts(db: Db, scope: Pick<Scope, 'type' | 'id'>, fy: number): FactRow[] {
  return db.all<FactRow>(sql`
    SELECT d.id AS "districtId", d.active_from AS "activeFrom", d.active_to AS "activeTo",
      f.salons_open AS "salonsOpen", f.well_club_participants AS "wellClubParticipants",
      EXISTS (SELECT 1 FROM ${salons} s WHERE s.district_id = d.id AND s.subsidy_applied = 1
        AND s.opened_on BETWEEN ${`${fy}-04-01`} AND ${`${fy + 1}-03-31`}) AS "subsidyApplied",
      EXISTS (SELECT 1 FROM ${plans} p WHERE p.district_id = d.id AND p.formulated_fy <= ${fy}) AS "planFormulated",
      EXISTS (SELECT 1 FROM ${planSchedules} ps WHERE ps.district_id = d.id AND ps.scheduled_fy = ${fy}) AS "scheduledInFy",
      EXISTS (SELECT 1 FROM ${planSchedules} ps WHERE ps.district_id = d.id AND ps.scheduled_fy = ${fy + 1}) AS "scheduledInNextFy",
      EXISTS (SELECT 1 FROM ${planSchedules} ps WHERE ps.district_id = d.id AND ps.scheduled_fy > ${fy}) AS "scheduledAfterFy"
    FROM ${districts} d
    LEFT JOIN ${districtYearFigures} f ON f.district_id = d.id AND f.fiscal_year = ${fy}
    WHERE ${scopeWhere(scope)}`);
}

/** The narrative counts of a scope (city, ward or district) for fiscal year `fy`. */
export function loadNarrativeCounts(db: Db, scope: Pick<Scope, 'type' | 'id'>, fy: number): NarrativeCounts {
  const rows = loadFacts(db, scope, fy);
  if (!isYearStored(db, fy)) {
    // A year nothing was written into yet: its ⑤⑥ computed from the records, not stored.
    const filter = scope.type === 'ward' ? { wardId: scope.id } : scope.type === 'district' ? { districtId: scope.id } : {};
    const computed = new Map(yearRowsFromRecords(db, fy, filter).map((r) => [r.districtId, r]));
    for (const r of rows) {
      const c = computed.get(r.districtId);
      r.salonsOpen = c?.salonsOpen ?? null;
      r.wellClubParticipants = c?.wellClubParticipants ?? null;
    }
  }
  const facts: DistrictNarrativeFacts[] = rows.map((r) => ({
    id: r.districtId,
    activeFrom: r.activeFrom,
    activeTo: r.activeTo,
    salonsOpen: r.salonsOpen,
    wellClubParticipants: r.wellClubParticipants,
    subsidyApplied: r.subsidyApplied === 1,
    planFormulated: r.planFormulated === 1,
    scheduledInFy: r.scheduledInFy === 1,
    scheduledInNextFy: r.scheduledInNextFy === 1,
    scheduledAfterFy: r.scheduledAfterFy === 1,
  }));
  return narrativeCounts(fy, facts);
}

/** What the agenda editor's 「引用できる数」 panel shows for a scope and the sheet's last FY. */
export interface NarrativePanel {
  scopeLabel: string;
  fiscalYear: number;
  counts: NarrativeCounts;
  quotes: NarrativeQuote[];
}

/** The panel's data: the counts of the scope for `fy` (and FY+1 for 策定予定), each with its sentence. */
export function narrativePanel(db: Db, scope: Pick<Scope, 'type' | 'id' | 'label'>, fy: number): NarrativePanel {
  const counts = loadNarrativeCounts(db, scope, fy);
  return { scopeLabel: scope.label, fiscalYear: fy, counts, quotes: narrativeQuotes(counts) };
}

/**
 * The editor's panel for a draft: the counts of the first table's scope (the
 * city when it names none or an unknown one) for the sheet's last FY.
 */
export function editorNarrativePanel(db: Db, scopeKey: string | undefined, toFy: number): NarrativePanel {
  const scope = (scopeKey ? resolveScope(db, scopeKey) : null) ?? resolveScope(db, 'city')!;
  return narrativePanel(db, scope, toFy);
}
