import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'csv-stringify/sync';
import { agendaSheets, districts, monthlyReports, publishedFigures, salons, users } from '../../src/db/schema.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { COUNT_FIELDS } from '../../src/monthlyReports/repository.js';
import { BIDI_MESSAGE, CONTROL_MESSAGE, INVISIBLE_MESSAGE } from '../../src/domain/text.js';
import { createTestApp, seedSmallCity, signedIn, TEST_PASSWORD, type TestContext } from '../support/app.js';

/*
 * Finding 9 of the production issue: NUL and ESC were stored in monthly notes,
 * agenda headings, published-figure notes and CSV imports, and a user named
 * 「市社協 山田\u202e（管理者）」 was saved. Every form and the importer now go
 * through one normaliser (src/domain/text.ts): refused with a Japanese message
 * at the field, the typed value kept, nothing stored.
 */

let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

const NUL = 'a\u0000b';
const ESC = '\u001b[31m赤い文字\u001b[0m';
const RLO = '市社協 山田\u202e（者理管）';
const ZERO_WIDTH = '市社協\u200b山田';

async function cityApp() {
  const context = await createTestApp();
  const ids = await seedSmallCity(context.database);
  const client = await signedIn(context.app, 'city');
  return { context, ids, client };
}

/** The editor's fields for a one-table sheet (all seven rows in order), with overrides. */
function sheetFields(overrides: Record<string, string> = {}): Record<string, string> {
  const fields: Record<string, string> = {
    heading: '議題（１）ア 小地域福祉活動の状況',
    subheading: '',
    from: '2019',
    to: '2023',
    version: '0',
    tableCount: '1',
    sectionCount: '1',
    't0.kind': 'items',
    't0.scope': 'city',
    't0.heading': '前年度までの推移',
    't0.basis': 'yoy',
    't0.flatPercent': '5',
    't0.strongPercent': '20',
    't0.headerStyle': 'short',
    't0.showTrend': '1',
    't0.note': '',
    's0.heading': '見守りの状況',
    's0.body': '本文です。\r\n二行目。',
    's0.copyCount': '0',
    op: 'save',
  };
  for (const k of ['1', '2', '3', '4', '5', '6', '7']) {
    fields[`t0.r.${k}.order`] = k;
    fields[`t0.r.${k}.arrow`] = '';
    fields[`t0.r.${k}.text`] = '';
    fields[`t0.r.${k}.marker`] = '';
    fields[`t0.r.${k}.footnote`] = '';
  }
  return { ...fields, ...overrides };
}

