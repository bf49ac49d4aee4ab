import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type Client, type TestContext } from '../support/app.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { getPublishedFigure, upsertPublishedFigure } from '../../src/publishedFigures/repository.js';
import { validateFigureForm } from '../../src/publishedFigures/routes.js';
import { auditOf, textOf, values } from './helpers.js';
import { trendRow, type TrendsJson } from '../support/json.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
let city: Client;

const EDIT = '/published-figures/edit?item=1&fy=2022&scope=city&from=2020&to=2023';

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  const { db } = ctx.database;
  // FY2022 rollup of ①: E01 100 + W01 40 = 140 watched households in March 2023.
  saveMonthlyReport(db, { districtId: ids.d1, month: '2023-03', values: values({ watched_elderly: 100, mutual_aid_cases: 7 }), userId: null });
  saveMonthlyReport(db, { districtId: ids.d3, month: '2023-03', values: values({ watched_elderly: 40 }), userId: null });
  city = await signedIn(ctx.app, 'city');
});
afterEach(async () => ctx.close());

function figure() {
  return getPublishedFigure(ctx.database.db, { item: '1', fiscalYear: 2022, scopeType: 'city', scopeId: 0 });
}

/** The hidden `expected` field of the edit form, as a browser would send it back. */
async function expectedOf(url = EDIT): Promise<string> {
  const expected = /name="expected" value="([^"]*)"/.exec((await city.get(url)).body)?.[1];
  if (expected === undefined) throw new Error(`no expected field on ${url}`);
  return expected;
}

async function apiCell(item: number, fy: number, scope = 'city') {
  const res = await city.get(`/api/trends?from=${fy}&to=${fy}&scope=${encodeURIComponent(scope)}`);
  expect(res.statusCode).toBe(200);
  return trendRow(res.json<TrendsJson>(), item).values[0];
}

