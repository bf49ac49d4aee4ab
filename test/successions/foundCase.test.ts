/**
 * Issue 10, found case 1: a merge in the middle of a year. Ward テスト区: T02
 * active until R6 (FY2024), reporting April–September 2024; T03 from R6,
 * reporting October 2024–March 2025; the event's first month is 2024-10.
 * Every expected value below is worked out by hand from the rows saved here.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { addDistrict, addUser, addWard, createTestApp, monthlyValues, signedIn, type TestContext } from '../support/app.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { createSalon } from '../../src/salons/repository.js';
import { createPlan } from '../../src/plans/repository.js';
import { auditEvents, plans, salons } from '../../src/db/schema.js';
import { loadScopeFigures } from '../../src/figures/repository.js';
import { recordSuccession, successionsOfDistrict, listSuccessions, movablesOf } from '../../src/successions/repository.js';
import { buildCompletenessGrid } from '../../src/completeness/status.js';
import { reportedDistrictMonths } from '../../src/completeness/repository.js';
import { listDistricts, listWards } from '../../src/districts/repository.js';
import { successionBounds } from '../../src/successions/repository.js';
import { monthsOfFiscalYear } from '../../src/domain/fiscalYear.js';

let ctx: TestContext;
let ward: number;
let t02: number;
let t03: number;
let cityUser: number;

const T02_MONTHS = ['2024-04', '2024-05', '2024-06', '2024-07', '2024-08', '2024-09'];
const T03_MONTHS = ['2024-10', '2024-11', '2024-12', '2025-01', '2025-02', '2025-03'];

beforeEach(async () => {
  ctx = await createTestApp();
  const { database } = ctx;
  ward = addWard(database, 'テスト区');
  t02 = addDistrict(database, { code: 'T02', name: 'テスト二校区', wardId: ward, activeTo: 2024 });
  t03 = addDistrict(database, { code: 'T03', name: 'テスト三校区', wardId: ward, activeFrom: 2024 });
  cityUser = await addUser(database, { login: 'city', role: 'city' });
  const { db } = database;
  // T02: 200 households (150 elderly + 50 other) in every month; meetings in April–August (5 months); 3 cases, 10 participants a month.
  T02_MONTHS.forEach((month, i) =>
    saveMonthlyReport(db, {
      districtId: t02,
      month,
      userId: cityUser,
      values: monthlyValues({
        watched_elderly: 150,
        watched_other: 50,
        welfare_cooperators: 20,
        mutual_aid_cases: 3,
        coordination_meetings: i < 5 ? 1 : 0,
        well_club_participants: 10,
      }),
    }),
  );
  // T03: 500 households in March (400 elderly + 100 other); meetings in October and November only; 4 cases, 7 participants a month.
  T03_MONTHS.forEach((month, i) =>
    saveMonthlyReport(db, {
      districtId: t03,
      month,
      userId: cityUser,
      values: monthlyValues({
        watched_elderly: 400,
        watched_other: 100,
        welfare_cooperators: 30,
        mutual_aid_cases: 4,
        coordination_meetings: i < 2 ? 1 : 0,
        well_club_participants: 7,
      }),
    }),
  );
  createSalon(db, t02, { name: 'ふれあいサロン', venue: '市民センター', openedOn: '2020-05-01', closedOn: null, subsidyApplied: true }, cityUser);
  createPlan(db, t02, { generation: 2, formulatedFy: 2022, firstFy: 2023, lastFy: 2027 }, cityUser);
});

afterEach(async () => {
  await ctx.close();
});

function record() {
  return recordSuccession(
    ctx.database.db,
    { label: 'テスト三校区の統合', predecessorCodes: ['T02'], successorCodes: ['T03'], firstMonth: '2024-10' },
    { userId: cityUser },
  );
}

describe('found case 1: a merge in the middle of FY2024', () => {
  it('counts FY2024 households once (T03 March only), ③ once with inherited months, ②⑤ from both', () => {
    const before = loadScopeFigures(ctx.database.db, 'ward', ward, 2024, 2024).get(2024)!;
    // The old rule: 200 (T02 September) + 500 (T03 March).
    expect(before.items[1].value).toBe(700);
    record();
    const fy2024 = loadScopeFigures(ctx.database.db, 'ward', ward, 2024, 2024).get(2024)!;
    expect(fy2024.items[1]).toEqual({ value: 500, districtsReported: 1 });
    expect(fy2024.households.watched_elderly.value).toBe(400);
    expect(fy2024.households.watched_other.value).toBe(100);
    expect(fy2024.households.welfare_cooperators.value).toBe(30);
    // ③: T03's own 2 months + T02's 5 months before October = 7 ≥ 6, counted once (T02 does not count).
    expect(fy2024.items[3]).toEqual({ value: 1, districtsReported: 1 });
    // ②: 6 × 3 + 6 × 4 = 42; ⑤: 6 × 10 + 6 × 7 = 102.
    expect(fy2024.items[2].value).toBe(42);
    expect(fy2024.items[5].value).toBe(102);
    // ⑥ and ⑦ are T03's year-end states: one salon, one plan.
    expect(fy2024.items[6].value).toBe(1);
    expect(fy2024.items[7].value).toBe(1);
  });

  it('keeps FY2023 with T02 (history stays attached) and counts FY2025 salon and plan under T03 after the move', () => {
    const result = record();
    expect(result.moved.map((m) => [m.kind, m.fromCode, m.toCode])).toEqual([
      ['salon', 'T02', 'T03'],
      ['plan', 'T02', 'T03'],
    ]);
    const { db } = ctx.database;
    const figures = loadScopeFigures(db, 'district', t03, 2025, 2025).get(2025)!;
    expect(figures.items[6].value).toBe(1);
    expect(figures.items[7].value).toBe(1);
    const ward2025 = loadScopeFigures(db, 'ward', ward, 2025, 2025).get(2025)!;
    expect(ward2025.items[6].value).toBe(1);
    expect(ward2025.items[7].value).toBe(1);
    const t02in2023 = loadScopeFigures(db, 'district', t02, 2023, 2023).get(2023)!;
    expect(t02in2023.items[6].value).toBe(1);
    expect(t02in2023.items[7].value).toBe(1);
    // The registers: T02's salon closes as T03's opens; T02's plan runs to FY2023, T03's from FY2024.
    const salonRows = db.select().from(salons).all();
    expect(salonRows.map((s) => [s.districtId, s.openedOn, s.closedOn, s.name])).toEqual([
      [t02, '2020-05-01', '2024-10-01', 'ふれあいサロン'],
      [t03, '2024-10-01', null, 'ふれあいサロン'],
    ]);
    const planRows = db.select().from(plans).all();
    expect(planRows.map((p) => [p.districtId, p.generation, p.firstFy, p.lastFy])).toEqual([
      [t02, 2, 2023, 2023],
      [t03, 2, 2024, 2027],
    ]);
    // Each move and the event are audited, with before and after.
    const moves = db.select().from(auditEvents).where(eq(auditEvents.action, 'move')).all();
    expect(moves.map((m) => m.entity).sort()).toEqual(['plan', 'salon']);
    expect(JSON.parse(moves[0]!.before!)).toMatchObject({ districtId: t02 });
    const event = db.select().from(auditEvents).where(eq(auditEvents.entity, 'succession')).all();
    expect(event).toHaveLength(1);
    expect(JSON.parse(event[0]!.after!)).toMatchObject({ label: 'テスト三校区の統合', firstMonth: '2024-10', predecessors: ['T02'], successors: ['T03'] });
  });

  it('shows no overdue months for T02 October–March or T03 April–September', async () => {
    const { db } = ctx.database;
    const today = '2026-11-30';
    const months = monthsOfFiscalYear(2024);
    const grid = () =>
      buildCompletenessGrid({
        fiscalYear: 2024,
        wards: listWards(db),
        districts: listDistricts(db),
        reported: reportedDistrictMonths(db, months[0]!, months[11]!),
        today,
        dueDay: 10,
        bounds: successionBounds(db),
      });
    expect(grid().wards[0]!.rows.map((r) => r.overdueCount)).toEqual([6, 6]);
    record();
    const after = grid();
    const rows = new Map(after.wards[0]!.rows.map((r) => [r.district.code, r]));
    expect([...rows.values()].map((r) => [r.district.code, r.overdueCount, r.reportedCount]).sort()).toEqual([
      ['T02', 0, 6],
      ['T03', 0, 6],
    ]);
    expect(rows.get('T02')!.statuses.slice(6)).toEqual(Array(6).fill('inactive'));
    expect(rows.get('T03')!.statuses.slice(0, 6)).toEqual(Array(6).fill('inactive'));
    expect(after.total.map((c) => c.districts)).toEqual(Array(12).fill(1));

    // The page, by district and by ward.
    const client = await signedIn(ctx.app, 'city');
    for (const url of [`/completeness?fy=2024&ward=${ward}`, '/completeness?fy=2024&view=wards']) {
      const page = await client.get(url);
      expect(page.statusCode).toBe(200);
      expect(page.body, url).toContain('期限を過ぎて未報告の月はありません。');
    }
  });

  it("marks months outside each district's bounds 対象外 on its year page, and says T02's year-end items count under T03", async () => {
    const client = await signedIn(ctx.app, 'city');
    const statusOf = (body: string, month: string) => new RegExp(`data-month="${month}"[\\s\\S]*?badge status (\\w+)`).exec(body)?.[1];
    // Before the event, T03's April is simply unreported and past its due date.
    const t03Before = await client.get('/districts/T03/years/2024');
    expect(statusOf(t03Before.body, '2024-04')).toBe('overdue');
    record();
    const t02 = await client.get('/districts/T02/years/2024');
    const t03 = await client.get('/districts/T03/years/2024');
    expect(t02.statusCode).toBe(200);
    for (const m of T03_MONTHS) expect(statusOf(t02.body, m), m).toBe('notDue');
    for (const m of T02_MONTHS) expect(statusOf(t02.body, m), m).toBe('reported');
    for (const m of T02_MONTHS) expect(statusOf(t03.body, m), m).toBe('notDue');
    expect(t02.body).toContain('対象外');
    expect(t02.body).not.toContain('期限超過');
    // The yearly block: ① of T02 belongs to T03 in FY2024; ② is T02's own 6 × 3 = 18 cases.
    const row = (body: string, item: number) => new RegExp(`data-item="${item}"[\\s\\S]*?</tr>`).exec(body)?.[0] ?? '';
    expect(row(t02.body, 1)).toContain('後継のテスト三校区で数えます');
    expect(row(t02.body, 2)).toContain('18');
    expect(row(t02.body, 2)).not.toContain('後継の');
    // T03's ③ includes T02's five meeting months before October (2 + 5 = 7 ≥ 6): 該当.
    expect(row(t03.body, 3)).toContain('該当');
    expect(row(t03.body, 3)).not.toContain('該当しない');
    expect(row(t03.body, 1)).toContain('500');
  });

  it('refuses entry of a T02 month from October on and a T03 month before October, beside the month', async () => {
    record();
    const client = await signedIn(ctx.app, 'city');
    const late = await client.get('/districts/T02/reports/2024-10');
    expect(late.body).toContain('テスト二校区は令和6年10月から後継の校(地)区に引き継がれたため');
    const post = await client.post('/districts/T02/reports/2024-11', { watched_elderly: '1', version: '0' });
    expect(post.statusCode).toBe(422);
    expect(post.body).toContain('後継の校(地)区で入力してください');
    const early = await client.post('/districts/T03/reports/2024-09', { watched_elderly: '1', version: '0' });
    expect(early.statusCode).toBe(422);
    expect(early.body).toContain('テスト三校区は令和6年10月から報告を始めた校(地)区です');
    // Their own months still open.
    const own = await client.get('/districts/T02/reports/2024-09');
    expect(own.body).not.toContain('引き継がれたため');
  });

  it('lists the event, and each district its predecessors and successors', () => {
    expect(movablesOf(ctx.database.db, ['T02'], '2024-10').map((m) => m.key)).toHaveLength(2);
    const { eventId } = record();
    const list = listSuccessions(ctx.database.db);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: eventId, label: 'テスト三校区の統合', firstMonth: '2024-10' });
    expect(list[0]!.predecessors.map((d) => d.code)).toEqual(['T02']);
    expect(list[0]!.successors.map((d) => d.code)).toEqual(['T03']);
    expect(successionsOfDistrict(ctx.database.db, t03)).toEqual({
      predecessors: [{ id: t02, code: 'T02', name: 'テスト二校区', firstMonth: '2024-10', label: 'テスト三校区の統合', eventId }],
      successors: [],
    });
    expect(successionsOfDistrict(ctx.database.db, t02).successors.map((d) => d.code)).toEqual(['T03']);
  });
});
