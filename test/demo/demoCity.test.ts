import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, asc, count, eq, gt, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { agendaSheets, auditEvents, caseStudies, districts, monthlyReports, plans, publishedFigures, salons, users, wards } from '../../src/db/schema.js';
import { DEMO_PASSWORD, ensureDemoCity, lastDueMonth } from '../../src/demo/demoCity.js';
import { loadTrendTable, resolveScope } from '../../src/trends/repository.js';
import { Client, createTestApp, TEST_PASSWORD, TEST_SCRYPT, type TestContext } from '../support/app.js';

// The day the brief was written: reports for 2026-10 were due on 2026-11-10.
const NOW = new Date('2026-11-23T12:00:00+09:00');

let database: Database$;
beforeEach(async () => {
  database = await openDatabase(':memory:');
});
afterEach(() => database.sqlite.close());

async function makeDemo(now = NOW) {
  return ensureDemoCity(database.db, { passwordParams: TEST_SCRYPT, now });
}

function rowCounts() {
  const { db } = database;
  const n = (table: SQLiteTable) => db.select({ n: count() }).from(table).get()!.n;
  return {
    wards: n(wards),
    districts: n(districts),
    users: n(users),
    monthlyReports: n(monthlyReports),
    salons: n(salons),
    plans: n(plans),
    caseStudies: n(caseStudies),
    publishedFigures: n(publishedFigures),
    auditEvents: n(auditEvents),
  };
}

function cityTable(fromFy: number, toFy: number, kind: 'items' | 'households' = 'items') {
  const { db } = database;
  return loadTrendTable(db, resolveScope(db, 'city')!, { kind, fromFy, toFy, basis: 'yoy' });
}

describe('the demo city: geography and users', () => {
  it('creates the seven wards of 北九州市 in order, and 120–140 districts', async () => {
    const result = await makeDemo();
    expect(result).not.toBeNull();
    const wardRows = database.db.select().from(wards).orderBy(asc(wards.sortOrder)).all();
    expect(wardRows.map((w) => [w.name, w.kana])).toEqual([
      ['門司区', 'もじく'],
      ['小倉北区', 'こくらきたく'],
      ['小倉南区', 'こくらみなみく'],
      ['若松区', 'わかまつく'],
      ['八幡東区', 'やはたひがしく'],
      ['八幡西区', 'やはたにしく'],
      ['戸畑区', 'とばたく'],
    ]);
    const all = database.db.select().from(districts).all();
    expect(all.length).toBeGreaterThanOrEqual(120);
    expect(all.length).toBeLessThanOrEqual(140);
    // Every ward has districts, and every reading is kana only.
    for (const w of wardRows) expect(all.filter((d) => d.wardId === w.id).length).toBeGreaterThan(5);
    for (const d of all) expect(d.kana).toMatch(/^[ぁ-ゖー]+$/);
    const byName = (name: string) => all.find((d) => d.name === name);
    expect(byName('田野浦校区')?.wardId).toBe(wardRows[0]!.id);
    expect(byName('小森江東校区')?.wardId).toBe(wardRows[0]!.id);
    expect(byName('西戸畑地区')?.wardId).toBe(wardRows[6]!.id);
    // Merged districts keep their history; the successor starts the year after.
    const ended = all.filter((d) => d.activeTo !== null);
    const started = all.filter((d) => d.activeFrom !== null);
    expect(ended.length).toBeGreaterThanOrEqual(2);
    expect(started.length).toBeGreaterThanOrEqual(1);
    expect(started[0]!.activeFrom).toBe(Math.max(...ended.map((d) => d.activeTo!)) + 1);
  });

  it('returns the three demo users with a description, and audits the demo city and its agenda sheet', async () => {
    const result = await makeDemo();
    expect(result!.users.map((u) => u.login)).toEqual(['demo-city', 'demo-ward', 'demo-district']);
    for (const u of result!.users) expect(u.description).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    const stored = database.db.select().from(users).orderBy(asc(users.id)).all();
    expect(stored.map((u) => u.role)).toEqual(['city', 'ward', 'district']);
    const moji = database.db.select().from(wards).where(eq(wards.name, '門司区')).get()!;
    const tanoura = database.db.select().from(districts).where(eq(districts.name, '田野浦校区')).get()!;
    expect(stored[1]!.wardId).toBe(moji.id);
    expect(stored[2]!.districtId).toBe(tanoura.id);
    const events = database.db.select().from(auditEvents).all();
    expect(events.filter((e) => e.entity === 'demo_city')).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'create', entity: 'demo_city' });
    // The merger 枝光 + 枝光北 → 枝光台, recorded as an event (test/successions/demo.test.ts).
    expect(events.filter((e) => e.entity === 'succession')).toHaveLength(1);
    // The rest is the finalised seed-000 agenda sheet, composed by demo-city.
    const others = events.filter((e) => e.entity !== 'demo_city' && e.entity !== 'succession');
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((e) => e.entity === 'agenda_sheet' && e.userId === stored[0]!.id)).toBe(true);
    // The finalised seed-000 sheet, then the drafts that print seed 001's indicator table and seed 003's 民生委員 table (issue 13).
    expect(
      database.db
        .select()
        .from(agendaSheets)
        .all()
        .map((s) => s.finalizedAt !== null),
    ).toEqual([true, false, false]);
  });

  it('creates nothing the second time, nor on a database that already has a ward', async () => {
    await makeDemo();
    const before = rowCounts();
    expect(await makeDemo()).toBeNull();
    expect(rowCounts()).toEqual(before);

    const other = await openDatabase(':memory:');
    other.db.insert(wards).values({ name: '東区', kana: 'ひがしく' }).run();
    expect(await ensureDemoCity(other.db, { passwordParams: TEST_SCRYPT, now: NOW })).toBeNull();
    expect(other.db.select({ n: count() }).from(districts).get()!.n).toBe(0);
    expect(other.db.select({ n: count() }).from(users).get()!.n).toBe(0);
    other.sqlite.close();
  });

  it('generates the same city for the same clock', async () => {
    await makeDemo();
    const other = await openDatabase(':memory:');
    await ensureDemoCity(other.db, { passwordParams: TEST_SCRYPT, now: NOW });
    const digest = (db: Database$['db']) =>
      db
        .select({
          n: count(),
          watched: sql<number>`sum(${monthlyReports.watchedElderly} * ${monthlyReports.id})`,
          aid: sql<number>`sum(${monthlyReports.mutualAidCases} * ${monthlyReports.id})`,
        })
        .from(monthlyReports)
        .get();
    expect(digest(other.db)).toEqual(digest(database.db));
    other.sqlite.close();
  });
});

