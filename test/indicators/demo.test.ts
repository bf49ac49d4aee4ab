import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trendRow, type TrendsJson } from '../support/json.js';
import { and, eq, gte } from 'drizzle-orm';
import { createTestApp, TEST_SCRYPT, type TestContext, Client } from '../support/app.js';
import { agendaSheets, districtIndicatorValues, districts, indicatorDefinitions, monthlyReports } from '../../src/db/schema.js';
import { DEMO_PASSWORD, ensureDemoCity } from '../../src/demo/demoCity.js';
import {
  apportion,
  HELP_BREAKDOWN_DISTRICTS,
  HELP_INDICATOR_KEY,
  HELP_KINDS,
  SEED_001_INDICATORS,
  SEED_003_KEYS,
  splitByHelpKind,
} from '../../src/demo/indicators.js';
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

  it('counts seed 001’s from R6 on: seed 000’s R1–R5 table keeps its seven rows, followed only by seed 003’s, and 門司区 and 田野浦 enter none', () => {
    const { db } = ctx.database;
    const seed003 = [
      `ind:${SEED_003_KEYS.quota}`,
      `ind:${SEED_003_KEYS.placed}`,
      `ind:${SEED_003_KEYS.placed}:household`,
      `ind:${SEED_003_KEYS.placed}:chief_child`,
      `ind:${SEED_003_KEYS.vacancies}`,
      `ind:${SEED_003_KEYS.fillRate}`,
      `ind:${SEED_003_KEYS.volunteerInsured}`,
    ];
    expect(cityTable(2019, 2023).rows.map((r) => r.key)).toEqual(['1', '2', '3', '4', '5', '6', '7', ...seed003]);
    const window = { kind: 'items', fromFy: 2021, toFy: 2025, basis: 'yoy' } as const;
    for (const key of ['ward:門司区', 'district:101']) expect(loadTrendTable(db, resolveScope(db, key)!, window).rows).toHaveLength(7);
    expect(loadTrendTable(db, resolveScope(db, 'ward:小倉北区')!, window).rows.length).toBeGreaterThan(7 + 9);
    const firstFys = db.select({ key: indicatorDefinitions.key, firstFy: indicatorDefinitions.firstFy }).from(indicatorDefinitions).all();
    const seed003Keys: string[] = Object.values(SEED_003_KEYS);
    expect(firstFys.every((d) => d.firstFy === (seed003Keys.includes(d.key) ? 2016 : 2024))).toBe(true);
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

  it('has seed 003’s 民生委員 table: the city row of 充足率 reads 97.0 / 95.9 / 94.9 (a ratio, not a sum), 定数 1,582 / 1,591 / 1,593', async () => {
    const client = new Client(ctx.app);
    expect((await client.signIn('demo-city', DEMO_PASSWORD)).statusCode).toBe(303);
    const api = (await client.get('/api/trends?scope=city&from=2016&to=2022')).json<TrendsJson>();
    const at = (key: string, category: string | null = null) =>
      trendRow(api, key, category)
        .values.filter((v) => [2016, 2019, 2022].includes(v.fiscalYear))
        .map((v) => ('text' in v ? v.text : undefined));
    expect(at(SEED_003_KEYS.fillRate)).toEqual(['97.0', '95.9', '94.9']);
    expect(at(SEED_003_KEYS.quota)).toEqual(['1,582', '1,591', '1,593']);
    expect(at(SEED_003_KEYS.placed)).toEqual(['1,534', '1,526', '1,512']);
    expect(at(SEED_003_KEYS.placed, 'household')).toEqual(['1,275', '1,275', '1,263']);
    expect(at(SEED_003_KEYS.placed, 'chief_child')).toEqual(['259', '251', '249']);
    expect(at(SEED_003_KEYS.vacancies)).toEqual(['48', '65', '81']);
    expect(trendRow(api, SEED_003_KEYS.fillRate)).toMatchObject({ unit: '%', decimals: 1 });
    // The years between the elections have no value.
    expect(
      trendRow(api, SEED_003_KEYS.fillRate)
        .values.filter((v) => v.value === null)
        .map((v) => v.fiscalYear),
    ).toEqual([2017, 2018, 2020, 2021]);
    const insured = trendRow(api, SEED_003_KEYS.volunteerInsured).values.filter((v) => v.value !== null);
    expect(insured.map((v) => [v.fiscalYear, v.value])).toEqual([
      [2016, 24_569],
      [2021, 17_705],
    ]);
    // Every ward has its own rate; they are not added up to the city's.
    const wardRates: number[] = [];
    for (const ward of ['小倉北区', '小倉南区', '若松区', '八幡東区', '八幡西区', '戸畑区']) {
      const body = (await client.get(`/api/trends?scope=${encodeURIComponent(`ward:${ward}`)}&from=2016&to=2016`)).json<TrendsJson>();
      const rate = trendRow(body, SEED_003_KEYS.fillRate).values[0]!.value!;
      expect(rate).toBeGreaterThan(90);
      expect(rate).toBeLessThanOrEqual(100);
      wardRates.push(rate);
    }
    expect(wardRates.reduce((a, b) => a + b, 0)).toBeGreaterThan(500);
    // The trend page and its CSV show the decimal place.
    const page = (await client.get('/trends?scope=city&from=2016&to=2022')).body;
    const row = /<tr data-row="ind:minsei_fill_rate"[\s\S]*?<\/tr>/.exec(page)?.[0] ?? '';
    expect(row.replace(/\s+/g, ' ')).toContain('<td class="num"> 97.0 </td>');
    const csv = (await client.get('/trends/export.csv?scope=city&from=2016&to=2022')).body;
    expect(csv).toContain('民生委員の充足率（%）,97.0,,,95.9,,,94.9,');
    // Labelled by the same basis (yoy: 95.9 → 94.9 is −1.0 % → ほぼ横ばい), and drawn with its decimal place.
    expect(trendRow(api, SEED_003_KEYS.fillRate).trend).toMatchObject({ arrow: '→', text: 'ほぼ横ばい' });
    const chart = (await client.get(`/charts/trend.svg?scope=city&from=2016&to=2022&item=ind:${SEED_003_KEYS.fillRate}`)).body;
    expect(chart).toContain('>97.0</text>');
    expect(chart).toContain('>94.9</text>');
  });

  it('has a draft agenda sheet that prints seed 003’s 民生委員 table with 97.0', async () => {
    const { db } = ctx.database;
    const sheet = db
      .select()
      .from(agendaSheets)
      .all()
      .find((s) => s.heading === '基本目標1：支え合いの気持ちを育もう')!;
    expect(sheet).toMatchObject({ fromFy: 2016, toFy: 2022, finalizedAt: null });
    const client = new Client(ctx.app);
    expect((await client.signIn('demo-city', DEMO_PASSWORD)).statusCode).toBe(303);
    const print = await client.get(`/agendas/${sheet.id}/print`);
    expect(print.statusCode).toBe(200);
    const text = print.body.replace(/<\/?span[^>]*>/g, '');
    for (const t of ['民生委員の充足率の推移（各年一斉改選時）', '民生委員の定数（人）', '世帯担当', '主任児童委員', '1,582', '1,534', '97.0', '95.9', '94.9'])
      expect(text).toContain(t);
  });

  it('apportions a printed total over the wards so that the parts add up exactly (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 10 }), (total, weights) => {
        const parts = apportion(total, weights);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        expect(parts.every((p) => p >= 0 && Number.isInteger(p))).toBe(true);
      }),
    );
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