describe('forms refuse control characters with a Japanese message at the field and store nothing', () => {
  it('monthly report note: NUL and ESC refused (422, typed note shown back); a tab and line breaks are fine', async () => {
    const { context, client } = await cityApp();
    ctx = context;
    const counts = Object.fromEntries(COUNT_FIELDS.map((f) => [f, '10']));
    for (const note of [NUL, ESC, '行\u0085NEL', 'DEL\u007f']) {
      await client.get('/districts/W01/reports/2024-05');
      const res = await client.post('/districts/W01/reports/2024-05', { ...counts, note, version: '0' });
      expect(res.statusCode, JSON.stringify(note)).toBe(422);
      expect(res.body).toMatch(/<span class="field-error" id="note-error">備考に使えない制御文字が含まれています。/);
      expect(res.body).toContain(note); // what was typed is still in the textarea
      expect(res.body).toContain('value="10"'); // and so are the counts
    }
    expect(context.database.db.select().from(monthlyReports).all()).toEqual([]);
    const ok = await client.post('/districts/W01/reports/2024-05', { ...counts, note: '一行目\r\n\t二行目', version: '0' });
    expect(ok.statusCode).toBe(303);
    expect(context.database.db.select().from(monthlyReports).get()!.note).toBe('一行目\n\t二行目');
  });

  it('agenda sheet headings, notes and section text: controls and direction overrides refused at their field', async () => {
    const { context, client } = await cityApp();
    ctx = context;
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ heading: `議題${NUL}` }, 'heading', /見出しに使えない制御文字が含まれています。/],
      [{ heading: `議題${ESC}` }, 'heading', /見出しに使えない制御文字が含まれています。/],
      [{ 't0.heading': `推移${ESC}` }, 't0.heading', /表1 見出しに使えない制御文字が含まれています。/],
      [{ 't0.note': `注記${NUL}` }, 't0.note', /表の下の注記に使えない制御文字が含まれています。/],
      [{ 't0.r.4.marker': '※', 't0.r.4.footnote': `注\u202eの文` }, 't0.r.4.footnote', /注の文に文字の向きを変える見えない文字が含まれています。/],
      [{ 's0.heading': `見守り${NUL}` }, 's0.heading', /項目1 見出しに使えない制御文字が含まれています。/],
      [{ 's0.body': `本文${ESC}` }, 's0.body', /項目1 本文に使えない制御文字が含まれています。/],
      [{ subheading: `副題\u200b` }, 'subheading', /副題に幅のない見えない文字が含まれています。/],
    ];
    for (const [overrides, field, message] of cases) {
      await client.get('/agendas/new');
      const res = await client.post('/agendas/new', sheetFields(overrides));
      expect(res.statusCode, field).toBe(422);
      expect(res.body, field).toMatch(message);
      expect(res.body, field).toContain(`id="${field}"`);
      expect(res.body, field).toContain(Object.values(overrides).at(-1)!.replace(/\r\n/g, '\n'));
    }
    expect(context.database.db.select().from(agendaSheets).all()).toEqual([]);
    const ok = await client.post('/agendas/new', sheetFields({ heading: '議題（１）ア 小地域福祉活動の状況' }));
    expect(ok.statusCode).toBe(303);
    const stored = context.database.db.select().from(agendaSheets).get()!;
    expect(stored.content).toContain('本文です。\\n二行目。');
  });

  it('published-figure note: NUL and ESC refused, nothing stored', async () => {
    const { context, client } = await cityApp();
    ctx = context;
    const url = '/published-figures/edit?item=3&fy=2020&scope=city';
    for (const note of [`コロナ禍${NUL}`, `コロナ禍${ESC}`, `コロナ禍\u202e不可`, `コロナ禍\ufeff`]) {
      await client.get(url);
      const res = await client.post(url, { action: 'save', kind: 'not_available', value: '', note, expected: '' });
      expect(res.statusCode, JSON.stringify(note)).toBe(422);
      expect(res.body).toMatch(/理由に(使えない制御文字|文字の向きを変える見えない文字|幅のない見えない文字)が含まれています。/);
      expect(res.body).toContain(note);
    }
    expect(context.database.db.select().from(publishedFigures).all()).toEqual([]);
  });

  it('user display name: U+202E and zero-width characters refused, the typed name kept, no user added', async () => {
    const { context, client } = await cityApp();
    ctx = context;
    const before = context.database.db.select().from(users).all().length;
    for (const [name, message] of [
      [RLO, BIDI_MESSAGE],
      [ZERO_WIDTH, INVISIBLE_MESSAGE],
      ['山田\u2066太郎\u2069', BIDI_MESSAGE],
      ['山田\u200f', INVISIBLE_MESSAGE],
      [`山田${ESC}`, CONTROL_MESSAGE],
    ] as const) {
      await client.get('/users/new');
      const res = await client.post('/users/new', {
        login: 'yamada01',
        display_name: name,
        role: 'city',
        ward_id: '',
        district_id: '',
        password: TEST_PASSWORD,
        password_confirm: TEST_PASSWORD,
      });
      expect(res.statusCode, JSON.stringify(name)).toBe(422);
      expect(res.body).toContain(`<span class="field-error" id="display_name-error">表示名に${message}</span>`);
      expect(res.body).toContain(`value="${name}"`);
    }
    expect(context.database.db.select().from(users).all().length).toBe(before);
    // A name typed in decomposed form is stored composed (NFC), so it matches the same name typed elsewhere.
    const ok = await client.post('/users/new', {
      login: 'yamada01',
      display_name: '山田 か\u3099く',
      role: 'city',
      password: TEST_PASSWORD,
      password_confirm: TEST_PASSWORD,
    });
    expect(ok.statusCode).toBe(303);
    expect(
      context.database.db
        .select()
        .from(users)
        .all()
        .map((u) => u.displayName),
    ).toContain('山田 がく');
  });
});

describe('the CSV importer uses the same rules', () => {
  const csv = (rows: string[][]) => new TextEncoder().encode(stringify(rows));

  it('a NUL or ESC in a note, or an invisible character in a name, is an error at its line and column; nothing is written', async () => {
    const { context } = await cityApp();
    ctx = context;
    const { db } = context.database;
    const header = ['district_code', 'month', ...COUNT_FIELDS, 'note'];
    for (const note of [NUL, ESC]) {
      const result = importCsv(
        db,
        'monthly',
        csv([header, ['W01', '2024-04', ...COUNT_FIELDS.map(() => '5'), '普通の備考'], ['W01', '2024-05', ...COUNT_FIELDS.map(() => '5'), note]]),
      );
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.errors).toContainEqual({ line: 3, column: 'note', message: CONTROL_MESSAGE });
    }
    expect(db.select().from(monthlyReports).all()).toEqual([]);

    const salonResult = importCsv(
      db,
      'salons',
      csv([
        ['district_code', 'name', 'venue', 'opened_on', 'closed_on', 'subsidy_applied'],
        ['W01', 'ふれあい\u200bサロン', '', '2024/4/1', '', 'はい'],
      ]),
    );
    expect(salonResult.ok).toBe(false);
    if (!salonResult.ok) expect(salonResult.errors).toContainEqual({ line: 2, column: 'name', message: INVISIBLE_MESSAGE });
    expect(db.select().from(salons).all()).toEqual([]);

    const districtsBefore = db.select().from(districts).all();
    const districtResult = importCsv(
      db,
      'districts',
      csv([
        ['code', 'name', 'kana', 'ward', 'active_from', 'active_to'],
        ['N01', `北一校区\u202e`, 'きたいち', '東区', '', ''],
      ]),
    );
    expect(districtResult.ok).toBe(false);
    if (!districtResult.ok) expect(districtResult.errors).toContainEqual({ line: 2, column: 'name', message: BIDI_MESSAGE });
    expect(db.select().from(districts).all()).toEqual(districtsBefore);

    // Line breaks inside a quoted note are fine (stored as LF), and text is stored in NFC.
    const ok = importCsv(db, 'monthly', csv([header, ['W01', '2024-04', ...COUNT_FIELDS.map(() => '5'), '一行目\r\n二行目 か\u3099']]));
    expect(ok.ok).toBe(true);
    expect(db.select().from(monthlyReports).get()!.note).toBe('一行目\n二行目 が');
  });
});
