import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { Client, createTestApp, monthlyValues, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { agendaSheets, auditEvents, caseStudies } from '../../src/db/schema.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { upsertPublishedFigure } from '../../src/publishedFigures/repository.js';
import { createDemoAgendaSheet } from '../../src/agendas/demo.js';
import { contentOf, getAgendaSheet } from '../../src/agendas/repository.js';
import type { PrintModel } from '../../src/agendas/content.js';
import { parseFrozen } from '../../src/agendas/content.js';
import { ITEM_KEYS, loadSeed000, NOT_AVAILABLE, SEED_000, sheetFields } from './support.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  loadSeed000(ctx.database.db);
});
afterEach(async () => ctx.close());

function sheetCount(): number {
  return ctx.database.db.select().from(agendaSheets).all().length;
}

function auditActions(id: number): string[] {
  return ctx.database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entity, 'agenda_sheet'), eq(auditEvents.entityId, String(id))))
    .all()
    .map((e) => e.action);
}

async function createSheet(client: Client, overrides: Record<string, string> = {}): Promise<number> {
  await client.get('/agendas/new');
  const res = await client.post('/agendas/new', sheetFields(overrides));
  expect(res.statusCode).toBe(303);
  const m = /^\/agendas\/(\d+)\/edit$/.exec(res.headers.location as string);
  expect(m).not.toBeNull();
  return Number(m![1]);
}

describe('who may do what', () => {
  it('sends anonymous visitors to the sign-in page', async () => {
    const res = await new Client(ctx.app).get('/agendas');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fagendas');
  });

  it('refuses district users everything', async () => {
    const id = createDemoAgendaSheet(ctx.database.db, null);
    const district = await signedIn(ctx.app, 'district-e01');
    expect((await district.get('/agendas')).statusCode).toBe(403);
    expect((await district.get(`/agendas/${id}/print`)).statusCode).toBe(403);
    expect((await district.get('/agendas/new')).statusCode).toBe(403);
    expect((await district.post('/agendas/new', sheetFields())).statusCode).toBe(403);
    expect((await district.post(`/agendas/${id}/unfinalize`, { confirmed: '1', version: '2' })).statusCode).toBe(403);
    expect(sheetCount()).toBe(1);
    expect(getAgendaSheet(ctx.database.db, id).frozen).not.toBeNull();
  });

  it('lets ward users view the list and print, and nothing else', async () => {
    const city = await signedIn(ctx.app, 'city');
    const id = await createSheet(city);
    const ward = await signedIn(ctx.app, 'ward-east');
    const list = await ward.get('/agendas');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('議題（１）ア 小地域福祉活動の状況');
    expect(list.body).not.toContain('新しい議題シートを作る');
    expect(list.body).not.toContain(`/agendas/${id}/edit`);
    expect((await ward.get(`/agendas/${id}/print`)).statusCode).toBe(200);
    expect((await ward.get('/agendas/new')).statusCode).toBe(403);
    expect((await ward.get(`/agendas/${id}/edit`)).statusCode).toBe(403);
    const before = getAgendaSheet(ctx.database.db, id);
    expect((await ward.post(`/agendas/${id}/edit`, sheetFields({ heading: '書き換え', version: String(before.version) }))).statusCode).toBe(403);
    expect((await ward.post(`/agendas/${id}/delete`, { confirmed: '1', version: String(before.version) })).statusCode).toBe(403);
    expect((await ward.post(`/agendas/${id}/duplicate`)).statusCode).toBe(403);
    expect((await ward.post(`/agendas/${id}/finalize`, { confirmed: '1', version: String(before.version) })).statusCode).toBe(403);
    expect(getAgendaSheet(ctx.database.db, id)).toEqual(before);
    expect(sheetCount()).toBe(1);
  });

  it('refuses a ward user a sheet whose table shows another ward', async () => {
    const city = await signedIn(ctx.app, 'city');
    const id = await createSheet(city, { 't0.scope': 'ward:西区' });
    const east = await signedIn(ctx.app, 'ward-east');
    expect((await east.get(`/agendas/${id}/print`)).statusCode).toBe(403);
    expect((await east.get(`/agendas/${id}/export.csv`)).statusCode).toBe(403);
    const west = await signedIn(ctx.app, 'ward-west');
    expect((await west.get(`/agendas/${id}/print`)).statusCode).toBe(200);
  });

  it("sends a sheet's own address to the editor (city) or the print view (ward)", async () => {
    const id = createDemoAgendaSheet(ctx.database.db, null);
    expect((await (await signedIn(ctx.app, 'city')).get(`/agendas/${id}`)).headers.location).toBe(`/agendas/${id}/edit`);
    expect((await (await signedIn(ctx.app, 'ward-west')).get(`/agendas/${id}`)).headers.location).toBe(`/agendas/${id}/print`);
    expect((await (await signedIn(ctx.app, 'district-w01')).get(`/agendas/${id}`)).statusCode).toBe(403);
  });

  it('answers 404 for a malformed or unknown id', async () => {
    const city = await signedIn(ctx.app, 'city');
    expect((await city.get('/agendas/abc/print')).statusCode).toBe(404);
    expect((await city.get('/agendas/999/edit')).statusCode).toBe(404);
    expect((await city.post('/agendas/0/delete', { confirmed: '1', version: '1' })).statusCode).toBe(404);
  });
});

