/** The definition pages (/indicators): create, edit, rename a category keeping its history, end; access. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents, districtIndicatorValues } from '../../src/db/schema.js';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { getIndicatorByKey, writeIndicatorCells } from '../../src/indicators/repository.js';
import { currentFiscalYear } from '../../src/domain/fiscalYear.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

const fy = currentFiscalYear();

function definition(fields: Record<string, string> = {}, categories: string[] = []): Record<string, string> {
  const out: Record<string, string> = {
    key: 'help_kinds',
    name: '助け合いの種類別の件数',
    unit: '件',
    entered_by: 'district_monthly',
    rollup: 'sum',
    threshold: '',
    breaks_down_field: '',
    first_fy: String(fy - 1),
    last_fy: '',
    cat_rows: String(categories.length),
    action: 'save',
  };
  categories.forEach((name, i) => (out[`cat-${i}-name`] = name));
  return { ...out, ...fields };
}

describe('defining an indicator', () => {
  it('a city user creates one with categories; it is listed by fiscal year and audited', async () => {
    const city = await signedIn(ctx.app, 'city');
    const page = await city.get('/indicators/new');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="unit"');
    const res = await city.post('/indicators/new', definition({ first_fy: `R${fy - 1 - 2018}` }, ['安否確認', '買い物']));
    expect(res.statusCode, res.body).toBe(303);
    const stored = getIndicatorByKey(ctx.database.db, 'help_kinds')!;
    expect(stored).toMatchObject({ name: '助け合いの種類別の件数', unit: '件', enteredBy: 'district_monthly', firstFy: fy - 1, lastFy: null, version: 1 });
    expect(stored.categories.map((c) => [c.key, c.name])).toEqual([
      ['c1', '安否確認'],
      ['c2', '買い物'],
    ]);
    const list = await city.get('/indicators');
    expect(list.body).toContain('指標「助け合いの種類別の件数」を作りました。');
    expect(list.body).toContain('安否確認、買い物');
    expect(list.body).toContain('数える');
    const audit = ctx.database.db.select().from(auditEvents).where(eq(auditEvents.entity, 'indicator')).all();
    expect(audit.map((a) => a.action)).toEqual(['create']);
  });

  it('refuses a bad form with errors beside the fields, keeping what was typed (422)', async () => {
    const city = await signedIn(ctx.app, 'city');
    await city.get('/indicators/new');
    const res = await city.post('/indicators/new', definition({ key: 'Help', name: '', rollup: 'districts_meeting', threshold: '' }, ['安否確認', '安否確認']));
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('<title>エラー：');
    expect(res.body).toContain('名前を入力してください。');
    expect(res.body).toContain('基準の値を入力してください');
    expect(res.body).toContain('内訳「安否確認」が2つあります。');
    expect(res.body).toContain('value="Help"');
    expect(getIndicatorByKey(ctx.database.db, 'Help')).toBeUndefined();
    // A taken key is refused beside the key.
    await city.post('/indicators/new', definition());
    const again = await city.post('/indicators/new', definition({ name: '別の指標' }));
    expect(again.statusCode).toBe(422);
    expect(again.body).toContain('記号「help_kinds」はすでに使われています。');
  });

  it('renaming a category keeps its id and so its values; ending one and the indicator is kept with its history', async () => {
    const city = await signedIn(ctx.app, 'city');
    await city.get('/indicators/new');
    await city.post('/indicators/new', definition({}, ['安否確認', '買い物']));
    const before = getIndicatorByKey(ctx.database.db, 'help_kinds')!;
    const [safety, shopping] = before.categories;
    if (!safety || !shopping) throw new Error('the two categories were not stored');
    // A value entered under 安否確認 last fiscal year.
    const month = `${fy - 1}-05`;
    ctx.database.db.transaction((tx) => {
      writeIndicatorCells(
        tx,
        before,
        { kind: 'district', districtId: ids.d1, month },
        new Map([
          [0, 5],
          [safety.id, 3],
          [shopping.id, 2],
        ]),
        null,
      );
    });

    const edit = await city.get('/indicators/help_kinds/edit');
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('value="安否確認"');
    const res = await city.post('/indicators/help_kinds/edit', {
      ...definition({ version: '1', last_fy: String(fy) }, []),
      cat_rows: '3',
      'cat-0-id': String(safety.id),
      'cat-0-name': '安否確認の声かけ',
      'cat-0-first_fy': String(fy - 1),
      'cat-1-id': String(shopping.id),
      'cat-1-name': '買い物',
      'cat-1-first_fy': String(fy - 1),
      'cat-1-last_fy': String(fy - 1),
      'cat-2-name': 'ごみ出し',
    });
    expect(res.statusCode, res.body).toBe(303);
    const after = getIndicatorByKey(ctx.database.db, 'help_kinds')!;
    expect(after.version).toBe(2);
    expect(after.lastFy).toBe(fy);
    expect(after.categories.map((c) => [c.id, c.key, c.name, c.lastFy])).toEqual([
      [safety.id, 'c1', '安否確認の声かけ', null],
      [shopping.id, 'c2', '買い物', fy - 1],
      [expect.any(Number), 'c3', 'ごみ出し', null],
    ]);
    // The value stays attached to the renamed category.
    const values = ctx.database.db.select().from(districtIndicatorValues).where(eq(districtIndicatorValues.categoryId, safety.id)).all();
    expect(values.map((v) => v.value)).toEqual([3]);
    const list = await city.get('/indicators');
    expect(list.body).toContain('安否確認の声かけ');

    // Ending the indicator before a year that holds values is refused, naming how many.
    const refused = await city.post('/indicators/help_kinds/edit', {
      ...definition({ version: '2', first_fy: String(fy) }, []),
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('の値が3件入力されています');
    expect(getIndicatorByKey(ctx.database.db, 'help_kinds')!.firstFy).toBe(fy - 1);
  });

  it('a stale version is a conflict (409) that shows the stored definition and keeps what was typed', async () => {
    const city = await signedIn(ctx.app, 'city');
    await city.get('/indicators/new');
    await city.post('/indicators/new', definition());
    await city.post('/indicators/help_kinds/edit', definition({ version: '1', name: '先に保存した名前' }));
    const stale = await city.post('/indicators/help_kinds/edit', definition({ version: '1', name: 'あとから保存した名前' }));
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('ほかの人がこの指標を変更しました');
    expect(stale.body).toContain('先に保存した名前');
    expect(stale.body).toContain('value="あとから保存した名前"');
    expect(stale.body).toContain('name="version" value="2"');
    expect(getIndicatorByKey(ctx.database.db, 'help_kinds')!.name).toBe('先に保存した名前');
  });

  it('offers seed 004’s kinds of help as the breakdown of ② mutual-aid cases', async () => {
    const city = await signedIn(ctx.app, 'city');
    const page = await city.get('/indicators/new?preset=mutual_aid_kinds');
    expect(page.body).toContain('value="安否確認の声かけ"');
    expect(page.body).toContain('value="介護を必要とする人の短時間の預かり"');
    expect(page.body).toMatch(/<option value="mutual_aid_cases" selected>/);
  });
});

describe('who may define indicators', () => {
  it('district and ward users cannot open or post the definition pages (403), and nothing changes', async () => {
    for (const login of ['district-e01', 'ward-east']) {
      const user = await signedIn(ctx.app, login);
      expect((await user.get('/indicators')).statusCode).toBe(403);
      expect((await user.get('/indicators/new')).statusCode).toBe(403);
      expect((await user.get('/indicators/values.csv')).statusCode).toBe(403);
      const post = await user.post('/indicators/new', definition());
      expect(post.statusCode).toBe(403);
    }
    expect(getIndicatorByKey(ctx.database.db, 'help_kinds')).toBeUndefined();
  });

  it('the city navigation links to the indicators', async () => {
    const city = await signedIn(ctx.app, 'city');
    expect((await city.get('/')).body).toContain('href="/indicators"');
  });
});

describe('what cannot change once values exist', () => {
  it('who enters it and whether it breaks down a monthly field are refused beside their fields', async () => {
    const city = await signedIn(ctx.app, 'city');
    await city.get('/indicators/new');
    await city.post('/indicators/new', definition({}, ['安否確認']));
    const stored = getIndicatorByKey(ctx.database.db, 'help_kinds');
    if (!stored) throw new Error('not created');
    ctx.database.db.transaction((tx) => {
      writeIndicatorCells(tx, stored, { kind: 'district', districtId: ids.d1, month: `${fy - 1}-05` }, new Map([[0, 5]]), null);
    });
    const cat = { 'cat-0-id': String(stored.categories[0]?.id), 'cat-0-name': '安否確認', cat_rows: '1' };
    const res = await city.post('/indicators/help_kinds/edit', { ...definition({ version: '1', entered_by: 'ward_yearly' }), ...cat });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('だれが入力するかは変えられません');
    const breakdown = await city.post('/indicators/help_kinds/edit', { ...definition({ version: '1', breaks_down_field: 'mutual_aid_cases' }), ...cat });
    expect(breakdown.statusCode).toBe(422);
    expect(breakdown.body).toContain('月次報告の欄の内訳にするかどうかは変えられません');
    expect(getIndicatorByKey(ctx.database.db, 'help_kinds')).toMatchObject({ enteredBy: 'district_monthly', breaksDownField: null, version: 1 });
  });
});