describe('published figures', () => {
  it('enters a figure typed in full-width digits; the trend API then shows it as published', async () => {
    expect(await apiCell(1, 2022)).toMatchObject({ value: 140, origin: 'rollup' });
    const res = await city.post(EDIT, { kind: 'value', value: '１３２，８４４', note: '', expected: await expectedOf() });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/published-figures?scope=city&from=2020&to=2023');
    expect(figure()).toMatchObject({ value: 132844, note: null });
    const events = auditOf(ctx.database, 'published_figure');
    expect(events).toHaveLength(1);
    const [created] = events;
    if (!created) throw new Error('no create event');
    expect(created.action).toBe('create');
    expect(JSON.parse(created.after!)).toMatchObject({ item: '1', fiscalYear: 2022, value: 132844 });
    expect(await apiCell(1, 2022)).toMatchObject({ value: 132844, origin: 'published' });
  });

  it('changes a figure, writing one audit event with before and after', async () => {
    upsertPublishedFigure(ctx.database.db, { item: '1', fiscalYear: 2022, scopeType: 'city', scopeId: 0, value: 130000, note: null }, null);
    const before = auditOf(ctx.database, 'published_figure').length;
    const res = await city.post(EDIT, { kind: 'value', value: '132,844', expected: await expectedOf() });
    expect(res.statusCode).toBe(303);
    const events = auditOf(ctx.database, 'published_figure');
    expect(events).toHaveLength(before + 1);
    const last = events.at(-1);
    if (!last) throw new Error('no audit event');
    expect(last.action).toBe('update');
    expect(JSON.parse(last.before!)).toMatchObject({ value: 130000 });
    expect(JSON.parse(last.after!)).toMatchObject({ value: 132844 });
    // Saving the same again writes nothing.
    await city.post(EDIT, { kind: 'value', value: '132844', expected: await expectedOf() });
    expect(auditOf(ctx.database, 'published_figure')).toHaveLength(before + 1);
  });

  it('marks a figure not available with its reason, which the trend API then carries', async () => {
    const url = '/published-figures/edit?item=3&fy=2020&scope=city';
    const res = await city.post(url, { kind: 'not_available', value: '', note: '  コロナ禍で正確な統計不可  ', expected: await expectedOf(url) });
    expect(res.statusCode).toBe(303);
    expect(await apiCell(3, 2020)).toMatchObject({ value: null, origin: 'published', note: 'コロナ禍で正確な統計不可' });
    expect(auditOf(ctx.database, 'published_figure')).toHaveLength(1);
    const grid = await city.get('/published-figures?from=2019&to=2022');
    expect(grid.body).toContain('公表値なし：コロナ禍で正確な統計不可');
  });

  it('removes a figure so the rollup shows again (audited)', async () => {
    upsertPublishedFigure(ctx.database.db, { item: '1', fiscalYear: 2022, scopeType: 'city', scopeId: 0, value: 1, note: null }, null);
    const before = auditOf(ctx.database, 'published_figure').length;
    const page = await city.get(EDIT);
    expect(page.body).toContain('公表値を削除する');
    const res = await city.post(EDIT, { action: 'delete', expected: await expectedOf() });
    expect(res.statusCode).toBe(303);
    expect(figure()).toBeUndefined();
    const events = auditOf(ctx.database, 'published_figure');
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)?.action).toBe('delete');
    expect(await apiCell(1, 2022)).toMatchObject({ value: 140, origin: 'rollup' });
    // Deleting what is gone is a clear 409.
    expect((await city.post(EDIT, { action: 'delete', expected: '' })).statusCode).toBe(409);
  });

  it('refuses bad input with 422, keeping what was typed and changing nothing', async () => {
    const expected = await expectedOf();
    const cases: [Record<string, string>, string, string][] = [
      [{ kind: 'value', value: '-5' }, 'value', 'マイナス'],
      [{ kind: 'value', value: '12.5' }, 'value', '小数'],
      [{ kind: 'value', value: 'たくさん' }, 'value', '数字で入力'],
      [{ kind: 'value', value: '' }, 'value', '公表値を入力してください'],
      [{ kind: 'not_available', note: '   ' }, 'note', '理由を入力してください'],
      [{ kind: 'not_available', note: 'あ'.repeat(101) }, 'note', '100文字以内'],
      [{ kind: '', value: '5' }, 'kind', 'どちらかを選んでください'],
    ];
    for (const [fields, field, message] of cases) {
      const res = await city.post(EDIT, { value: '', note: '', ...fields, expected });
      expect(res.statusCode, JSON.stringify(fields)).toBe(422);
      expect(res.body).toContain('error-summary');
      expect(res.body).toContain(message);
      if (field !== 'kind') expect(res.body).toContain(`id="${field}" name="${field}"`);
      const typed = fields.value ?? fields.note ?? '';
      if (typed.trim()) expect(res.body).toContain(`value="${typed}"`);
    }
    expect(figure()).toBeUndefined();
    expect(auditOf(ctx.database, 'published_figure')).toHaveLength(0);
  });

  it('answers 409 when someone else changed the cell meanwhile, keeping the typed value and theirs', async () => {
    const stale = await expectedOf();
    upsertPublishedFigure(ctx.database.db, { item: '1', fiscalYear: 2022, scopeType: 'city', scopeId: 0, value: 111, note: null }, null);
    const res = await city.post(EDIT, { kind: 'value', value: '222', expected: stale });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('ほかの人がこの欄の公表値を変更しました');
    expect(res.body).toContain('value="222"');
    expect(textOf(res.body)).toContain('現在の公表値 111');
    expect(figure()!.value).toBe(111);
    // Saving again from the conflict page (with the new `expected`) goes through.
    const fresh = /name="expected" value="([^"]*)"/.exec(res.body)?.[1];
    if (fresh === undefined) throw new Error('no expected field on the conflict page');
    expect((await city.post(EDIT, { kind: 'value', value: '222', expected: fresh })).statusCode).toBe(303);
    expect(figure()!.value).toBe(222);
  });

  it('shows the grid with published figures, rollups and their difference', async () => {
    upsertPublishedFigure(ctx.database.db, { item: '1', fiscalYear: 2022, scopeType: 'city', scopeId: 0, value: 150, note: null }, null);
    upsertPublishedFigure(ctx.database.db, { item: '2', fiscalYear: 2022, scopeType: 'city', scopeId: 0, value: 7, note: null }, null);
    const res = await city.get('/published-figures?from=2021&to=2022&scope=city');
    expect(res.statusCode).toBe(200);
    const row1 = new RegExp('<tr data-row="1">[\\s\\S]*?</tr>').exec(res.body)![0];
    const cell = textOf(new RegExp('<td [^>]*data-fy="2022"[^>]*>[\\s\\S]*?</td>').exec(row1)![0]);
    expect(cell).toContain('150 公表値 集計値 140（差 -10）');
    expect(row1).toMatch(/class="num published differs" data-fy="2022" data-origin="published"/);
    const row2 = new RegExp('<tr data-row="2">[\\s\\S]*?</tr>').exec(res.body)![0];
    expect(textOf(row2)).toContain('集計値と同じ');
    // Household rows are there too, each with an edit link.
    expect(res.body).toContain('data-row="watched_elderly"');
    expect(res.body).toContain('/published-figures/edit?item=watched_elderly&amp;fy=2022&amp;scope=city&amp;from=2021&amp;to=2022');
  });

  it('works for a ward or district scope and for household rows', async () => {
    const url = `/published-figures/edit?item=watched_elderly&fy=2022&scope=${encodeURIComponent('district:E01')}`;
    const page = await city.get(url);
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain('集計値 100');
    expect((await city.post(url, { kind: 'value', value: '95', expected: '' })).statusCode).toBe(303);
    const stored = getPublishedFigure(ctx.database.db, { item: 'watched_elderly', fiscalYear: 2022, scopeType: 'district', scopeId: ids.d1 })!;
    expect(stored.value).toBe(95);
    expect(auditOf(ctx.database, 'published_figure').at(0)?.districtId).toBe(ids.d1);
    const api = await city.get('/api/trends?from=2022&to=2022&scope=district:E01&table=households');
    const elderly = trendRow(api.json<TrendsJson>(), 'watched_elderly');
    expect(elderly.values[0]).toMatchObject({ value: 95, origin: 'published' });
  });

  it('keeps the form logic pure and strict', () => {
    expect(validateFigureForm({ kind: 'value', value: '１，０００', note: 'x' })).toEqual({ ok: true, value: 1000, note: null });
    expect(validateFigureForm({ kind: 'not_available', value: '5', note: '理由' })).toEqual({ ok: true, value: null, note: '理由' });
    expect(validateFigureForm({ kind: 'not_available', value: '', note: '一行目\n二行目' }).ok).toBe(false);
    expect(validateFigureForm({ kind: 'value', value: '99999999', note: '' }).ok).toBe(false);
  });
});