describe('composing a sheet', () => {
  it('creates a sheet from the form, audited, and shows the computed label beside every override field', async () => {
    const city = await signedIn(ctx.app, 'city');
    const id = await createSheet(city, { 't0.r.2.text': '増加', 't0.r.2.arrow': '↗' });
    expect(auditActions(id)).toEqual(['create']);
    const sheet = getAgendaSheet(ctx.database.db, id);
    expect(sheet.fromFy).toBe(2019);
    expect(sheet.toFy).toBe(2023);
    expect(contentOf(sheet).tables[0]!.rows.map((r) => r.key)).toEqual(ITEM_KEYS);

    const edit = await city.get(`/agendas/${id}/edit`);
    expect(edit.statusCode).toBe(200);
    // ② is +7.0 % year on year: computed やや増加 beside the override 増加.
    const row2 = edit.body.slice(edit.body.indexOf('ふれあいネットワーク活動の助け合い件数'), edit.body.indexOf('name="t0.r.3.order"'));
    expect(row2).toContain('やや増加');
    expect(row2).toContain('+7.0%');
    expect(row2).toMatch(/name="t0\.r\.2\.text" value="増加"/);
    expect(edit.body.match(/name="t0\.r\.\d\.text"/g)).toHaveLength(7);

    const print = await city.get(`/agendas/${id}/print`);
    const printedRow2 = print.body.slice(print.body.indexOf('②'), print.body.indexOf('③'));
    expect(printedRow2).toContain('721,850');
    expect(printedRow2).toContain('増加');
    expect(printedRow2).not.toContain('やや増加');
  });

  it('prints only the chosen rows, in the chosen order, with long headers and the footnote', async () => {
    const city = await signedIn(ctx.app, 'city');
    const id = await createSheet(city, {
      't0.r.1.order': '２', // full-width digits are fine
      't0.r.2.order': '',
      't0.r.3.order': '',
      't0.r.4.order': '1',
      't0.r.4.marker': '※',
      't0.r.4.footnote': '小地域福祉活動計画はＲ６年度１４校(地)区策定予定',
      't0.r.5.order': '',
      't0.r.6.order': '',
      't0.r.7.order': '',
      't0.headerStyle': 'long',
    });
    const print = await city.get(`/agendas/${id}/print`);
    const table = print.body.slice(print.body.indexOf('<table'), print.body.indexOf('</table>'));
    expect(table).toContain('令和元年度');
    expect(table).toContain('令和5年度');
    expect(table).not.toContain('サロン開設数');
    expect(table.indexOf('小地域福祉活動計画策定')).toBeLessThan(table.indexOf('ふれあいネットワーク'));
    expect(table).toContain('減少(※)');
    expect(print.body).toContain('※ 小地域福祉活動計画はＲ６年度１４校(地)区策定予定');
  });

  it('refuses bad input with 422, keeps every typed value, and stores nothing', async () => {
    const city = await signedIn(ctx.app, 'city');
    await city.get('/agendas/new');
    const res = await city.post(
      '/agendas/new',
      sheetFields({
        heading: '',
        subheading: '<b>副題</b>',
        from: 'むかし',
        't0.flatPercent': '30',
        't0.strongPercent': '20',
        't0.r.3.order': 'あ',
        't0.r.5.footnote': '記号のない注',
        't0.r.6.text': 'とても長い傾向の文言を書きました',
      }),
    );
    expect(res.statusCode).toBe(422);
    expect(sheetCount()).toBe(0);
    expect(res.body).toContain('error-summary');
    expect(res.body).toContain('見出しを入力してください。');
    expect(res.body).toContain('年度は 2019 または R1');
    expect(res.body).toContain('「ほぼ横ばい」の幅は「増加・減少」のしきい値以下にしてください。');
    expect(res.body).toContain('順番は 1〜99 の数字で入力してください');
    expect(res.body).toContain('注の文に付ける記号を入力してください');
    expect(res.body).toContain('傾向の文言は12文字以内');
    // Typed values come back (escaped).
    expect(res.body).toContain('value="むかし"');
    expect(res.body).toContain('value="&lt;b&gt;副題&lt;/b&gt;"');
    expect(res.body).toMatch(/name="t0\.r\.3\.order" value="あ"/);
    expect(res.body).toMatch(/name="t0\.r\.5\.footnote" value="記号のない注"/);
    expect(res.body).toMatch(/name="t0\.flatPercent" value="30"/);
  });

  it('asks for at least one row', async () => {
    const city = await signedIn(ctx.app, 'city');
    await city.get('/agendas/new');
    const blank = Object.fromEntries(ITEM_KEYS.map((k) => [`t0.r.${k}.order`, '']));
    const res = await city.post('/agendas/new', sheetFields(blank));
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('表に載せる行を1つ以上選んでください');
  });

  it('adds and removes sections and tables without saving', async () => {
    const city = await signedIn(ctx.app, 'city');
    const id = await createSheet(city);
    const version = String(getAgendaSheet(ctx.database.db, id).version);
    const added = await city.post(`/agendas/${id}/edit`, sheetFields({ version, heading: 'まだ保存しない見出し', op: 'addSection' }));
    expect(added.statusCode).toBe(200);
    expect(added.body).toContain('name="s0.heading"');
    expect(added.body).toContain('value="まだ保存しない見出し"');
    expect(added.body).toContain('まだ保存していません');
    const twoTables = await city.post(`/agendas/${id}/edit`, sheetFields({ version, op: 'addTable:households' }));
    expect(twoTables.body).toContain('name="t1.r.welfare_cooperators.order"');
    expect(getAgendaSheet(ctx.database.db, id).heading).toBe('議題（１）ア 小地域福祉活動の状況');
    expect(auditActions(id)).toEqual(['create']);

    // Saving with a section and a household table stores both.
    const fields = sheetFields({
      version,
      sectionCount: '1',
      's0.heading': 'ふれあいネットワーク活動の状況',
      's0.body': '一段落目。\n\n二段落目。',
      tableCount: '2',
      't1.kind': 'households',
      't1.scope': 'city',
      't1.heading': '福祉協力員数の推移',
      't1.basis': 'span',
      't1.flatPercent': '5',
      't1.strongPercent': '20',
      't1.headerStyle': 'short',
      't1.r.welfare_cooperators.order': '1',
      't1.r.watched_total.order': '2',
    });
    const saved = await city.post(`/agendas/${id}/edit`, fields);
    expect(saved.statusCode).toBe(303);
    const content = contentOf(getAgendaSheet(ctx.database.db, id));
    expect(content.tables[1]).toMatchObject({ kind: 'households', basis: 'span', showTrend: false });
    expect(content.tables[1]!.rows.map((r) => r.key)).toEqual(['welfare_cooperators', 'watched_total']);
    expect(content.sections).toEqual([{ heading: 'ふれあいネットワーク活動の状況', body: '一段落目。\n\n二段落目。', caseStudies: [] }]);
    const print = await city.get(`/agendas/${id}/print`);
    expect(print.body).toContain('<span class="no">２</span> 福祉協力員数の推移');
    expect(print.body).toContain('<span class="no">３</span> ふれあいネットワーク活動の状況');
    expect(print.body).toContain('<p class="para">二段落目。</p>');
    expect(auditActions(id)).toEqual(['create', 'update']);
  });

  it('picks case studies the districts wrote and prints them as numbered blocks', async () => {
    const { db } = ctx.database;
    const now = new Date().toISOString();
    const a = db
      .insert(caseStudies)
      .values({ districtId: ids.d1, fiscalYear: 2024, title: '見守りの輪', body: '東一の取組。\n\n第二段落。', createdAt: now, updatedAt: now })
      .returning()
      .get();
    const b = db
      .insert(caseStudies)
      .values({ districtId: ids.d3, fiscalYear: 2024, title: '<i>サロン</i>', body: '西一の取組。', createdAt: now, updatedAt: now })
      .returning()
      .get();
    const city = await signedIn(ctx.app, 'city');
    const id = await createSheet(city, { sectionCount: '1', 's0.heading': '取組の状況', 's0.body': '', [`s0.cs.${a.id}`]: '2', [`s0.cs.${b.id}`]: '1' });
    // The picker lists them with district and title (escaped), the chosen order kept.
    const edit = await city.get(`/agendas/${id}/edit`);
    expect(edit.body).toContain('東一校区');
    expect(edit.body).toContain('&lt;i&gt;サロン&lt;/i&gt;');
    expect(edit.body).toContain(`name="s0.cs.${b.id}" value="1"`);
    expect(edit.body).toContain(`name="s0.cs.${a.id}" value="2"`);
    const print = await city.get(`/agendas/${id}/print`);
    expect(print.body.indexOf('西一の取組。')).toBeLessThan(print.body.indexOf('東一の取組。'));
    expect(print.body).toContain('【取組事例①】');
    expect(print.body).toContain('【取組事例②】');
    expect(print.body).toContain('<p class="para">第二段落。</p>');

    // A case study deleted from the register drops out of the print, and the editor says so.
    ctx.database.sqlite.prepare('DELETE FROM case_studies WHERE id = ?').run(b.id);
    expect((await city.get(`/agendas/${id}/print`)).body).not.toContain('西一の取組。');
    expect((await city.get(`/agendas/${id}/edit`)).body).toContain('1 件が見つかりません');
  });
});

