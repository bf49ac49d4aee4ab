import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { trendRow, type TrendsJson } from '../support/json.js';
import { insertDistrictValues, insertIndicator, insertWardValues } from '../../src/demo/indicators.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  const { db } = ctx.database;
  // Ward-yearly 話し合いの場 from FY2022: city 100 → 110 → 140.
  const talks = insertIndicator(db, {
    key: 'talks',
    name: '話し合いの場の実施回数',
    unit: '回',
    enteredBy: 'ward_yearly',
    rollup: 'sum',
    firstFy: 2022,
    position: 2,
  });
  insertWardValues(db, [
    { indicatorId: talks.id, wardId: ids.wardA, fiscalYear: 2022, value: 60 },
    { indicatorId: talks.id, wardId: ids.wardB, fiscalYear: 2022, value: 40 },
    { indicatorId: talks.id, wardId: ids.wardA, fiscalYear: 2023, value: 70 },
    { indicatorId: talks.id, wardId: ids.wardB, fiscalYear: 2023, value: 40 },
    { indicatorId: talks.id, wardId: ids.wardA, fiscalYear: 2024, value: 90 },
    { indicatorId: talks.id, wardId: ids.wardB, fiscalYear: 2024, value: 50 },
  ]);
  // District-monthly breakdown of kinds of help from FY2023 (so FY2022 is outside its years).
  const help = insertIndicator(db, {
    key: 'help_kinds',
    name: '助け合いの内訳',
    unit: '件',
    enteredBy: 'district_monthly',
    rollup: 'sum',
    breaksDownField: 'mutual_aid_cases',
    firstFy: 2023,
    position: 1,
    categories: [
      { key: 'safety', name: '安否確認' },
      { key: 'shopping', name: '買い物' },
    ],
  });
  const safety = help.categoryIds.get('safety')!;
  const shopping = help.categoryIds.get('shopping')!;
  insertDistrictValues(db, [
    // FY2023: 安否確認 10, 買い物 10 → 20. FY2024: 安否確認 10, 買い物 11 → 21.
    { indicatorId: help.id, categoryId: safety, districtId: ids.d1, month: '2023-05', value: 10 },
    { indicatorId: help.id, categoryId: shopping, districtId: ids.d3, month: '2023-05', value: 10 },
    { indicatorId: help.id, categoryId: safety, districtId: ids.d1, month: '2024-05', value: 10 },
    { indicatorId: help.id, categoryId: shopping, districtId: ids.d1, month: '2024-06', value: 11 },
  ]);
});
afterEach(async () => ctx.close());

