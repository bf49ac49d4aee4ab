import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents, closedFiscalYears, districts, districtYearFigures } from '../../src/db/schema.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { createSalon } from '../../src/salons/repository.js';
import { recomputeFiscalYears } from '../../src/figures/recompute.js';
import { createTestApp, monthlyValues, seedSmallCity, signedIn, type TestContext } from '../support/app.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => {
  await ctx.close();
});

const districtByCode = (code: string) => ctx.database.db.select().from(districts).where(eq(districts.code, code)).get();
const auditsOf = (districtId: number) =>
  ctx.database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entity, 'district'), eq(auditEvents.entityId, String(districtId))))
    .all();
const figureRow = (districtId: number, fy: number) =>
  ctx.database.db
    .select()
    .from(districtYearFigures)
    .where(and(eq(districtYearFigures.districtId, districtId), eq(districtYearFigures.fiscalYear, fy)))
    .get();

describe('校(地)区を追加 (/districts/new)', () => {
  it('the list offers 追加 and 編集 to city users only', async () => {
    const city = await signedIn(ctx.app, 'city');
    const list = await city.get('/districts');
    expect(list.body).toContain('href="/districts/new"');
    expect(list.body).toContain('href="/districts/E01/edit"');
    const ward = await signedIn(ctx.app, 'ward-east');
    const wardList = await ward.get('/districts');
    expect(wardList.statusCode).toBe(200);
    expect(wardList.body).not.toContain('/districts/new');
    expect(wardList.body).not.toContain('/edit"');
  });

  it('adds a district with the import’s rules: full-width code folded, katakana kana as hiragana, FY in wareki; audited', async () => {
    const city = await signedIn(ctx.app, 'city');
    const form = await city.get('/districts/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<option value="' + ids.wardA + '">東区</option>');
    const res = await city.post('/districts/new', { code: 'Ｅ０３', name: '東三校区', kana: 'ヒガシサン', ward: String(ids.wardA), active_from: '令和6年度' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/districts?ward=${ids.wardA}`);
    const row = districtByCode('E03')!;
    expect(row).toMatchObject({ name: '東三校区', kana: 'ひがしさん', wardId: ids.wardA, activeFrom: 2024, activeTo: null });
    const audits = auditsOf(row.id);
    expect(audits.map((a) => a.action)).toEqual(['create']);
    const after = await city.get(res.headers.location as string);
    expect(after.body).toContain('校(地)区「東三校区」（E03）を追加しました。');
    expect(after.body).toContain('東三校区');
  });

  it('refuses wrong fields with a message beside each, keeps what was typed, and writes nothing', async () => {
    const city = await signedIn(ctx.app, 'city');
    await city.get('/districts/new');
    const before = ctx.database.db.select().from(districts).all().length;
    const res = await city.post('/districts/new', { code: 'E 0 3!', name: '', kana: 'ひがしさん<b>', ward: '', active_from: '来年' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/<title>エラー：/);
    expect(res.body).toContain('校(地)区コードは半角の英数字（32文字以内）で入力してください。');
    expect(res.body).toContain('必ず入力してください。');
    expect(res.body).toContain('区を選んでください。');
    expect(res.body).toContain('年度は 2019 または R1 のように入力してください。');
    expect(res.body).toContain('value="E 0 3!"');
    expect(res.body).toContain('value="ひがしさん&lt;b&gt;"');
    expect(res.body).toContain('value="来年"');
    expect(ctx.database.db.select().from(districts).all().length).toBe(before);
  });

  it('refuses a code that is already used, naming the district that has it', async () => {
    const city = await signedIn(ctx.app, 'city');
    await city.get('/districts/new');
    const res = await city.post('/districts/new', { code: 'e01', name: '別の校区', kana: 'べつ', ward: String(ids.wardB), active_from: '' });
    // Codes are compared as typed after folding; 'e01' is a different code from 'E01' (codes are case-sensitive in the import too).
    expect(res.statusCode).toBe(303);
    const dup = await city.post('/districts/new', { code: 'Ｅ01', name: '別の校区', kana: 'べつ', ward: String(ids.wardB), active_from: '' });
    expect(dup.statusCode).toBe(422);
    expect(dup.body).toContain('校(地)区コード「E01」はすでに「東一校区」で使われています。');
    expect(dup.body).toContain('value="別の校区"');
  });

  it('is for city users only: ward and district staff get 403, anonymous users the sign-in page', async () => {
    for (const login of ['ward-east', 'district-e01']) {
      const c = await signedIn(ctx.app, login);
      expect((await c.get('/districts/new')).statusCode).toBe(403);
      expect((await c.get('/districts/E01/edit')).statusCode).toBe(403);
      expect((await c.get('/districts/E01/end')).statusCode).toBe(403);
      expect((await c.get('/successions')).statusCode).toBe(403);
      expect((await c.get('/successions/new')).statusCode).toBe(403);
      const post = await c.post('/districts/new', { code: 'X01', name: 'X', kana: 'x', ward: String(ids.wardA) });
      expect(post.statusCode).toBe(403);
    }
    expect(districtByCode('X01')).toBeUndefined();
    const anon = await ctx.app.inject({ method: 'GET', url: '/districts/new' });
    expect(anon.statusCode).toBe(303);
    expect(anon.headers.location).toMatch(/^\/login/);
  });
});

describe('校(地)区の変更 (/districts/:code/edit)', () => {
  it('changes name, kana and ward, audited with before and after; the stored figures move to the new ward', async () => {
    saveMonthlyReport(ctx.database.db, { districtId: ids.d1, month: '2024-05', values: monthlyValues({ watched_elderly: 10 }), userId: null });
    recomputeFiscalYears(ctx.database.db, [2024]);
    expect(figureRow(ids.d1, 2024)?.wardId).toBe(ids.wardA);
    const city = await signedIn(ctx.app, 'city');
    const form = await city.get('/districts/E01/edit');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="東一校区"');
    expect(form.body).toContain('name="before_name" value="東一校区"');
    const res = await city.post('/districts/E01/edit', {
      name: '新東一校区',
      kana: 'シンヒガシイチ',
      ward: String(ids.wardB),
      before_name: '東一校区',
      before_kana: 'ひがしいち',
      before_ward: String(ids.wardA),
    });
    expect(res.statusCode).toBe(303);
    expect(districtByCode('E01')).toMatchObject({ name: '新東一校区', kana: 'しんひがしいち', wardId: ids.wardB });
    const [audit] = auditsOf(ids.d1);
    if (!audit) throw new Error('no audit event for E01');
    expect(audit.action).toBe('update');
    expect(JSON.parse(audit.before!)).toMatchObject({ name: '東一校区', wardId: ids.wardA });
    expect(JSON.parse(audit.after!)).toMatchObject({ name: '新東一校区', wardId: ids.wardB });
    expect(figureRow(ids.d1, 2024)?.wardId).toBe(ids.wardB);
  });

  it('does not overwrite a change someone saved after the form was opened (409, both versions shown, nothing written)', async () => {
    const city = await signedIn(ctx.app, 'city');
    await city.get('/districts/E01/edit');
    ctx.database.db.update(districts).set({ name: '誰かが変えた校区' }).where(eq(districts.id, ids.d1)).run();
    const res = await city.post('/districts/E01/edit', {
      name: '私の校区',
      kana: 'ひがしいち',
      ward: String(ids.wardA),
      before_name: '東一校区',
      before_kana: 'ひがしいち',
      before_ward: String(ids.wardA),
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('ほかの方が先に校(地)区を変更しました');
    expect(res.body).toContain('誰かが変えた校区');
    expect(res.body).toContain('value="私の校区"');
    // Saving again is deliberate: the form now carries what is stored as its before-values.
    expect(res.body).toContain('name="before_name" value="誰かが変えた校区"');
    expect(districtByCode('E01')?.name).toBe('誰かが変えた校区');
    expect(auditsOf(ids.d1)).toEqual([]);
  });

  it('refuses a blank name and an unknown ward beside the fields (422)', async () => {
    const city = await signedIn(ctx.app, 'city');
    await city.get('/districts/E01/edit');
    const res = await city.post('/districts/E01/edit', {
      name: '  ',
      kana: 'ひがしいち',
      ward: '999',
      before_name: '東一校区',
      before_kana: 'ひがしいち',
      before_ward: String(ids.wardA),
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('必ず入力してください。');
    expect(res.body).toContain('区を選んでください。');
    expect(districtByCode('E01')?.name).toBe('東一校区');
  });
});

describe('活動終了 (/districts/:code/end)', () => {
  it('asks on a confirmation page first, then records the last FY (audited); the stored figures follow', async () => {
    createSalon(ctx.database.db, ids.d2, { name: 'ひだまり', venue: '', openedOn: '2020-04-01', closedOn: null, subsidyApplied: false }, null);
    saveMonthlyReport(ctx.database.db, { districtId: ids.d2, month: '2023-06', values: monthlyValues({ watched_elderly: 5 }), userId: null });
    recomputeFiscalYears(ctx.database.db, [2023, 2024]);
    expect(figureRow(ids.d2, 2024)).toMatchObject({ active: 1, salonsOpen: 1 });
    const city = await signedIn(ctx.app, 'city');
    const page = await city.get('/districts/E02/end');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('最後に活動する年度');

    const ask = await city.post('/districts/E02/end', { last_fy: 'R5', before_active_to: '' });
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('東二校区の活動を令和5年度で終了にしますか');
    expect(ask.body).toContain('令和6年度以降も開設中のサロンが1か所');
    expect(ask.body).toContain('name="confirmed" value="1"');
    expect(districtByCode('E02')?.activeTo).toBeNull();

    const done = await city.post('/districts/E02/end', { last_fy: '2023', before_active_to: '', confirmed: '1' });
    expect(done.statusCode).toBe(303);
    expect(districtByCode('E02')?.activeTo).toBe(2023);
    const audits = auditsOf(ids.d2);
    expect(audits.map((a) => a.action)).toEqual(['end']);
    expect(JSON.parse(audits[0]!.after!)).toMatchObject({ activeTo: 2023 });
    expect(figureRow(ids.d2, 2024)?.active ?? 0).toBe(0);
    expect(figureRow(ids.d2, 2024)?.salonsOpen ?? 0).toBe(0);
    expect(figureRow(ids.d2, 2023)).toMatchObject({ active: 1, salonsOpen: 1 });
  });

  it('is refused while the district has reports after that year, saying which', async () => {
    saveMonthlyReport(ctx.database.db, { districtId: ids.d2, month: '2024-05', values: monthlyValues({ mutual_aid_cases: 1 }), userId: null });
    const city = await signedIn(ctx.app, 'city');
    await city.get('/districts/E02/end');
    for (const confirmed of [{}, { confirmed: '1' }] as Record<string, string>[]) {
      const res = await city.post('/districts/E02/end', { last_fy: '令和5年度', before_active_to: '', ...confirmed });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('令和6年度より後の月次報告が1か月分あります（最初は令和6年5月）');
      expect(res.body).toContain('value="令和5年度"');
    }
    expect(districtByCode('E02')?.activeTo).toBeNull();
    expect(auditsOf(ids.d2)).toEqual([]);
  });

  it('is refused when a closed year after it still counts the district, and when the year is unreadable', async () => {
    ctx.database.db.insert(closedFiscalYears).values({ fiscalYear: 2024, closedAt: new Date().toISOString() }).run();
    const city = await signedIn(ctx.app, 'city');
    await city.get('/districts/E02/end');
    const closed = await city.post('/districts/E02/end', { last_fy: '2023', before_active_to: '', confirmed: '1' });
    expect(closed.statusCode).toBe(422);
    expect(closed.body).toContain('令和6年度はすでに締められていて');
    const garbled = await city.post('/districts/E02/end', { last_fy: 'そのうち', before_active_to: '' });
    expect(garbled.statusCode).toBe(422);
    expect(garbled.body).toContain('年度は 令和6年度、R6、2024 のように入力してください。');
    expect(districtByCode('E02')?.activeTo).toBeNull();
  });

  it('notices that someone changed the end meanwhile (409, nothing written)', async () => {
    const city = await signedIn(ctx.app, 'city');
    await city.get('/districts/E02/end');
    ctx.database.db.update(districts).set({ activeTo: 2030 }).where(eq(districts.id, ids.d2)).run();
    const res = await city.post('/districts/E02/end', { last_fy: '2025', before_active_to: '', confirmed: '1' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('ほかの方がこの校(地)区の活動年度を変更しました');
    expect(districtByCode('E02')?.activeTo).toBe(2030);
  });
});