describe('the demo users sign in through the real sign-in page', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestApp();
    await ensureDemoCity(ctx.database.db, { passwordParams: TEST_SCRYPT });
  });
  afterEach(async () => ctx.close());

  it.each([
    ['demo-city', '市社協 デモ', '市社協'],
    ['demo-ward', '門司区社協 デモ', '門司区'],
    ['demo-district', '田野浦校区社協 デモ', '田野浦校区'],
  ])('%s lands on their home page', async (login, displayName, scope) => {
    const client = new Client(ctx.app);
    const res = await client.signIn(login, DEMO_PASSWORD);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const home = await client.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(displayName);
    const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(home.body)?.[1]?.replace(/<[^>]+>/g, '') ?? '';
    expect(heading).toContain(scope);
    expect(heading).toContain('ホーム');
  });

  it('refuses a wrong password', async () => {
    const res = await new Client(ctx.app).signIn('demo-city', TEST_PASSWORD);
    expect(res.statusCode).toBe(401);
  });

  it('lets the district user open only their own district', async () => {
    const client = new Client(ctx.app);
    await client.signIn('demo-district', DEMO_PASSWORD);
    expect((await client.get('/api/trends?scope=district:101&from=2024&to=2025')).statusCode).toBe(200);
    expect((await client.get('/api/trends?scope=district:102&from=2024&to=2025')).statusCode).toBe(403);
  });
});

