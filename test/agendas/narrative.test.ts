import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, monthlyValues, seedSmallCity, signedIn, TEST_SCRYPT, type TestContext } from '../support/app.js';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { districts, planSchedules, plans, salons } from '../../src/db/schema.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { createPlanSchedule } from '../../src/plans/schedules.js';
import { loadNarrativeCounts } from '../../src/agendas/narrative.js';
import { createDemoAgendaSheet, SEED_FOOTNOTE } from '../../src/agendas/demo.js';
import { getAgendaSheet } from '../../src/agendas/repository.js';
import { parseFrozen } from '../../src/agendas/content.js';
import { planScheduleFootnote, shareInWords } from '../../src/domain/narrative.js';
import { recomputeFiscalYears } from '../../src/figures/recompute.js';
import { ensureDemoCity } from '../../src/demo/demoCity.js';
import { loadSeed000 } from './support.js';

const CITY = { type: 'city', id: 0 } as const;

function frozenFootnotes(db: Database$['db'], id: number) {
  return parseFrozen(getAgendaSheet(db, id).frozen!).tables[0]!.footnotes;
}

describe('narrative counts of a scope and FY, from the registers and the stored figures', () => {
  let ctx: TestContext;
  let ids: Awaited<ReturnType<typeof seedSmallCity>>;
  beforeEach(async () => {
    ctx = await createTestApp();
    ids = await seedSmallCity(ctx.database);
  });
  afterEach(async () => ctx.close());

  /**
   * FY2023 by hand (E01, E02 in 東区; W01 in 西区; W02 in 西区 ended in FY2022):
   * salons open on 2024-03-31: E01 (two), W01 — E02's closed on 2024-03-31, W02 ended;
   * subsidy for a salon opened in FY2023: E01 (one of its two), not W01's (opened FY2022);
   * Well Club: E02 (12 in 2023-08), W01 reported 0;
   * plans: E01 formulated FY2021; W01 formulates FY2024 (after the FY);
   * 策定予定: E01 for FY2023 (its 2nd plan) and FY2026; W01 for FY2024; E02 for FY2025; W02 for FY2024 (ended: nowhere).
   */
  function seedFy2023() {
    const { db } = ctx.database;
    const w02 = db.insert(districts).values({ code: 'W02', name: '西二校区', kana: 'にしに', wardId: ids.wardB, activeTo: 2022 }).returning().get().id;
    db.insert(salons)
      .values([
        { districtId: ids.d1, name: 'A', openedOn: '2020-05-01', subsidyApplied: false },
        { districtId: ids.d1, name: 'B', openedOn: '2023-06-01', subsidyApplied: true },
        { districtId: ids.d2, name: 'C', openedOn: '2023-05-01', closedOn: '2024-03-31', subsidyApplied: false },
        { districtId: ids.d3, name: 'D', openedOn: '2022-09-01', subsidyApplied: true },
        { districtId: w02, name: 'E', openedOn: '2019-09-01', subsidyApplied: true },
      ])
      .run();
    db.insert(plans)
      .values([
        { districtId: ids.d1, generation: 1, formulatedFy: 2021, firstFy: 2022, lastFy: 2026 },
        { districtId: ids.d3, generation: 1, formulatedFy: 2024, firstFy: 2025, lastFy: 2029 },
      ])
      .run();
    saveMonthlyReport(db, { districtId: ids.d2, month: '2023-08', values: monthlyValues({ well_club_participants: 12 }), userId: null });
    saveMonthlyReport(db, { districtId: ids.d3, month: '2023-08', values: monthlyValues({ well_club_participants: 0 }), userId: null });
    for (const [districtId, scheduledFy] of [
      [ids.d1, 2023],
      [ids.d1, 2026],
      [ids.d3, 2024],
      [ids.d2, 2025],
      [w02, 2024],
    ] as const) {
      createPlanSchedule(db, districtId, { scheduledFy, note: '' }, null);
    }
  }

  const CITY_2023 = {
    fiscalYear: 2023,
    activeDistricts: 3,
    districtsWithSalon: 2,
    districtsWithSubsidy: 1,
    districtsWithWellClub: 1,
    scheduledInFy: 1,
    scheduledInNextFy: 1,
    withoutPlan: 2,
    // E01 (a plan, its next scheduled for FY2026) and E02 (no plan, scheduled FY2025); W01 is scheduled next year.
    remainingAfterNextFy: 2,
  };

  it('counts each definition for the city, a ward and a district, from stored figures', () => {
    seedFy2023();
    recomputeFiscalYears(ctx.database.db, [2023]);
    const { db } = ctx.database;
    expect(loadNarrativeCounts(db, CITY, 2023)).toEqual(CITY_2023);
    expect(loadNarrativeCounts(db, { type: 'ward', id: ids.wardA }, 2023)).toMatchObject({
      activeDistricts: 2,
      districtsWithSalon: 1,
      districtsWithSubsidy: 1,
      districtsWithWellClub: 1,
      scheduledInFy: 1,
      scheduledInNextFy: 0,
      withoutPlan: 1,
      remainingAfterNextFy: 2,
    });
    expect(loadNarrativeCounts(db, { type: 'district', id: ids.d3 }, 2023)).toMatchObject({
      activeDistricts: 1,
      districtsWithSalon: 1,
      districtsWithSubsidy: 0,
      districtsWithWellClub: 0,
      scheduledInNextFy: 1,
      withoutPlan: 1,
      remainingAfterNextFy: 0,
    });
    // FY2024: W01 formulated its plan; nobody is scheduled for FY2025 but E02.
    expect(loadNarrativeCounts(db, CITY, 2024)).toMatchObject({ scheduledInFy: 1, scheduledInNextFy: 1, withoutPlan: 1, remainingAfterNextFy: 1 });
  });

  it('gives the same counts for a year that holds no stored figures yet (computed without writing)', () => {
    seedFy2023();
    const { db } = ctx.database;
    ctx.database.sqlite.prepare('DELETE FROM district_year_figures WHERE fiscal_year = 2023').run();
    expect(loadNarrativeCounts(db, CITY, 2023)).toEqual(CITY_2023);
    expect(ctx.database.sqlite.prepare('SELECT count(*) AS n FROM district_year_figures WHERE fiscal_year = 2023').get()).toEqual({ n: 0 });
  });

  it('the demo sheet’s ※ footnote is computed from the 策定予定 register', () => {
    seedFy2023();
    loadSeed000(ctx.database.db);
    const id = createDemoAgendaSheet(ctx.database.db, null);
    expect(frozenFootnotes(ctx.database.db, id)).toEqual([{ marker: '※', text: '小地域福祉活動計画はＲ６年度１校(地)区策定予定で、残り２校(地)区' }]);
  });

  it('the editor shows 「引用できる数」 for the first table’s scope and the sheet’s last FY, each with its sentence', async () => {
    seedFy2023();
    recomputeFiscalYears(ctx.database.db, [2023]);
    const city = await signedIn(ctx.app, 'city');
    const page = await city.get('/agendas/new');
    expect(page.statusCode).toBe(200);
    const panel = /<section class="editor-block narrative-panel"[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? '';
    expect(panel).toContain('引用できる数（全市・');

    loadSeed000(ctx.database.db);
    const id = createDemoAgendaSheet(ctx.database.db, null);
    // A draft copy of the R1–R5 sheet shows FY2023's counts for the city.
    const draft = await city.post(`/agendas/${id}/duplicate`, {});
    const editUrl = String(draft.headers.location);
    const editor = await city.get(editUrl);
    const shown = /<section class="editor-block narrative-panel"[\s\S]*?<\/section>/.exec(editor.body)?.[0] ?? '';
    expect(shown).toContain('引用できる数（全市・令和5年度）');
    expect(shown).toContain('サロン活動の校(地)区社協の実施率は約７割（令和５年度末で３校(地)区中２校(地)区）となっている。');
    expect(shown).toContain('令和５年度は、１校(地)区社協がサロン新設のための助成金を申請した。');
    expect(shown).toContain('令和５年度は１校(地)区社協がウェルクラブ活動に取り組んだ。');
    expect(shown).toContain('令和６年度は１校(地)区社協が小地域福祉活動計画の策定を予定している。');
    expect(shown).toContain('小地域福祉活動計画はＲ６年度１校(地)区策定予定で、残り２校(地)区');
    // The insert buttons need the script: hidden in the HTML, the sentence is plain text.
    expect(shown).toMatch(/<button type="button"[^>]*data-narrative-insert="[^"]+"[^>]*hidden>/);
  });

  it('follows the first table’s scope: a ward sheet shows the ward’s counts', async () => {
    seedFy2023();
    recomputeFiscalYears(ctx.database.db, [2023]);
    const city = await signedIn(ctx.app, 'city');
    await city.get('/agendas/new');
    // Adding a section re-renders the editor with what was posted, unsaved.
    const fields: Record<string, string> = {
      heading: 'x',
      subheading: '',
      from: 'R1',
      to: 'R5',
      version: '0',
      tableCount: '1',
      sectionCount: '0',
      't0.kind': 'items',
      't0.scope': 'ward:東区',
      't0.heading': '',
      't0.basis': 'yoy',
      't0.flatPercent': '5',
      't0.strongPercent': '20',
      't0.headerStyle': 'short',
      't0.note': '',
      op: 'addSection',
    };
    const res = await city.post('/agendas/new', fields);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('引用できる数（東区・令和5年度）');
    expect(res.body).toContain('サロン活動の校(地)区社協の実施率は約５割（令和５年度末で２校(地)区中１校(地)区）となっている。');
  });
});

describe('the demo city reads seed 000’s narrative', () => {
  let database: Database$;
  beforeAll(async () => {
    database = await openDatabase(':memory:');
    await ensureDemoCity(database.db, { passwordParams: TEST_SCRYPT, now: new Date('2026-11-23T12:00:00+09:00') });
  }, 120_000);
  afterAll(() => database?.sqlite.close());

  it('R5: Ｒ６年度１４校(地)区策定予定で、残り１８校(地)区, and about 8 in 10 districts run a salon', () => {
    const c = loadNarrativeCounts(database.db, CITY, 2023);
    expect(planScheduleFootnote(c)).toBe(SEED_FOOTNOTE);
    expect(c).toMatchObject({ scheduledInNextFy: 14, remainingAfterNextFy: 18 });
    expect(shareInWords(c.districtsWithSalon, c.activeDistricts)).toBe('約８割');
  });

  it('R6: 20 districts applied for the salon start-up subsidy', () => {
    expect(loadNarrativeCounts(database.db, CITY, 2024).districtsWithSubsidy).toBe(20);
  });

  it('the demo sheet’s footnote is the computed one, and it follows the register', () => {
    const { db } = database;
    const r6 = db.select().from(planSchedules).where(eq(planSchedules.scheduledFy, 2024)).all();
    expect(r6).toHaveLength(14);
    const demo = createDemoAgendaSheet(db, null);
    expect(frozenFootnotes(db, demo)).toEqual([{ marker: '※', text: SEED_FOOTNOTE }]);
    // One district withdraws its R6 schedule: the next demo sheet says 13 and 18 (it already has a plan).
    db.delete(planSchedules).where(eq(planSchedules.id, r6[0]!.id)).run();
    const again = createDemoAgendaSheet(db, null);
    expect(frozenFootnotes(db, again)[0]!.text).toBe('小地域福祉活動計画はＲ６年度１３校(地)区策定予定で、残り１８校(地)区');
  });
});