describe('conflicts, duplicates and deletes', () => {
  it('refuses a save made from a stale page with 409 and keeps what was typed', async () => {
    const city = await signedIn(ctx.app, 'city');
    const id = await createSheet(city);
    const v = String(getAgendaSheet(ctx.database.db, id).version);
    const other = await signedIn(ctx.app, 'city');
    await other.get(`/agendas/${id}/edit`);
    expect((await other.post(`/agendas/${id}/edit`, sheetFields({ version: v, heading: '先に保存した見出し' }))).statusCode).toBe(303);
    const late = await city.post(`/agendas/${id}/edit`, sheetFields({ version: v, heading: 'あとから保存した見出し' }));
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('先に保存しました');
    expect(late.body).toContain('value="あとから保存した見出し"');
    expect(getAgendaSheet(ctx.database.db, id).heading).toBe('先に保存した見出し');
    // The page now carries the stored version: saving again overwrites on purpose.
    const newVersion = String(getAgendaSheet(ctx.database.db, id).version);
    expect(late.body).toContain(`name="version" value="${newVersion}"`);
    expect((await city.post(`/agendas/${id}/edit`, sheetFields({ version: newVersion, heading: 'あとから保存した見出し' }))).statusCode).toBe(303);
    expect(getAgendaSheet(ctx.database.db, id).heading).toBe('あとから保存した見出し');
  });

  it('duplicates a sheet as a draft (audited)', async () => {
    const id = createDemoAgendaSheet(ctx.database.db, null);
    const city = await signedIn(ctx.app, 'city');
    await city.get('/agendas');
    const res = await city.post(`/agendas/${id}/duplicate`);
    expect(res.statusCode).toBe(303);
    const copyId = Number(/\/agendas\/(\d+)\/edit/.exec(res.headers.location as string)![1]);
    const copy = getAgendaSheet(ctx.database.db, copyId);
    expect(copy.heading).toBe('議題（１）ア 小地域福祉活動の状況（コピー）');
    expect(copy.frozen).toBeNull();
    expect(contentOf(copy)).toEqual(contentOf(getAgendaSheet(ctx.database.db, id)));
    expect(auditActions(copyId)).toEqual(['create']);
  });

  it('deletes a draft with its current version only, audited; a finalised sheet stays', async () => {
    const city = await signedIn(ctx.app, 'city');
    const id = await createSheet(city);
    const list = await city.get('/agendas');
    expect(list.body).toContain('data-confirm=');
    expect((await city.post(`/agendas/${id}/delete`, { confirmed: '1', version: '99' })).statusCode).toBe(409);
    expect(sheetCount()).toBe(1);
    const ok = await city.post(`/agendas/${id}/delete`, { confirmed: '1', version: '1' });
    expect(ok.statusCode).toBe(303);
    expect(sheetCount()).toBe(0);
    expect(auditActions(id)).toEqual(['create', 'delete']);

    const demo = createDemoAgendaSheet(ctx.database.db, null);
    const v = String(getAgendaSheet(ctx.database.db, demo).version);
    const refused = await city.post(`/agendas/${demo}/delete`, { confirmed: '1', version: v });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('確定を解除してください');
    expect(sheetCount()).toBe(1);
  });
});

