/**
 * The stored figures of single district-years, recomputed with statements
 * prepared once per connection: the path a monthly save and an import take
 * (issue 9: "recompute only the one district-year touched with the minimum of
 * queries"). It gives exactly what recomputeDistrictYears gives (a test
 * compares them on random writes) and hands everything it does not cover to
 * it: a year with no stored figures yet (stored whole there), and districts
 * that take part in a succession (whose figures depend on other districts).
 * Closed years are skipped, as there: their figures are frozen.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { closedFiscalYears, districts, districtYearFigures, settings, successionLinks } from '../db/schema.js';
import { districtYearFigures as computeFigures } from '../domain/rollup.js';
import { settingsSchema } from '../db/settings.js';
import {
  changedFigureFields,
  FIGURE_FIELDS,
  recomputeDistrictYears,
  storedRowOf,
  type Conn,
  type DistrictYear,
  type FigureChange,
  type StoredFigures,
} from './recompute.js';
import { loadRollupRecords } from './rollupInput.js';
import { preparedOnce } from './fastStatements.js';

const p = (name: string) => sql.placeholder(name);

function statements(conn: Conn) {
  return preparedOnce(conn, 'figures.fastRecompute', (c) => {
    const db = c as unknown as Db;
    const byDistrictYear = and(eq(districtYearFigures.fiscalYear, p('fy')), eq(districtYearFigures.districtId, p('districtId')));
    return {
      closed: db
        .select({ one: sql`1` })
        .from(closedFiscalYears)
        .where(eq(closedFiscalYears.fiscalYear, p('fy')))
        .prepare(),
      // Probes read with get(), which stops at the first row: no LIMIT, whose bound parameter
      // (Drizzle binds .limit(1) as one) costs SQLite far more per run than the probe itself.
      yearStored: db
        .select({ one: sql`1` })
        .from(districtYearFigures)
        .where(eq(districtYearFigures.fiscalYear, p('fy')))
        .prepare(),
      inSuccession: db
        .select({ one: sql`1` })
        .from(successionLinks)
        .where(eq(successionLinks.districtId, p('districtId')))
        .prepare(),
      settings: db.select().from(settings).prepare(),
      district: db
        .select({ id: districts.id, wardId: districts.wardId, activeFrom: districts.activeFrom, activeTo: districts.activeTo })
        .from(districts)
        .where(eq(districts.id, p('districtId')))
        .prepare(),
      stored: db.select().from(districtYearFigures).where(byDistrictYear).prepare(),
      upsert: db
        .insert(districtYearFigures)
        .values(Object.fromEntries(FIELDS.map((k) => [k, p(k)])) as unknown as StoredFigures)
        .onConflictDoUpdate({
          target: [districtYearFigures.fiscalYear, districtYearFigures.districtId],
          set: Object.fromEntries(
            FIELDS.filter((k) => k !== 'fiscalYear' && k !== 'districtId').map((k) => [k, sql`excluded.${sql.identifier(districtYearFigures[k].name)}`]),
          ),
        })
        .prepare(),
      remove: db.delete(districtYearFigures).where(byDistrictYear).prepare(),
    };
  });
}

/** True if the district takes part in a succession event (one prepared lookup; most districts never do). */
export function takesPartInSuccession(conn: Conn, districtId: number): boolean {
  return !!statements(conn).inSuccession.get({ districtId });
}

/** Every stored column, in schema order. */
const FIELDS = ['fiscalYear', 'districtId', ...FIGURE_FIELDS, 'computedAt'] as const satisfies readonly (keyof StoredFigures)[];

/** The settings rows last parsed, and their ③ value: the same rows parse to the same value. */
let lastSettings: { text: string; regularMeetingMonths: number } | null = null;

/** The ③ setting, read as getSettings reads it (defaults for what is not stored); parsed again only when the rows changed. */
function regularMeetingMonthsOf(conn: Conn): number {
  const rows = statements(conn).settings.all();
  const text = JSON.stringify(rows.map((r) => [r.key, r.value]));
  if (lastSettings?.text !== text) {
    const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
    const known = Object.fromEntries(Object.entries(stored).filter(([k]) => k in settingsSchema.shape));
    lastSettings = { text, regularMeetingMonths: settingsSchema.parse(known).regularMeetingMonths };
  }
  return lastSettings.regularMeetingMonths;
}

/**
 * Recomputes the stored figures of the given district-years, as
 * recomputeDistrictYears does (call it inside the write's transaction, after
 * the write); returns what changed.
 */
export function recomputeDistrictYearsFast(conn: Conn, pairs: Iterable<DistrictYear>): FigureChange[] {
  const s = statements(conn);
  const seen = new Set<string>();
  const rest: DistrictYear[] = [];
  const changes: FigureChange[] = [];
  let regularMeetingMonths: number | undefined;
  let now: string | undefined;
  for (const { districtId, fiscalYear: fy } of pairs) {
    const key = `${fy}:${districtId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (s.closed.get({ fy })) continue;
    if (!s.yearStored.get({ fy }) || s.inSuccession.get({ districtId })) {
      rest.push({ districtId, fiscalYear: fy });
      continue;
    }
    const district = s.district.get({ districtId });
    const before = s.stored.get({ fy, districtId }) ?? null;
    if (!district) {
      // A district that no longer exists keeps no stored figures.
      if (before) {
        s.remove.run({ fy, districtId });
        changes.push({ districtId, fiscalYear: fy, kind: 'deleted', fields: changedFigureFields(before, null), before, after: null });
      }
      continue;
    }
    regularMeetingMonths ??= regularMeetingMonthsOf(conn);
    now ??= new Date().toISOString();
    const f = computeFigures(district, fy, { districts: [district], ...loadRollupRecords(conn, fy, fy, [districtId]), regularMeetingMonths });
    const after = f.active || f.monthsReported > 0 ? storedRowOf(district, fy, f, regularMeetingMonths, now) : null;
    const fields = changedFigureFields(before, after);
    if (fields.length === 0) continue;
    if (after) s.upsert.run(after);
    else s.remove.run({ fy, districtId });
    changes.push({ districtId, fiscalYear: fy, kind: !before ? 'created' : !after ? 'deleted' : 'updated', fields, before, after });
  }
  if (rest.length > 0) changes.push(...recomputeDistrictYears(conn, rest));
  return changes;
}
