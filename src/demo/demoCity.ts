/**
 * The demo city (DESIGN §10): on an empty database, 北九州市's seven wards with
 * about 130 districts, demo users of each role, the citywide figures printed
 * in seeds 000 and 003 as published figures, and generated records from R6 on
 * whose magnitudes continue that series.
 */
import { createDemoAgendaSheet } from '../agendas/demo.js';
import { createDemoIndicatorSheet, createDemoMinseiSheet } from './indicatorSheet.js';
import { HELP_BREAKDOWN_DISTRICTS, SEED_001_WARD, insertDemoIndicators, insertSeed003Indicators } from './indicators.js';
import { count, eq, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/index.js';
import { caseStudies, districts, monthlyReports, planSchedules, plans, publishedFigures, salons, users, wards } from '../db/schema.js';
import { hashPassword, type ScryptParams } from '../auth/passwords.js';
import { recordAudit } from '../audit/repository.js';
import { getSettings } from '../db/settings.js';
import { currentMonth, previousMonth } from '../domain/fiscalYear.js';
import { isOverdue, todayInJapan } from '../domain/due.js';
import { DEMO_CASE_STUDIES } from './caseStudies.js';
import {
  generateMonthlyReports,
  generatePlanSchedules,
  generatePlans,
  generateSalons,
  FIRST_REPORT_MONTH,
  type GeneratorClock,
  type GeneratorDistrict,
} from './generate.js';
import { DEMO_DISTRICTS, DEMO_WARDS, MERGER_LAST_FY } from './geography.js';
import { recordSuccession, type SuccessionInput } from '../successions/repository.js';
import { SEED_FIGURES } from './publishedFigures.js';
import { fiscalYearsOfRecords, recomputeFiscalYears } from '../figures/recompute.js';

export interface DemoResult {
  users: { login: string; description: string }[];
}

export interface DemoOptions {
  /** scrypt cost for the demo users' hashes (tests pass a cheap one). */
  passwordParams?: ScryptParams;
  /** The moment the demo city is made at; generated reports run through the last month already due then. */
  now?: Date;
}

/** The password of every demo user (demo mode only; printed on the console and in the README). */
export const DEMO_PASSWORD = 'mimamori-demo';

const DEMO_USERS = [
  { login: 'demo-city', displayName: '市社協 デモ', role: 'city', description: '市社協の職員（全市）' },
  { login: 'demo-ward', displayName: '門司区社協 デモ', role: 'ward', ward: '門司区', description: '区社協の職員（門司区）' },
  { login: 'demo-district', displayName: '田野浦校区社協 デモ', role: 'district', district: '101', description: '校(地)区社協の担当者（田野浦校区）' },
] as const;

/**
 * Inserts many rows through one prepared statement. Drizzle's multi-row
 * VALUES builds its SQL slowly for thousands of rows; a prepared statement run
 * per row inside the transaction is several times faster. Every row must have
 * the first row's keys.
 */
function insertRows<T extends SQLiteTable>(tx: Pick<Db, 'insert'>, table: T, rows: T['$inferInsert'][]): void {
  const first = rows[0];
  if (!first) return;
  const shape = Object.fromEntries(Object.keys(first).map((key) => [key, sql.placeholder(key)])) as T['$inferInsert'];
  const statement = tx.insert(table).values(shape).prepare();
  for (const row of rows) statement.run(row);
}

/** The last month whose report is already due on `today` (due by the `dueDay`th of the next month). */
export function lastDueMonth(now: Date, dueDay: number): string {
  const today = todayInJapan(now);
  let month = previousMonth(currentMonth(now));
  while (!isOverdue(month, today, dueDay)) month = previousMonth(month);
  return month;
}

function hasWards(db: Pick<Db, 'select'>): boolean {
  return db.select({ n: count() }).from(wards).get()!.n > 0;
}

function hasUsers(db: Pick<Db, 'select'>): boolean {
  return db.select({ n: count() }).from(users).get()!.n > 0;
}

/** The demo city is made only in a database with no wards and no users at all (DESIGN §12). */
function isEmptyForDemo(db: Pick<Db, 'select'>): boolean {
  return !hasWards(db) && !hasUsers(db);
}

/** Logins of the demo users (whose password is public). */
export const DEMO_LOGINS: readonly string[] = DEMO_USERS.map((u) => u.login);

/** Creates the demo city on an empty database; returns the users made, or null if data existed. */
/** The demo city's merges and splits: 枝光 + 枝光北 → 枝光台 when their schools were consolidated (geography.ts). */
export const DEMO_SUCCESSIONS: readonly SuccessionInput[] = [
  { label: '枝光台校区の統合', predecessorCodes: ['511', '512'], successorCodes: ['513'], firstMonth: `${MERGER_LAST_FY + 1}-04` },
];

export async function ensureDemoCity(db: Db, options: DemoOptions = {}): Promise<DemoResult | null> {
  if (!isEmptyForDemo(db)) return null;
  // Hashing is slow by design: do it before the write transaction, which must not await.
  // The demo password is public, so one hash serves all three users (a third of the start-up wait).
  const passwordHash = await hashPassword(DEMO_PASSWORD, options.passwordParams);
  const now = options.now ?? new Date();
  const nowIso = now.toISOString();
  const { reportDueDay } = getSettings(db);
  const clock: GeneratorClock = { today: todayInJapan(now), lastReportMonth: lastDueMonth(now, reportDueDay), reportDueDay };

  const created = db.transaction((tx) => {
    // Someone may have filled the database while the hashes were computed.
    if (!isEmptyForDemo(tx)) return null;

    const wardIds = new Map<string, number>();
    DEMO_WARDS.forEach((w, i) => {
      const row = tx
        .insert(wards)
        .values({ name: w.name, kana: w.kana, sortOrder: i + 1 })
        .returning({ id: wards.id })
        .get();
      wardIds.set(w.name, row.id);
    });
    const stored = tx
      .insert(districts)
      .values(
        DEMO_DISTRICTS.map((d) => ({ code: d.code, name: d.name, kana: d.kana, wardId: wardIds.get(d.ward)!, activeFrom: d.activeFrom, activeTo: d.activeTo })),
      )
      .returning({ id: districts.id, code: districts.code })
      .all();
    const districtIds = new Map(stored.map((r) => [r.code, r.id]));

    // Each ward's people spread over the districts it has today; an island counts for little.
    const generatorDistricts: GeneratorDistrict[] = DEMO_DISTRICTS.map((d) => {
      const ward = DEMO_WARDS.find((w) => w.name === d.ward)!;
      const current = DEMO_DISTRICTS.filter((x) => x.ward === d.ward && x.activeTo === null).length;
      return {
        id: districtIds.get(d.code)!,
        code: d.code,
        name: d.name,
        weight: (ward.population / current) * (d.size ?? 1),
        activeFrom: d.activeFrom,
        activeTo: d.activeTo,
      };
    });

    const reports = generateMonthlyReports(generatorDistricts, clock);
    insertRows(tx, monthlyReports, reports);
    const salonRows = generateSalons(generatorDistricts, clock);
    insertRows(tx, salons, salonRows);
    const planRows = generatePlans(generatorDistricts, clock);
    insertRows(tx, plans, planRows);
    // 策定予定: rows of their own, so ④⑦ stay as printed.
    insertRows(tx, planSchedules, generatePlanSchedules(generatorDistricts));
    // The figures of record of every year the demo records cover (DESIGN §7).
    recomputeFiscalYears(tx, fiscalYearsOfRecords(tx, now));

    // Council-defined indicators (DESIGN §11): seed 001's ward-yearly table entered by one
    // ward, and seed 004's kinds of help for a few of its districts' ② (from R6 on).
    const breakdownIds = new Set(HELP_BREAKDOWN_DISTRICTS.map((code) => districtIds.get(code)));
    insertDemoIndicators(
      tx,
      wardIds.get(SEED_001_WARD)!,
      reports
        .filter((r) => breakdownIds.has(r.districtId) && r.mutualAidCases !== null && r.mutualAidCases !== undefined)
        .map((r) => ({ districtId: r.districtId, month: r.month, mutualAidCases: r.mutualAidCases! })),
      clock.lastReportMonth,
      nowIso,
    );
    // Seed 003's 民生委員 table (H28, R1, R4, with 充足率 as a ratio) and ボランティア活動保険加入者数,
    // entered by the wards so that the city's sums are the printed figures. The demo ward user's
    // ward (門司区) enters none, so that its table keeps the seven items only, as before.
    const demoWard = DEMO_USERS.find((u) => u.role === 'ward');
    insertSeed003Indicators(
      tx,
      DEMO_WARDS.filter((w) => !demoWard || !('ward' in demoWard) || w.name !== demoWard.ward).map((w) => ({
        id: wardIds.get(w.name)!,
        population: w.population,
      })),
      nowIso,
    );

    tx.insert(publishedFigures)
      .values(
        SEED_FIGURES.map((f) => ({
          item: f.item,
          fiscalYear: f.fiscalYear,
          scopeType: 'city' as const,
          scopeId: 0,
          value: f.value,
          note: f.note,
          updatedBy: null,
          updatedAt: nowIso,
        })),
      )
      .run();

    for (const c of DEMO_CASE_STUDIES) {
      // Written in the January after the activity, unless that is still to come.
      const written = `${c.fiscalYear + 1}-01-20T01:00:00.000Z`;
      const at = written < nowIso ? written : nowIso;
      tx.insert(caseStudies)
        .values({ districtId: districtIds.get(c.districtCode)!, fiscalYear: c.fiscalYear, title: c.title, body: c.body, createdAt: at, updatedAt: at })
        .run();
    }

    for (const u of DEMO_USERS) {
      tx.insert(users)
        .values({
          login: u.login,
          displayName: u.displayName,
          passwordHash,
          role: u.role,
          wardId: 'ward' in u ? wardIds.get(u.ward)! : null,
          districtId: 'district' in u ? districtIds.get(u.district)! : null,
          createdAt: nowIso,
        })
        .run();
    }

    recordAudit(tx, {
      userId: null,
      action: 'create',
      entity: 'demo_city',
      detail: `デモ用の市を作成しました（${DEMO_WARDS.length}区・${DEMO_DISTRICTS.length}校(地)区、月次報告 ${reports.length}件（${FIRST_REPORT_MONTH}〜${clock.lastReportMonth}）、サロン ${salonRows.length}件、活動計画 ${planRows.length}件）`,
    });

    // The merger as an event (DESIGN §2), recorded after the figures are stored so it recomputes only its districts.
    for (const e of DEMO_SUCCESSIONS) recordSuccession(tx, e, { userId: null }, now);

    return { users: DEMO_USERS.map((u) => ({ login: u.login, description: u.description })) };
  });
  if (created) {
    // The finalised sheet that reproduces seed 000's first page, composed by the demo city user.
    const cityUser = db.select({ id: users.id }).from(users).where(eq(users.login, 'demo-city')).get();
    createDemoAgendaSheet(db, cityUser?.id ?? null);
    // A draft sheet that prints seed 001's indicator table.
    createDemoIndicatorSheet(db, cityUser?.id ?? null, clock.lastReportMonth);
    // A draft sheet that prints seed 003's 民生委員 table.
    createDemoMinseiSheet(db, cityUser?.id ?? null);
  }
  return created;
}
