/**
 * An agenda table may print chosen year columns only (issue 13; seed 003 prints the 民生委員 table
 * for the election years H28, R1, R4). 「印刷する年度」 on the edit page, at least one; the print,
 * the finalised print and the exports show those columns; the labels are computed over the
 * whole range as before; a table with no choice prints every year, as it always did.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, seedSmallCity, signedIn, TEST_SCRYPT, type TestContext } from '../support/app.js';
import { agendaSheets } from '../../src/db/schema.js';
import { contentOf, getAgendaSheet } from '../../src/agendas/repository.js';
import { parseFrozen } from '../../src/agendas/content.js';
import { printedYears } from '../../src/agendas/sheet.js';
import { DEMO_PASSWORD, ensureDemoCity } from '../../src/demo/demoCity.js';
import { loadSeed000, sheetFields } from './support.js';

const ALL_YEARS = ['2019', '2020', '2021', '2022', '2023'];

/** The year column headers of the printed tables' first table. */
function printedColumns(html: string): string[] {
  return [...html.matchAll(/<th scope="col" class="head-year">([^<]*)<\/th>/g)].map((m) => m[1]!);
}

/** The figures of the printed row whose title contains `title` (the first table that has it). */
function printedFigures(html: string, title: string): string[] {
  const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!);
  const row = rows.find((r) => r.replace(/<[^>]+>/g, '').includes(title));
  if (!row) throw new Error(`no printed row ${title}`);
  return [...row.matchAll(/<td class="num[^"]*">\s*([^<]*?)\s*<\/td>/g)].map((m) => m[1]!);
}

/** The printed trend labels, in row order. */
function printedLabels(html: string): string[] {
  return [...html.matchAll(/<span class="trend-text">([^<]*)/g)].map((m) => m[1]!);
}

/** The 印刷する年度 boxes of the edit page's first table: year → ticked. */
function yearBoxes(html: string): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const m of html.matchAll(/<input type="checkbox" id="[^"]+" name="t0\.printYears" value="(\d{4})"( checked)?>/g)) out[m[1]!] = !!m[2];
  return out;
}

