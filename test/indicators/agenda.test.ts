import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type Client, type TestContext } from '../support/app.js';
import { insertIndicator, insertWardValues } from '../../src/demo/indicators.js';
import { contentOf, getAgendaSheet } from '../../src/agendas/repository.js';
import { agendaContentSchema } from '../../src/agendas/content.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  const { db } = ctx.database;
  // 声かけ訓練等の場 (ward yearly) from FY2022: city 400 → 450 → 495 (seed 001's R6 total).
  const training = insertIndicator(db, {
    key: 'watch_training',
    name: '声かけ訓練等の場の実施回数',
    unit: '回',
    enteredBy: 'ward_yearly',
    rollup: 'sum',
    firstFy: 2022,
    categories: [{ key: 'school', name: '学校との訓練' }],
  });
  insertWardValues(db, [
    { indicatorId: training.id, wardId: ids.wardA, fiscalYear: 2022, value: 300 },
    { indicatorId: training.id, wardId: ids.wardB, fiscalYear: 2022, value: 100 },
    { indicatorId: training.id, wardId: ids.wardA, fiscalYear: 2023, value: 320 },
    { indicatorId: training.id, wardId: ids.wardB, fiscalYear: 2023, value: 130 },
    { indicatorId: training.id, wardId: ids.wardA, fiscalYear: 2024, value: 345 },
    { indicatorId: training.id, wardId: ids.wardB, fiscalYear: 2024, value: 150 },
    { indicatorId: training.id, categoryId: training.categoryIds.get('school')!, wardId: ids.wardA, fiscalYear: 2024, value: 12 },
  ]);
  // An indicator that ended before the sheet's years.
  insertIndicator(db, { key: 'old_count', name: '終了した指標', unit: '件', enteredBy: 'district_monthly', rollup: 'sum', firstFy: 2010, lastFy: 2015 });
});
afterEach(async () => ctx.close());

/** The editor's fields for a one-table sheet of FY2022–2024 with ① and the given indicator rows. */
function sheetFields(rows: Record<string, string>): Record<string, string> {
  const fields: Record<string, string> = {
    heading: '議題（２）区社協の地域支援',
    subheading: '',
    from: '2022',
    to: '2024',
    version: '0',
    tableCount: '1',
    sectionCount: '0',
    't0.kind': 'items',
    't0.scope': 'city',
    't0.heading': '区社協の取組み',
    't0.basis': 'yoy',
    't0.flatPercent': '5',
    't0.strongPercent': '20',
    't0.headerStyle': 'short',
    't0.showTrend': '1',
    't0.note': '',
    op: 'save',
  };
  for (const k of ['1', '2', '3', '4', '5', '6', '7', 'ind:watch_training', 'ind:watch_training:school', 'ind:old_count']) {
    fields[`t0.r.${k}.order`] = rows[k] ?? '';
    for (const f of ['arrow', 'text', 'marker', 'footnote']) fields[`t0.r.${k}.${f}`] = '';
  }
  return fields;
}

async function createSheet(client: Client, rows: Record<string, string>): Promise<number> {
  await client.get('/agendas/new');
  const res = await client.post('/agendas/new', sheetFields(rows));
  expect(res.statusCode).toBe(303);
  return Number(/^\/agendas\/(\d+)\/edit$/.exec(res.headers.location as string)![1]);
}