describe('the citywide trend table of the demo city', () => {
  const printed: Record<number, (number | null)[]> = {
    1: [125407, 136262, 135812, 132844, 133382],
    2: [721850, 603869, 614417, 655875, 701956],
    3: [130, null, 127, 131, 126],
    4: [5, 3, 13, 63, 28],
    5: [1393, 689, 788, 1192, 1766],
    6: [417, 431, 599, 548, 630],
    7: [49, 51, 59, 95, 123],
  };

  it('reproduces seed 000 for R1–R5 as published figures, with the computed year-on-year labels', async () => {
    await makeDemo();
    const table = cityTable(2019, 2023);
    expect(table.fiscalYears).toEqual([2019, 2020, 2021, 2022, 2023]);
    // The seven items; seed 003's council-defined indicators (R1, R3, R4) follow them.
    table.rows = table.rows.filter((r) => !r.indicator);
    for (const row of table.rows) {
      expect(row.values.map((c) => c.value)).toEqual(printed[row.item!]);
      expect(row.values.every((c) => c.origin === 'published')).toBe(true);
    }
    expect(table.rows[2]!.values[1]).toMatchObject({ value: null, note: 'コロナ禍で正確な統計不可' });
    expect(table.rows.map((r) => r.trend.text)).toEqual(['ほぼ横ばい', 'やや増加', 'ほぼ横ばい', '減少', '増加', 'やや増加', '増加']);
  });

  it('has H30 from seed 003 and the household-category table H29–R3', async () => {
    await makeDemo();
    expect(cityTable(2018, 2018).rows.map((r) => r.values[0]!.value)).toEqual([119846, 687765, 125, 9, 1223, 403, 44]);
    const households = cityTable(2017, 2021, 'households');
    const byKey = Object.fromEntries(households.rows.map((r) => [r.key, r.values.map((c) => c.value)]));
    expect(byKey).toEqual({
      welfare_cooperators: [6921, 6854, 6830, 6750, 6652],
      watched_elderly: [117624, 114053, 112149, 128280, 127721],
      watched_disability: [3764, 4030, 3311, 3563, 3465],
      watched_single_parent: [2526, 2387, 2211, 2312, 2279],
      watched_other: [2350, 1890, 2175, 2107, 2347],
      watched_total: [126264, 122360, 119846, 136262, 135812],
    });
    expect(households.rows.every((r) => r.values.every((c) => c.origin === 'published'))).toBe(true);
  });

  it('rolls the salon and plan registers up to exactly the printed ④⑥⑦, so no differences show', async () => {
    await makeDemo();
    const table = cityTable(2018, 2023);
    for (const item of [4, 6, 7]) {
      const row = table.rows.find((r) => r.item === item)!;
      for (const cell of row.values) expect(cell.rollupValue).toBe(cell.value);
    }
  });

  it('continues the series in R6 (FY2024) from the generated monthly reports and registers', async () => {
    await makeDemo();
    const table = cityTable(2023, 2024);
    const r6 = (item: number) => table.rows.find((r) => r.item === item)!.values[1]!;
    for (const item of [1, 2, 3, 4, 5, 6, 7]) expect(r6(item).origin).toBe('rollup');
    const r5 = (item: number) => printed[item]![4]!;
    for (const item of [1, 2, 6, 7]) {
      expect(r6(item).value!).toBeGreaterThanOrEqual(r5(item) * 0.85);
      expect(r6(item).value!).toBeLessThanOrEqual(r5(item) * 1.15);
    }
    expect(r6(3).value!).toBeGreaterThanOrEqual(110);
    expect(r6(3).value!).toBeLessThanOrEqual(131);
    // Seed 000 §3: in R6, 15 districts formulate a plan and 123 carry one out.
    expect(r6(4).value).toBe(15);
    expect(r6(7).value).toBe(123);
    // Well Club: about 1,800 participants from about 50 districts.
    expect(r6(5).value!).toBeGreaterThan(1500);
    expect(r6(5).value!).toBeLessThan(2200);
    expect(table.districtsReporting.get(2024)).toBe(table.districtCounts.get(2024));
  });

  it('splits watched households about 93 / 3 / 2 / 2 and has about 6,600 welfare cooperators', async () => {
    await makeDemo();
    const households = cityTable(2024, 2024, 'households');
    const v = (key: string) => households.rows.find((r) => r.key === key)!.values[0]!.value!;
    const total = v('watched_total');
    expect(v('watched_elderly') / total).toBeGreaterThan(0.9);
    expect(v('watched_elderly') / total).toBeLessThan(0.96);
    for (const key of ['watched_disability', 'watched_single_parent', 'watched_other']) {
      expect(v(key) / total).toBeGreaterThan(0.01);
      expect(v(key) / total).toBeLessThan(0.05);
    }
    expect(v('welfare_cooperators')).toBeGreaterThan(6000);
    expect(v('welfare_cooperators')).toBeLessThan(7200);
  });
});