describe('finalising (確定)', () => {
  it('prints the frozen figures after the data changes, and the editor shows the drift', async () => {
    const { db } = ctx.database;
    const city = await signedIn(ctx.app, 'city');
    // Table 1: the city (published figures). Table 2: district E01, rolled up from monthly reports.
    saveMonthlyReport(db, { districtId: ids.d1, month: '2023-05', values: monthlyValues({ mutual_aid_cases: 10 }), userId: null });
    const id = await createSheet(city, {
      tableCount: '2',
      't1.kind': 'items',
      't1.scope': 'district:E01',
      't1.heading': '東一校区の推移',
      't1.basis': 'yoy',
      't1.flatPercent': '5',
      't1.strongPercent': '20',
      't1.headerStyle': 'short',
      't1.showTrend': '1',
      't1.r.2.order': '1',
    });
    const v = String(getAgendaSheet(ctx.database.db, id).version);
    const fin = await city.post(`/agendas/${id}/finalize`, { confirmed: '1', version: v });
    expect(fin.statusCode).toBe(303);
    expect(auditActions(id)).toEqual(['create', 'finalize']);
    const frozen = parseFrozen(getAgendaSheet(db, id).frozen!);
    expect(frozen.tables[0]!.rows[0]!.cells.map((c) => c.value)).toEqual(SEED_000['1']);

    // A district corrects a month, and the city corrects a published figure.
    const r = saveMonthlyReport(db, { districtId: ids.d1, month: '2023-05', values: monthlyValues({ mutual_aid_cases: 18 }), userId: null });
    expect(r.status).toBe('saved');
    upsertPublishedFigure(db, { item: '1', fiscalYear: 2023, scopeType: 'city', scopeId: 0, value: 133390, note: null }, null);
    upsertPublishedFigure(db, { item: '3', fiscalYear: 2020, scopeType: 'city', scopeId: 0, value: 128, note: null }, null);

    const print = await city.get(`/agendas/${id}/print`);
    expect(print.body).toContain('133,382');
    expect(print.body).not.toContain('133,390');
    expect(print.body).toContain(NOT_AVAILABLE);
    const district = print.body.slice(print.body.indexOf('東一校区の推移'));
    expect(district).toMatch(/<td class="num">10<\/td>/);
    expect(district).not.toMatch(/<td class="num">18<\/td>/);

    const editor = await city.get(`/agendas/${id}/edit`);
    expect(editor.statusCode).toBe(200);
    expect(editor.body).toContain('確定後に変化: 133,382 → 133,390（+8）');
    expect(editor.body).toContain('確定後に変化: 10 → 18（+8）');
    expect(editor.body).toContain(`確定後に変化: ${NOT_AVAILABLE} → 128`);
    expect(editor.body).toContain('3 か所の数字');
    // Read-only while finalised: no form fields to edit, and a save is refused.
    expect(editor.body).not.toContain('name="t0.r.1.order"');
    const refused = await city.post(`/agendas/${id}/edit`, sheetFields({ version: String(getAgendaSheet(db, id).version), heading: '変えたい' }));
    expect(refused.statusCode).toBe(409);
    expect(getAgendaSheet(db, id).heading).toBe('議題（１）ア 小地域福祉活動の状況');
  });

  it('returns to draft when unfinalised (audited with the frozen figures), then prints live data', async () => {
    const { db } = ctx.database;
    const id = createDemoAgendaSheet(db, null);
    upsertPublishedFigure(db, { item: '1', fiscalYear: 2023, scopeType: 'city', scopeId: 0, value: 133390, note: null }, null);
    const city = await signedIn(ctx.app, 'city');
    await city.get(`/agendas/${id}/edit`);
    expect((await city.post(`/agendas/${id}/unfinalize`, { confirmed: '1', version: '1' })).statusCode).toBe(409);
    const v = String(getAgendaSheet(db, id).version);
    const res = await city.post(`/agendas/${id}/unfinalize`, { confirmed: '1', version: v });
    expect(res.statusCode).toBe(303);
    const sheet = getAgendaSheet(db, id);
    expect(sheet.frozen).toBeNull();
    expect(sheet.finalizedAt).toBeNull();
    const event = db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entity, 'agenda_sheet'), eq(auditEvents.action, 'unfinalize')))
      .get();
    expect(event).toBeDefined();
    expect(event!.userId).not.toBeNull();
    const before = JSON.parse(event!.before!) as { frozen: PrintModel };
    expect(before.frozen.tables[0]?.rows[0]?.cells[4]?.value).toBe(133382);
    const print = await city.get(`/agendas/${id}/print`);
    expect(print.body).toContain('133,390');
    expect(print.body).toContain('下書き');
  });
});

