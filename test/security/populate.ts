import type { Database$ } from '../../src/db/index.js';
import {
  agendaSheets,
  auditEvents,
  caseStudies,
  closedFiscalYears,
  districtIndicatorValues,
  indicatorCategories,
  indicatorDefinitions,
  monthlyReports,
  monthReviews,
  pendingForms,
  pendingUploads,
  planSchedules,
  successionEvents,
  successionLinks,
  wardIndicatorValues,
  plans,
  publishedFigures,
  salons,
  sessions,
  settings,
} from '../../src/db/schema.js';
import { seedSmallCity } from '../support/app.js';
import { recomputeFiscalYears } from '../../src/figures/recompute.js';

const now = '2026-11-01T00:00:00.000Z';

/** Tables that hold rows of their own (everything but SQLite's and drizzle's bookkeeping). */
export function userTables(database: Database$): string[] {
  return (
    database.sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY name")
      .all() as { name: string }[]
  ).map((r) => r.name);
}

/** Row count of every user table. */
export function rowCounts(database: Database$): Record<string, number> {
  return Object.fromEntries(userTables(database).map((t) => [t, (database.sqlite.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n]));
}

/** Every row of every user table, in a stable order, for exact before/after comparisons. */
export function tableContents(database: Database$): Record<string, unknown[]> {
  return Object.fromEntries(userTables(database).map((t) => [t, database.sqlite.prepare(`SELECT * FROM "${t}" ORDER BY 1`).all()]));
}

/**
 * The small city plus records that belong to the *west* ward's district W01,
 * inserted first so that id 1 of every register is outside the east ward's scope.
 */
export async function seedCityWithWestRecords(database: Database$) {
  const ids = await seedSmallCity(database);
  const { db } = database;
  db.insert(monthlyReports)
    .values({
      districtId: ids.d3,
      month: '2024-04',
      watchedElderly: 12,
      watchedDisability: 3,
      watchedSingleParent: 1,
      watchedOther: 0,
      welfareCooperators: 20,
      mutualAidCases: 5,
      coordinationMeetings: 1,
      wellClubParticipants: 40,
      note: '西の備考',
      updatedAt: now,
    })
    .run();
  db.insert(salons).values({ districtId: ids.d3, name: '西サロン', venue: '西公民館', openedOn: '2020-04-01' }).run();
  db.insert(plans).values({ districtId: ids.d3, generation: 1, formulatedFy: 2020, firstFy: 2021, lastFy: 2025 }).run();
  db.insert(caseStudies).values({ districtId: ids.d3, fiscalYear: 2024, title: '西の事例', body: '本文', createdAt: now, updatedAt: now }).run();
  db.insert(publishedFigures).values({ item: '1', fiscalYear: 2019, scopeType: 'district', scopeId: ids.d3, value: 100, updatedAt: now }).run();
  db.insert(agendaSheets)
    .values({ heading: '議題（１）ア 小地域福祉活動の状況', fromFy: 2019, toFy: 2023, content: '{}', createdAt: now, updatedAt: now })
    .run();
  return ids;
}

/** Puts at least one row into every table (used by the migration and backup tests). */
export async function populateEveryTable(database: Database$): Promise<void> {
  const ids = await seedCityWithWestRecords(database);
  const { db } = database;
  for (let m = 0; m < 24; m++) {
    const month = `${2023 + Math.floor((m + 3) / 12)}-${String(((m + 3) % 12) + 1).padStart(2, '0')}`;
    db.insert(monthlyReports)
      .values({
        districtId: ids.d1,
        month,
        watchedElderly: 100 + m,
        watchedDisability: null,
        mutualAidCases: m,
        note: m % 5 === 0 ? `備考 ${m}` : null,
        updatedAt: now,
      })
      .run();
    db.insert(auditEvents).values({ at: now, userId: 1, action: 'create', entity: 'monthly_report', districtId: ids.d1, month, after: '{"x":1}' }).run();
  }
  db.insert(salons).values({ districtId: ids.d1, name: '東サロン', venue: '', openedOn: '2019-05-01', closedOn: '2024-03-31', subsidyApplied: true }).run();
  db.insert(plans).values({ districtId: ids.d2, generation: 2, formulatedFy: 2023, firstFy: 2024, lastFy: 2028 }).run();
  db.insert(caseStudies).values({ districtId: ids.d1, fiscalYear: 2023, title: '東の事例', body: '複数行\n本文', createdAt: now, updatedAt: now }).run();
  db.insert(publishedFigures)
    .values({ item: '3', fiscalYear: 2020, scopeType: 'city', scopeId: 0, value: null, note: 'コロナ禍で正確な統計不可', updatedAt: now })
    .run();
  db.insert(settings).values({ key: 'regularMeetingMonths', value: '6' }).run();
  // The figures of record (district_year_figures) of the years above.
  recomputeFiscalYears(db, [2023, 2024]);
  db.insert(closedFiscalYears).values({ fiscalYear: 2022, closedBy: 1, closedAt: now }).run();
  db.insert(sessions).values({ sid: 'session-1', userId: 1, data: '{}', createdAt: 1, lastSeenAt: 1, expiresAt: 9_999_999_999_999 }).run();
  db.insert(pendingForms)
    .values({ id: 'pending-1', userId: 1, path: '/districts/W01/reports/2024-05', body: '{"note":"x"}', createdAt: 1, expiresAt: 9_999_999_999_999 })
    .run();
  db.insert(monthReviews)
    .values({
      districtId: ids.d1,
      month: '2023-04',
      status: 'returned',
      comment: '高齢者世帯の数を確かめてください',
      reportVersion: 1,
      reviewedBy: 1,
      reviewedAt: now,
    })
    .run();
  db.insert(planSchedules).values({ districtId: ids.d1, scheduledFy: 2027, note: '策定予定' }).run();
  db.insert(pendingUploads)
    .values({
      id: 'upload-1',
      userId: 1,
      kind: 'monthly',
      fileName: '月次.csv',
      content: Buffer.from('district_code,month\n'),
      createdAt: 1,
      expiresAt: 9_999_999_999_999,
    })
    .run();
  // A council's own indicators (DESIGN §11): a district-monthly one with a category, and a ward-yearly one.
  const helpKinds = db
    .insert(indicatorDefinitions)
    .values({
      key: 'help_kinds',
      name: '助け合いの内容',
      unit: '件',
      enteredBy: 'district_monthly',
      rollup: 'sum',
      breaksDownField: 'mutual_aid_cases',
      firstFy: 2023,
    })
    .returning({ id: indicatorDefinitions.id })
    .get();
  const shopping = db
    .insert(indicatorCategories)
    .values({ indicatorId: helpKinds.id, key: 'shopping', name: '買い物', firstFy: 2023 })
    .returning({ id: indicatorCategories.id })
    .get();
  db.insert(districtIndicatorValues)
    .values({ indicatorId: helpKinds.id, categoryId: shopping.id, districtId: ids.d1, month: '2023-04', value: 2, updatedAt: now, updatedBy: 1 })
    .run();
  const drills = db
    .insert(indicatorDefinitions)
    .values({ key: 'drills', name: '声かけ訓練の回数', unit: '回', enteredBy: 'ward_yearly', rollup: 'sum', firstFy: 2023 })
    .returning({ id: indicatorDefinitions.id })
    .get();
  db.insert(wardIndicatorValues).values({ indicatorId: drills.id, wardId: 1, fiscalYear: 2023, value: 4, updatedAt: now, updatedBy: 1 }).run();
  // A merge recorded after the figures above (rows only: the migration and backup tests compare rows).
  const event = db
    .insert(successionEvents)
    .values({ label: '東の統合', firstMonth: '2027-04', createdAt: now, createdBy: 1 })
    .returning({ id: successionEvents.id })
    .get();
  db.insert(successionLinks)
    .values([
      { eventId: event.id, side: 'predecessor', districtId: ids.d2 },
      { eventId: event.id, side: 'successor', districtId: ids.d1 },
    ])
    .run();
}