describe('indicator rows in the trend tables', () => {
  it('are in /api/trends after the seven items, with item = the indicator key and labels by the same basis', async () => {
    const client = await signedIn(ctx.app, 'city');
    const body = (await client.get('/api/trends?scope=city&from=2022&to=2024')).json<TrendsJson>();
    expect(body.rows.slice(0, 7).map((r) => r.item)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const rest = body.rows.slice(7).map((r) => [r.item, r.category, r.title]);
    // Ordered by position: the breakdown (1) and its categories, then 話し合いの場 (2).
    expect(rest).toEqual([
      ['help_kinds', null, '助け合いの内訳'],
      ['help_kinds', 'safety', '安否確認'],
      ['help_kinds', 'shopping', '買い物'],
      ['talks', null, '話し合いの場の実施回数'],
    ]);
    const byKey = (item: string, category: string | null = null) => trendRow(body, item, category);
    const talks = byKey('talks');
    expect(talks.unit).toBe('回');
    expect(talks.values.map((v) => v.value)).toEqual([100, 110, 140]);
    // yoy: (140 − 110) / 110 = +27.3 % → 増加 ↗
    expect(talks.trend).toMatchObject({ level: 'up', arrow: '↗', text: '増加' });
    expect(talks.trend.change).toBeCloseTo(30 / 110, 10);
    const help = byKey('help_kinds');
    // FY2022 is before the indicator's first FY: blank. 20 → 21 is +5 % → やや増加.
    expect(help.values.map((v) => [v.value, v.origin])).toEqual([
      [null, 'none'],
      [20, 'rollup'],
      [21, 'rollup'],
    ]);
    expect(help.trend).toMatchObject({ level: 'slightup', arrow: '↗' });
    // 安否確認 10 → 10: ほぼ横ばい →; 買い物 10 → 11: +10 % やや増加.
    expect(byKey('help_kinds', 'safety').trend).toMatchObject({ arrow: '→', text: 'ほぼ横ばい' });
    expect(byKey('help_kinds', 'shopping').trend).toMatchObject({ arrow: '↗', text: 'やや増加' });
  });

  it('follow the span basis and the thresholds of the request', async () => {
    const client = await signedIn(ctx.app, 'city');
    const body = (await client.get('/api/trends?scope=city&from=2022&to=2024&basis=span&flat=0.05&strong=0.5')).json<TrendsJson>();
    const talks = trendRow(body, 'talks');
    // span: (140 − 100) / 100 = +40 % < 50 % → やや増加.
    expect(talks.trend).toMatchObject({ basis: 'span', level: 'slightup', text: 'やや増加' });
  });

  it('leave out indicators that do not count in the window, and the household table unchanged', async () => {
    const client = await signedIn(ctx.app, 'city');
    expect((await client.get('/api/trends?scope=city&from=2019&to=2021')).json<TrendsJson>().rows).toHaveLength(7);
    const households = (await client.get('/api/trends?scope=city&from=2022&to=2024&table=households')).json<TrendsJson>();
    expect(households.rows.map((r) => r.item)).not.toContain('talks');
  });

  it('give a district its own district-monthly indicators only', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const body = (await client.get('/api/trends?scope=district:E01&from=2023&to=2024')).json<TrendsJson>();
    const items = body.rows.slice(7).map((r) => `${r.item}:${r.category ?? ''}`);
    expect(items).toEqual(['help_kinds:', 'help_kinds:safety', 'help_kinds:shopping']);
    // E01: FY2023 10 (安否確認), FY2024 10 + 11 = 21.
    expect(body.rows[7]!.values.map((v) => v.value)).toEqual([10, 21]);
  });

  it('leave out an indicator or category nobody in the scope entered in the window', async () => {
    const client = await signedIn(ctx.app, 'city');
    // W01 entered only 買い物 (FY2023); 西区 has 話し合いの場 values.
    const west = (await client.get('/api/trends?scope=district:W01&from=2023&to=2024')).json<TrendsJson>();
    expect(west.rows.slice(7).map((r) => `${r.item}:${r.category ?? ''}`)).toEqual(['help_kinds:', 'help_kinds:shopping']);
    // E02 entered nothing: the seven items only.
    expect((await client.get('/api/trends?scope=district:E02&from=2023&to=2024')).json<TrendsJson>().rows).toHaveLength(7);
  });

  it('show on the trend page after the seven items, categories indented, with the label', async () => {
    const client = await signedIn(ctx.app, 'city');
    const res = await client.get('/trends?scope=city&from=2022&to=2024');
    expect(res.statusCode).toBe(200);
    const row = new RegExp('<tr data-row="ind:talks" class="indicator-row">[\\s\\S]*?</tr>').exec(res.body)![0];
    expect(row).toContain('話し合いの場の実施回数');
    expect(row).toContain('（回）');
    for (const n of ['100', '110', '140', '増加']) expect(row).toContain(n);
    expect(res.body).toContain('<tr data-row="ind:help_kinds:safety" class="indicator-row indicator-category">');
    expect(res.body.indexOf('data-row="7"')).toBeLessThan(res.body.indexOf('data-row="ind:help_kinds"'));
  });

  it('are in the trend CSV export, and each has a chart', async () => {
    const client = await signedIn(ctx.app, 'city');
    const csv = (await client.get('/trends/export.csv?scope=city&from=2022&to=2024')).body;
    const lines = csv.split(/\r?\n/);
    const line = lines.find((l) => l.startsWith('話し合いの場の実施回数（回）,'))!;
    expect(line).toContain(',100,110,140,↗ 増加,27.3,');
    // A category, indented under its indicator.
    expect(lines.some((l) => l.startsWith('　安否確認,,10,10,'))).toBe(true);
    const chart = await client.get('/charts/trend?scope=city&from=2022&to=2024&item=ind:talks');
    expect(chart.statusCode).toBe(200);
    expect(chart.body).toContain('話し合いの場の実施回数（全市）');
    expect((await client.get('/charts/trend.svg?scope=city&from=2022&to=2024&item=ind:nothing')).statusCode).toBe(404);
  });

  it('stay off the published-figures page, which is for the seven items and households only', async () => {
    const client = await signedIn(ctx.app, 'city');
    const res = await client.get('/published-figures?scope=city&from=2022&to=2024');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-row="1"');
    expect(res.body).not.toContain('話し合いの場の実施回数');
  });

  it('change as soon as a value is written (the cache follows the data version)', async () => {
    const client = await signedIn(ctx.app, 'city');
    const url = '/api/trends?scope=city&from=2022&to=2024';
    const before = trendRow((await client.get(url)).json<TrendsJson>(), 'talks');
    expect(before.values[2]?.value).toBe(140);
    const talksId = ctx.database.sqlite.prepare("SELECT id FROM indicator_definitions WHERE key = 'talks'").pluck().get() as number;
    ctx.database.sqlite
      .prepare('UPDATE ward_indicator_values SET value = 10 WHERE indicator_id = ? AND ward_id = ? AND fiscal_year = 2024')
      .run(talksId, ids.wardB);
    const after = trendRow((await client.get(url)).json<TrendsJson>(), 'talks');
    expect(after.values[2]?.value).toBe(100);
  });
});