describe('the demo sheet', () => {
  it("reproduces seed 000's table: figures, not-available cell, printed labels and footnote", () => {
    const { db } = ctx.database;
    const id = createDemoAgendaSheet(db, null);
    const sheet = getAgendaSheet(db, id);
    expect(sheet.finalizedAt).not.toBeNull();
    const model = parseFrozen(sheet.frozen!);
    expect(model.heading).toBe('議題（１）ア 小地域福祉活動の状況');
    const table = model.tables[0]!;
    expect(table.columns.map((c) => c.label)).toEqual(['R1', 'R2', 'R3', 'R4', 'R5']);
    expect(table.rows.map((r) => r.circled)).toEqual(['①', '②', '③', '④', '⑤', '⑥', '⑦']);
    for (const row of table.rows) expect(row.cells.map((c) => c.value)).toEqual(SEED_000[row.key]);
    expect(table.rows[2]!.cells[1]).toMatchObject({ value: null, note: NOT_AVAILABLE });
    expect(table.rows.map((r) => `${r.label.arrow}${r.label.text}${r.label.footnoteMarker}`)).toEqual([
      '→ほぼ横ばい',
      '↗増加',
      '→ほぼ横ばい',
      '↘減少※',
      '↗増加',
      '↗やや増加',
      '↗増加',
    ]);
    expect(table.rows[1]!.computed.text).toBe('やや増加');
    expect(table.footnotes).toEqual([{ marker: '※', text: '小地域福祉活動計画はＲ６年度１４校(地)区策定予定で、残り１８校(地)区' }]);
    expect(model.sections.map((s) => s.number)).toEqual(['２', '３', '４']);
    expect(model.sections[0]!.caseStudies.map((c) => c.label)).toEqual(['【取組事例①】', '【取組事例②】']);
    // No such districts in the small city: the seed's text is kept in the sheet itself.
    expect(contentOf(sheet).sections[0]!.caseStudies.map((c) => c.kind)).toEqual(['copy', 'copy']);
    expect(model.sections[0]!.caseStudies[0]!.body).toContain('たのうらサポート隊');
    expect(model.sections[2]!.body).toContain('重層的支援体制整備については来年度から全市展開に向けて');
  });

  it('uses the case studies the districts wrote when the demo city has them', () => {
    const { db } = ctx.database;
    const now = new Date().toISOString();
    const tanoura = db
      .insert(caseStudies)
      .values({ districtId: ids.d1, fiscalYear: 2024, title: 'x', body: 'y', createdAt: now, updatedAt: now })
      .returning()
      .get();
    // Renaming a test district stands in for the demo city's 田野浦校区.
    ctx.database.sqlite.prepare("UPDATE districts SET name = '田野浦校区' WHERE id = ?").run(ids.d1);
    const id = createDemoAgendaSheet(db, null);
    const picks = contentOf(getAgendaSheet(db, id)).sections[0]!.caseStudies;
    expect(picks[0]).toEqual({ kind: 'ref', caseStudyId: tanoura.id });
    expect(picks[1]!.kind).toBe('copy');
  });

  it('escapes what people typed on every page', async () => {
    const city = await signedIn(ctx.app, 'city');
    const id = await createSheet(city, { heading: '<script>alert(1)</script>', 't0.r.4.marker': '<b>', 't0.r.4.footnote': '<img src=x>' });
    for (const url of ['/agendas', `/agendas/${id}/print`, `/agendas/${id}/edit`]) {
      const res = await city.get(url);
      expect(res.body).not.toContain('<script>alert(1)</script>');
      expect(res.body).not.toContain('<img src=x>');
      expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });
});
