import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, gte } from 'drizzle-orm';
import { createTestApp, TEST_SCRYPT, type TestContext, Client } from '../support/app.js';
import { agendaSheets, districtIndicatorValues, districts, indicatorDefinitions, monthlyReports } from '../../src/db/schema.js';
import { DEMO_PASSWORD, ensureDemoCity } from '../../src/demo/demoCity.js';
import { HELP_BREAKDOWN_DISTRICTS, HELP_INDICATOR_KEY, HELP_KINDS, SEED_001_INDICATORS, splitByHelpKind } from '../../src/demo/indicators.js';
import { loadTrendTable, resolveScope } from '../../src/trends/repository.js';

// As in test/demo/demoCity.test.ts: reports through 2026-10, so FY2024 and FY2025 are over.
const NOW = new Date('2026-11-23T12:00:00+09:00');

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
  await ensureDemoCity(ctx.database.db, { passwordParams: TEST_SCRYPT, now: NOW });
});
afterAll(async () => ctx.close());

function cityTable(fromFy: number, toFy: number) {
  const { db } = ctx.database;
  return loadTrendTable(db, resolveScope(db, 'city')!, { kind: 'items', fromFy, toFy, basis: 'yoy' });
}

describe('the demo city’s council-defined indicators', () => {
  it('has seed 001’s ward-yearly table, whose R6 citywide totals are the printed figures', () => {
    const table = cityTable(2024, 2025);
    for (const ind of SEED_001_INDICATORS) {
      const row = table.rows.find((r) => r.key === `ind:${ind.key}`)!;
      expect(row.indicator).toMatchObject({ key: ind.key, unit: ind.unit, depth: 0 });
      // R6 (FY2024): 495回, 400回, 157件, 275件, 28,274人, 308件, 35件, 33人, 247回, as 小倉北区 entered them.
      expect(row.values.map((c) => c.value)).toEqual([ind.r6, ind.r7]);
      expect(row.values[0]!.districtsReported).toBe(1);
      expect(row.trend.arrow).not.toBe('—');
    }
    const training = table.rows.find((r) => r.key === 'ind:osaka_watch_training')!;
    // (523 − 495) / 495 = +5.7 % → やや増加.
    expect(training.trend).toMatchObject({ arrow: '↗', text: 'やや増加' });
  });

  it('counts from R6 on, so seed 000’s R1–R5 table keeps exactly its seven rows, and 門司区 and 田野浦 enter none', () => {
    const { db } = ctx.database;
    expect(cityTable(2019, 2023).rows.map((r) => r.key)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    for (const key of ['ward:門司区', 'district:101']) {
      expect(loadTrendTable(db, resolveScope(db, key)!, { kind: 'items', fromFy: 2021, toFy: 2025, basis: 'yoy' }).rows).toHaveLength(7);
    }
    expect(loadTrendTable(db, resolveScope(db, 'ward:小倉北区')!, { kind: 'items', fromFy: 2021, toFy: 2025, basis: 'yoy' }).rows.length).toBeGreaterThan(
      7 + 9,
    );
    const firstFys = db.select({ firstFy: indicatorDefinitions.firstFy }).from(indicatorDefinitions).all();
    expect(firstFys.every((d) => d.firstFy === 2024)).toBe(true);
  });

  it('breaks ② down by seed 004’s 13 kinds of help for a few districts, adding up to their ② month by month', () => {
    const { db } = ctx.database;
    const help = db.select().from(indicatorDefinitions).where(eq(indicatorDefinitions.key, HELP_INDICATOR_KEY)).get()!;
    expect(help).toMatchObject({ enteredBy: 'district_monthly', rollup: 'sum', breaksDownField: 'mutual_aid_cases' });
    const table = cityTable(2024, 2025);
    expect(table.rows.filter((r) => r.indicator?.key === HELP_INDICATOR_KEY && r.indicator.depth === 1).map((r) => r.title)).toEqual(
      HELP_KINDS.map((k) => k.name),
    );
    for (const code of HELP_BREAKDOWN_DISTRICTS) {
      const district = db.select().from(districts).where(eq(districts.code, code)).get()!;
      const reports = db
        .select({ month: monthlyReports.month, aid: monthlyReports.mutualAidCases })
        .from(monthlyReports)
        .where(and(eq(monthlyReports.districtId, district.id), gte(monthlyReports.month, '2024-04')))
        .all()
        .filter((r) => r.aid !== null);
      expect(reports.length).toBeGreaterThan(12);
      const values = db
        .select()
        .from(districtIndicatorValues)
        .where(and(eq(districtIndicatorValues.indicatorId, help.id), eq(districtIndicatorValues.districtId, district.id)))
        .all();
      // No total is stored: the total stays item ②.
      expect(values.some((v) => v.categoryId === 0)).toBe(false);
      for (const r of reports) {
        const sum = values.filter((v) => v.month === r.month).reduce((n, v) => n + v.value, 0);
        expect(sum).toBe(r.aid);
      }
    }
    // The district's year of the breakdown equals its ② for the year.
    const tanoura = resolveScope(db, `district:${HELP_BREAKDOWN_DISTRICTS[0]}`)!;
    const own = loadTrendTable(db, tanoura, { kind: 'items', fromFy: 2024, toFy: 2025, basis: 'yoy' });
    const aid = own.rows.find((r) => r.key === '2')!.values.map((c) => c.value);
    const total = own.rows.find((r) => r.key === `ind:${HELP_INDICATOR_KEY}`)!.values.map((c) => c.value);
    expect(total).toEqual(aid);
  });

  it('splits a month’s ② into kinds that add up exactly', () => {
    for (const n of [0, 1, 7, 13, 99, 1234]) expect(splitByHelpKind(n).reduce((a, b) => a + b, 0)).toBe(n);
    // 100 cases: 安否確認 30 of 300‰, plus the 1 that rounding down left (1.5 → 1 twice, 99 in all) → 31;
    // 日常的な話し相手 21 (210‰), ごみ出し 11 (110‰).
    const parts = splitByHelpKind(100);
    expect([parts[0], parts[11], parts[7]]).toEqual([31, 21, 11]);
  });

  it('has a draft agenda sheet that prints seed 001’s indicator table', async () => {
    const { db } = ctx.database;
    const sheets = db.select().from(agendaSheets).all();
    const sheet = sheets.find((s) => s.finalizedAt === null)!;
    expect(sheet.heading).toContain('区社会福祉協議会による地域福祉活動への支援');
    const client = new Client(ctx.app);
    expect((await client.signIn('demo-city', DEMO_PASSWORD)).statusCode).toBe(303);
    const print = await client.get(`/agendas/${sheet.id}/print`);
    expect(print.statusCode).toBe(200);
    const text = print.body.replace(/<\/?span[^>]*>/g, '');
    for (const t of ['見守り活動の意見交換・学習、声かけ訓練等の場の実施回数（回）', '令和6年度', '495', '28,274', '247']) expect(text).toContain(t);
  });
});