describe('generated monthly reports', () => {
  it('run from 2024-04 through 2026-10 on 2026-11-23, with 8 districts late for 2026-10 and two earlier gaps', async () => {
    await makeDemo();
    const { db } = database;
    const months = db
      .selectDistinct({ month: monthlyReports.month })
      .from(monthlyReports)
      .orderBy(asc(monthlyReports.month))
      .all()
      .map((r) => r.month);
    expect(months[0]).toBe('2024-04');
    expect(months[months.length - 1]).toBe('2026-10');
    expect(months).toHaveLength(31);

    const active = db.select().from(districts).where(isNull(districts.activeTo)).all();
    const reportedIn = (month: string) =>
      new Set(
        db
          .select({ id: monthlyReports.districtId })
          .from(monthlyReports)
          .where(eq(monthlyReports.month, month))
          .all()
          .map((r) => r.id),
      );
    const october = reportedIn('2026-10');
    const late = active.filter((d) => !october.has(d.id));
    expect(late).toHaveLength(8);
    expect(late.map((d) => d.name)).toContain('田野浦校区');
    // Before October, exactly two district-months are missing, both in 2026.
    const missing: string[] = [];
    for (const month of months.slice(0, -1)) {
      const reported = reportedIn(month);
      for (const d of active) if (!reported.has(d.id)) missing.push(`${d.code}:${month}`);
    }
    expect(missing).toHaveLength(2);
    for (const m of missing) expect(m).toMatch(/:2026-/);
    // Merged districts have no reports after they ended.
    const merged = db.select().from(districts).where(isNotNull(districts.activeTo)).all();
    for (const d of merged) expect(db.select({ n: count() }).from(monthlyReports).where(eq(monthlyReports.districtId, d.id)).get()!.n).toBe(0);
  });

  it('leaves a few values blank rather than 0, and never writes a negative count', async () => {
    await makeDemo();
    const { db } = database;
    const blanks = db
      .select({ n: count() })
      .from(monthlyReports)
      .where(
        or(
          isNull(monthlyReports.mutualAidCases),
          isNull(monthlyReports.wellClubParticipants),
          isNull(monthlyReports.coordinationMeetings),
          isNull(monthlyReports.welfareCooperators),
        ),
      )
      .get()!.n;
    expect(blanks).toBeGreaterThan(0);
    expect(blanks).toBeLessThan(30);
    const negatives = db
      .select({ n: count() })
      .from(monthlyReports)
      .where(
        sql`min(coalesce(${monthlyReports.watchedElderly}, 0), coalesce(${monthlyReports.watchedDisability}, 0), coalesce(${monthlyReports.watchedSingleParent}, 0), coalesce(${monthlyReports.watchedOther}, 0), coalesce(${monthlyReports.welfareCooperators}, 0), coalesce(${monthlyReports.mutualAidCases}, 0), coalesce(${monthlyReports.coordinationMeetings}, 0), coalesce(${monthlyReports.wellClubParticipants}, 0)) < 0`,
      )
      .get()!.n;
    expect(negatives).toBe(0);
  });

  it('follow the clock: before the 10th, last month is not yet due', async () => {
    expect(lastDueMonth(new Date('2026-11-05T12:00:00+09:00'), 10)).toBe('2026-09');
    expect(lastDueMonth(new Date('2026-11-11T12:00:00+09:00'), 10)).toBe('2026-10');
    expect(lastDueMonth(new Date('2027-01-20T12:00:00+09:00'), 10)).toBe('2026-12');
    await makeDemo(new Date('2026-11-05T12:00:00+09:00'));
    const last = database.db
      .select({ month: sql<string>`max(${monthlyReports.month})` })
      .from(monthlyReports)
      .get()!.month;
    expect(last).toBe('2026-09');
  });

  it('uses the real clock when none is given', async () => {
    await ensureDemoCity(database.db, { passwordParams: TEST_SCRYPT });
    const last = database.db
      .select({ month: sql<string>`max(${monthlyReports.month})` })
      .from(monthlyReports)
      .get()!.month;
    expect(last).toBe(lastDueMonth(new Date(), 10));
  });
});

