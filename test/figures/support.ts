/**
 * Helpers for the figures-of-record tests: a small city on a fresh database,
 * the stored figures as plain rows, and a full recompute from the records with
 * the pure rollup module (the one definition of every rule).
 */
import { asc } from 'drizzle-orm';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { districts, districtYearFigures, monthlyReports, plans, salons, successionEvents, successionLinks, users } from '../../src/db/schema.js';
import { districtYearFigures as computeFigures, type RollupInput, type SuccessionSpan } from '../../src/domain/rollup.js';
import { getSettings } from '../../src/db/settings.js';
import { addDistrict, addWard } from '../support/app.js';

export interface SmallCity {
  database: Database$;
  wardA: number;
  wardB: number;
  d1: number;
  d2: number;
  d3: number;
}

/** Two wards, three districts (d3 only active from FY2023) and a city user (id 1); in memory unless a file is given. */
export async function smallCity(path = ':memory:'): Promise<SmallCity> {
  const database = await openDatabase(path);
  const wardA = addWard(database, '東区', 1);
  const wardB = addWard(database, '西区', 2);
  const d1 = addDistrict(database, { code: 'E01', name: '東一校区', wardId: wardA });
  const d2 = addDistrict(database, { code: 'E02', name: '東二校区', wardId: wardA });
  const d3 = addDistrict(database, { code: 'W01', name: '西一校区', wardId: wardB, activeFrom: 2023 });
  // User 1, whom audit events and closed years name.
  database.db.insert(users).values({ login: 'city', displayName: '市社協', passwordHash: 'unused', role: 'city', createdAt: '2024-01-01T00:00:00.000Z' }).run();
  return { database, wardA, wardB, d1, d2, d3 };
}

/** The stored figures without the computation time, keyed `fy:districtId`. */
export function storedFigures(database: Database$, years?: readonly number[]): Map<string, Record<string, unknown>> {
  const rows = database.db.select().from(districtYearFigures).orderBy(asc(districtYearFigures.fiscalYear), asc(districtYearFigures.districtId)).all();
  const out = new Map<string, Record<string, unknown>>();
  for (const { computedAt: _at, ...row } of rows) {
    if (years && !years.includes(row.fiscalYear)) continue;
    out.set(`${row.fiscalYear}:${row.districtId}`, row);
  }
  return out;
}

/** Every succession event as the rollup takes it, read straight from the tables. */
export function allSuccessions(database: Database$): SuccessionSpan[] {
  const { db } = database;
  const links = db.select().from(successionLinks).all();
  return db
    .select()
    .from(successionEvents)
    .all()
    .map((e) => ({
      firstMonth: e.firstMonth,
      predecessorIds: links.filter((l) => l.eventId === e.id && l.side === 'predecessor').map((l) => l.districtId),
      successorIds: links.filter((l) => l.eventId === e.id && l.side === 'successor').map((l) => l.districtId),
    }));
}

/** What the stored figures of `years` must be: the pure module run on every record, from scratch. */
export function expectedFigures(database: Database$, years: readonly number[]): Map<string, Record<string, unknown>> {
  const { db } = database;
  const list = db.select().from(districts).all();
  const input: RollupInput = {
    districts: list,
    reports: db.select().from(monthlyReports).all(),
    salons: db.select().from(salons).all(),
    plans: db.select().from(plans).all(),
    regularMeetingMonths: getSettings(db).regularMeetingMonths,
    successions: allSuccessions(database),
  };
  const out = new Map<string, Record<string, unknown>>();
  for (const fy of years) {
    for (const d of list) {
      const f = computeFigures(d, fy, input);
      if (!f.active && f.monthsReported === 0) continue;
      out.set(`${fy}:${d.id}`, {
        fiscalYear: fy,
        districtId: d.id,
        wardId: d.wardId,
        active: f.active ? 1 : 0,
        monthsReported: f.monthsReported,
        watchedTotal: f.watchedTotal,
        watchedElderly: f.watchedElderly,
        watchedDisability: f.watchedDisability,
        watchedSingleParent: f.watchedSingleParent,
        watchedOther: f.watchedOther,
        welfareCooperators: f.welfareCooperators,
        mutualAidCases: f.mutualAidCases,
        regularMeetings: f.regularMeetings,
        meetingMonths: f.meetingMonths,
        regularMeetingMonths: input.regularMeetingMonths,
        planFormulated: f.planFormulated,
        wellClubParticipants: f.wellClubParticipants,
        salonsOpen: f.salonsOpen,
        planActive: f.planActive,
      });
    }
  }
  return out;
}