describe('indicator rows on agenda sheets', () => {
  it('are offered in the editor after ①–⑦, including one outside the sheet’s years', async () => {
    const city = await signedIn(ctx.app, 'city');
    const res = await city.get('/agendas/new');
    expect(res.statusCode).toBe(200);
    const at = (name: string) => res.body.indexOf(`name="t0.r.${name}.order"`);
    expect(at('7')).toBeGreaterThan(0);
    expect(at('ind:watch_training')).toBeGreaterThan(at('7'));
    expect(at('ind:watch_training:school')).toBeGreaterThan(at('ind:watch_training'));
    expect(at('ind:old_count')).toBeGreaterThan(0);
    // A household table offers no indicator rows.
    const households = await city.post('/agendas/new', { ...sheetFields({ '1': '1' }), op: 'addTable:households' });
    expect(households.body).not.toContain('name="t1.r.ind:');
  });

  it('are saved with the sheet and printed with their figures, unit and label', async () => {
    const city = await signedIn(ctx.app, 'city');
    const id = await createSheet(city, { '1': '1', 'ind:watch_training': '2', 'ind:watch_training:school': '3' });
    const content = contentOf(getAgendaSheet(ctx.database.db, id));
    expect(content.tables[0]!.rows.map((r) => r.key)).toEqual(['1', 'ind:watch_training', 'ind:watch_training:school']);
    const print = await city.get(`/agendas/${id}/print`);
    expect(print.statusCode).toBe(200);
    // Rows as text: long titles are printed in segments that may wrap.
    const rows = print.body
      .split('<tr>')
      .filter((r) => r.includes('class="title"'))
      .map((r) => r.replace(/<\/?span[^>]*>/g, ''));
    expect(rows).toHaveLength(3);
    const training = rows[1]!;
    expect(training).toContain('声かけ訓練等の場の実施回数（回）');
    // 400, 450, 495: (495 − 450) / 450 = +10 % → やや増加.
    for (const n of ['400', '450', '495', 'やや増加']) expect(training).toContain(n);
    // The category, indented, blank before it was entered.
    expect(rows[2]).toContain('　学校との訓練');
    expect(rows[2]).toContain('>12<');
  });

  it('are in the agenda sheet’s CSV as printed', async () => {
    const city = await signedIn(ctx.app, 'city');
    const id = await createSheet(city, { 'ind:watch_training': '1' });
    const csv = (await city.get(`/agendas/${id}/export.csv`)).body;
    expect(csv).toContain('声かけ訓練等の場の実施回数（回）,400,450,495,↗ やや増加');
  });

  it('keep their frozen figures once the sheet is finalised', async () => {
    const city = await signedIn(ctx.app, 'city');
    const id = await createSheet(city, { 'ind:watch_training': '1' });
    const sheet = getAgendaSheet(ctx.database.db, id);
    expect((await city.post(`/agendas/${id}/finalize`, { confirmed: '1', version: String(sheet.version) })).statusCode).toBe(303);
    ctx.database.sqlite.prepare('UPDATE ward_indicator_values SET value = 1 WHERE fiscal_year = 2024').run();
    const print = await city.get(`/agendas/${id}/print`);
    expect(print.body).toContain('495');
  });

  it('print a chosen row outside the sheet’s years blank rather than dropping it in the editor', async () => {
    const city = await signedIn(ctx.app, 'city');
    const id = await createSheet(city, { '1': '1', 'ind:old_count': '2' });
    const edit = await city.get(`/agendas/${id}/edit`);
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('終了した指標');
  });

  it('name an indicator row by its title in an error, keeping what was typed', async () => {
    const city = await signedIn(ctx.app, 'city');
    await city.get('/agendas/new');
    const res = await city.post('/agendas/new', sheetFields({ '1': '1', 'ind:watch_training': '百' }));
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('声かけ訓練等の場の実施回数 順番');
    expect(res.body).toContain('value="百"');
  });

  it('accept only indicator-shaped keys beyond the seven items', () => {
    const table = { kind: 'items', rows: [{ key: 'ind:x' }, { key: 'ind:x:y' }] };
    expect(agendaContentSchema.safeParse({ tables: [table] }).success).toBe(true);
    expect(agendaContentSchema.safeParse({ tables: [{ kind: 'items', rows: [{ key: 'nothing' }] }] }).success).toBe(false);
    expect(agendaContentSchema.safeParse({ tables: [{ kind: 'households', rows: [{ key: 'ind:x' }] }] }).success).toBe(false);
  });
});