describe('registers and case studies', () => {
  it('has salons in about eight districts in ten, 630 open on 2024-03-31, and 20 districts applying for the R6 subsidy', async () => {
    await makeDemo();
    const { db } = database;
    const openOn = (date: string) =>
      db
        .select({ n: count() })
        .from(salons)
        .where(and(sql`${salons.openedOn} <= ${date}`, or(isNull(salons.closedOn), gt(salons.closedOn, date))))
        .get()!.n;
    expect(openOn('2024-03-31')).toBe(630);
    expect(openOn('2025-03-31')).toBeGreaterThan(630);
    const withSalons = db.selectDistinct({ id: salons.districtId }).from(salons).where(isNull(salons.closedOn)).all().length;
    const active = db.select({ n: count() }).from(districts).where(isNull(districts.activeTo)).get()!.n;
    expect(withSalons / active).toBeGreaterThan(0.75);
    expect(withSalons / active).toBeLessThan(0.95);
    const subsidised = db
      .selectDistinct({ id: salons.districtId })
      .from(salons)
      .where(and(eq(salons.subsidyApplied, true), sql`${salons.openedOn} between '2024-04-01' and '2025-03-31'`))
      .all();
    expect(subsidised).toHaveLength(20);
    // Nothing lies in the future.
    const latest = db
      .select({ opened: sql<string>`max(${salons.openedOn})`, closed: sql<string>`max(${salons.closedOn})` })
      .from(salons)
      .get()!;
    expect(latest.opened < '2026-11-23').toBe(true);
    expect(latest.closed < '2026-11-23').toBe(true);
    const closedBeforeOpening = db
      .select({ n: count() })
      .from(salons)
      .where(sql`${salons.closedOn} <= ${salons.openedOn}`)
      .get()!.n;
    expect(closedBeforeOpening).toBe(0);
  });

  it('has plans of generations 1–3 whose periods make sense', async () => {
    await makeDemo();
    const all = database.db.select().from(plans).all();
    expect(new Set(all.map((p) => p.generation))).toEqual(new Set([1, 2, 3]));
    for (const p of all) {
      expect(p.firstFy).toBeLessThanOrEqual(p.lastFy);
      expect(p.formulatedFy).toBeLessThanOrEqual(p.firstFy);
      expect(p.formulatedFy).toBeLessThanOrEqual(2026);
    }
  });

  it('has the two case studies of seed 000 with their full text in paragraphs, and more', async () => {
    await makeDemo();
    const rows = database.db
      .select({ name: districts.name, fiscalYear: caseStudies.fiscalYear, title: caseStudies.title, body: caseStudies.body })
      .from(caseStudies)
      .innerJoin(districts, eq(districts.id, caseStudies.districtId))
      .all();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const tanoura = rows.find((r) => r.name === '田野浦校区')!;
    expect(tanoura.fiscalYear).toBe(2024);
    expect(tanoura.title).toContain('たのうらサポート隊');
    expect(tanoura.body.startsWith('田野浦校区社会福祉協議会では、高齢者など日常生活で困っている方を支援するため、')).toBe(true);
    expect(tanoura.body).toContain('新しい助け合いのしくみ「たのうらサポート隊」を立ち上げ、令和６年９月にプレ実施');
    expect(tanoura.body.endsWith('「みんなの力で田野浦を元気に！」を合言葉に地域の支え合いの仕組みを構築していく。')).toBe(true);
    const nishitobata = rows.find((r) => r.name === '西戸畑地区')!;
    expect(nishitobata.fiscalYear).toBe(2024);
    expect(nishitobata.title).toContain('第二次計画');
    expect(nishitobata.body).toContain('にぎわいによる楽しい時間をつくったことで');
    for (const r of rows) {
      // Paragraphs are separated by one blank line; no PDF line breaks remain inside them.
      expect(r.body).not.toMatch(/[^\n]\n[^\n]/);
      expect(r.body).not.toMatch(/\n{3,}/);
    }
    expect(tanoura.body.split('\n\n')).toHaveLength(5);
  });
});