describe('印刷する年度 on a sheet of the small city (seed 000’s figures)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    loadSeed000(ctx.database.db);
  });
  afterEach(async () => ctx.close());

  async function createSheet(client: Client): Promise<number> {
    await client.get('/agendas/new');
    const res = await client.post('/agendas/new', sheetFields());
    expect(res.statusCode).toBe(303);
    return Number(/^\/agendas\/(\d+)\/edit$/.exec(String(res.headers.location))![1]);
  }
  const version = (id: number) => String(getAgendaSheet(ctx.database.db, id).version);

  it('offers every year ticked; saves a choice, which prints only those columns with the labels of the whole range', async () => {
    const city = await signedIn(ctx.app, 'city');
    const id = await createSheet(city);
    expect(contentOf(getAgendaSheet(ctx.database.db, id)).tables[0]!.printYears).toBeUndefined();
    const editor = await city.get(`/agendas/${id}/edit`);
    expect(editor.body).toContain('<legend>印刷する年度</legend>');
    expect(yearBoxes(editor.body)).toEqual({ 2019: true, 2020: true, 2021: true, 2022: true, 2023: true });
    const before = await city.get(`/agendas/${id}/print`);
    expect(printedColumns(before.body)).toEqual(['R1', 'R2', 'R3', 'R4', 'R5']);

    const saved = await city.post(
      `/agendas/${id}/edit`,
      sheetFields({ version: version(id), 't0.offeredYears': ALL_YEARS.join(','), 't0.printYears': ['2019', '2023'] }),
    );
    expect(saved.statusCode).toBe(303);
    expect(contentOf(getAgendaSheet(ctx.database.db, id)).tables[0]!.printYears).toEqual([2019, 2023]);
    expect(yearBoxes((await city.get(`/agendas/${id}/edit`)).body)).toEqual({ 2019: true, 2020: false, 2021: false, 2022: false, 2023: true });

    const print = await city.get(`/agendas/${id}/print`);
    expect(printedColumns(print.body)).toEqual(['R1', 'R5']);
    expect(printedFigures(print.body, 'ふれあいネットワーク')).toEqual(['125,407', '133,382']);
    // Labels as before: computed over R1–R5, not over the two printed years.
    expect(printedLabels(print.body)).toEqual(printedLabels(before.body));
    const csv = (await city.get(`/agendas/${id}/export.csv`)).body;
    expect(csv).toContain('項目,R1,R5,傾向');
    expect(csv).not.toContain('R2');

    // Finalised: the frozen print keeps the chosen columns.
    expect((await city.post(`/agendas/${id}/finalize`, { confirmed: '1', version: version(id) })).statusCode).toBe(303);
    expect(parseFrozen(getAgendaSheet(ctx.database.db, id).frozen!).tables[0]!.columns.map((c) => c.label)).toEqual(['R1', 'R5']);
    expect(printedColumns((await city.get(`/agendas/${id}/print`)).body)).toEqual(['R1', 'R5']);
    const finalized = await city.get(`/agendas/${id}/edit`);
    expect(finalized.statusCode).toBe(200);
    expect(finalized.body).toMatch(/<th scope="col" class="num">R1<\/th><th scope="col" class="num">R5<\/th>/);
  });

  it('refuses no year ticked with 422, the message beside the field, and keeps what was typed', async () => {
    const city = await signedIn(ctx.app, 'city');
    const id = await createSheet(city);
    const refused = await city.post(
      `/agendas/${id}/edit`,
      sheetFields({ version: version(id), heading: '見出しを変えた', 't0.offeredYears': ALL_YEARS.join(',') }),
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('<title>エラー：');
    expect(refused.body).toMatch(
      /id="t0\.printYears"[^>]*>[\s\S]*?<span class="field-error" id="t0\.printYears-error">印刷する年度を1つ以上選んでください。<\/span>/,
    );
    expect(refused.body).toContain('href="#t0.printYears"');
    expect(refused.body).toContain('value="見出しを変えた"');
    expect(yearBoxes(refused.body)).toEqual({ 2019: false, 2020: false, 2021: false, 2022: false, 2023: false });
    expect(getAgendaSheet(ctx.database.db, id).heading).toBe('議題（１）ア 小地域福祉活動の状況');
  });

  it('every year ticked stores no choice; a moved range keeps the ticks and prints its new years', async () => {
    const city = await signedIn(ctx.app, 'city');
    const id = await createSheet(city);
    const offered = { 't0.offeredYears': ALL_YEARS.join(',') };
    expect((await city.post(`/agendas/${id}/edit`, sheetFields({ version: version(id), ...offered, 't0.printYears': ['2019', '2023'] }))).statusCode).toBe(303);
    expect((await city.post(`/agendas/${id}/edit`, sheetFields({ version: version(id), ...offered, 't0.printYears': ALL_YEARS }))).statusCode).toBe(303);
    expect(contentOf(getAgendaSheet(ctx.database.db, id)).tables[0]!.printYears).toBeUndefined();

    expect((await city.post(`/agendas/${id}/edit`, sheetFields({ version: version(id), ...offered, 't0.printYears': ['2021', '2023'] }))).statusCode).toBe(303);
    // R2–R6 from the page that offered R1–R5 with R3 and R5 ticked: R3, R5 and the new R6.
    const moved = await city.post(
      `/agendas/${id}/edit`,
      sheetFields({ version: version(id), from: '2020', to: '2024', ...offered, 't0.printYears': ['2021', '2023'] }),
    );
    expect(moved.statusCode).toBe(303);
    expect(contentOf(getAgendaSheet(ctx.database.db, id)).tables[0]!.printYears).toEqual([2021, 2023, 2024]);
    expect(printedColumns((await city.get(`/agendas/${id}/print`)).body)).toEqual(['R3', 'R5', 'R6']);
  });

  it('printedYears: the chosen years of the window in order, every year when none is chosen or none falls in it', () => {
    const window = [2019, 2020, 2021, 2022, 2023];
    expect(printedYears({}, window)).toEqual(window);
    expect(printedYears({ printYears: [2023, 2019] }, window)).toEqual([2019, 2023]);
    expect(printedYears({ printYears: [2016, 2030] }, window)).toEqual(window);
  });
});

describe('the demo’s third sheet (seed 003’s 民生委員 table)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
    await ensureDemoCity(ctx.database.db, { passwordParams: TEST_SCRYPT, now: new Date('2026-11-23T12:00:00+09:00') });
  });
  afterAll(async () => ctx.close());

  it('prints H28, R1 and R4 only, with the seed’s figures', async () => {
    const sheet = ctx.database.db
      .select()
      .from(agendaSheets)
      .all()
      .find((s) => s.heading === '基本目標1：支え合いの気持ちを育もう')!;
    expect(sheet).toMatchObject({ fromFy: 2016, toFy: 2022 });
    const client = new Client(ctx.app);
    expect((await client.signIn('demo-city', DEMO_PASSWORD)).statusCode).toBe(303);
    const print = await client.get(`/agendas/${sheet.id}/print`);
    expect(print.statusCode).toBe(200);
    expect(printedColumns(print.body)).toEqual(['H28', 'R1', 'R4']);
    expect(printedFigures(print.body, '民生委員の定数')).toEqual(['1,582', '1,591', '1,593']);
    expect(printedFigures(print.body, '充足率')).toEqual(['97.0', '95.9', '94.9']);
    const csv = (await client.get(`/agendas/${sheet.id}/export.csv`)).body;
    expect(csv).toContain('項目,H28,R1,R4');
    // The editor offers the range's seven years, the three election years ticked.
    const editor = await client.get(`/agendas/${sheet.id}/edit`);
    expect(yearBoxes(editor.body)).toEqual({ 2016: true, 2017: false, 2018: false, 2019: true, 2020: false, 2021: false, 2022: true });
  });
});
