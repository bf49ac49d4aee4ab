/**
 * Indicator files (DESIGN §8, §11): `import indicators` and `import values` on the
 * command line and the import page, all or nothing with Japanese errors by line
 * and column, and the values export that imports again without a change.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { eq } from 'drizzle-orm';
import { districtIndicatorValues, indicatorDefinitions, users, wardIndicatorValues } from '../../src/db/schema.js';
import { addDistrict, addWard, createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { getIndicatorByKey, listIndicators } from '../../src/indicators/repository.js';
import { currentFiscalYear, fiscalYearOfMonth } from '../../src/domain/fiscalYear.js';
import { closeFiscalYear } from '../../src/fiscalYears/repository.js';
import { storeReport, typicalValues, monthsAgo } from '../monthlyReports/helpers.js';
import { dryRunUrl, uploadFile } from '../imports/pageSupport.js';

const SLOW = { timeout: 300_000 };
const month = monthsAgo(1);
const fy = fiscalYearOfMonth(month);
const csv = (...lines: string[]) => Buffer.from([...lines, ''].join('\n'), 'utf8');

/** help_kinds as the breakdown of ② (set on the definition page; the file has no column for it). */
function breakDownMutualAid(database: Database$): void {
  database.db.update(indicatorDefinitions).set({ breaksDownField: 'mutual_aid_cases' }).where(eq(indicatorDefinitions.key, 'help_kinds')).run();
}

const DEFINITIONS = csv(
  'key,name,unit,entered_by,rollup,threshold,categories,first_fy,last_fy',
  `learning,見守り学習・声かけ訓練の回数,回,ward_yearly,sum,,,${fy - 1},`,
  `help_kinds,助け合いの種類別の件数,件,district_monthly,sum,,安否確認|買い物|ごみ出し,R${fy - 2018},`,
  `regular_salons,サロンを定例開催する校(地)区,回,district_monthly,districts_at_least,６,,${fy},`,
);

describe('import indicators and values (in-process, as the page and CLI call it)', () => {
  let database: Database$;
  let ids: { wardA: number; d1: number };
  beforeEach(async () => {
    database = await openDatabase(':memory:');
    const wardA = addWard(database, '東区', 1);
    addWard(database, '西区', 2);
    const d1 = addDistrict(database, { code: 'E01', name: '東一校区', wardId: wardA });
    addDistrict(database, { code: 'E02', name: '東二校区', wardId: wardA });
    ids = { wardA, d1 };
  });
  afterEach(() => database.sqlite.close());

  it('a good definitions file creates indicators with their categories; importing it again changes nothing', () => {
    const dry = importCsv(database.db, 'indicators', DEFINITIONS, { dryRun: true });
    expect(dry.ok && dry.counts).toEqual({ created: 3, updated: 0, unchanged: 0 });
    expect(listIndicators(database.db)).toEqual([]);
    const run = importCsv(database.db, 'indicators', DEFINITIONS);
    expect(run.ok, JSON.stringify(run)).toBe(true);
    const help = getIndicatorByKey(database.db, 'help_kinds')!;
    expect(help.categories.map((c) => c.name)).toEqual(['安否確認', '買い物', 'ごみ出し']);
    expect(getIndicatorByKey(database.db, 'regular_salons')).toMatchObject({ rollup: 'districts_meeting', threshold: 6, firstFy: fy });
    const again = importCsv(database.db, 'indicators', DEFINITIONS);
    expect(again.ok && again.counts).toEqual({ created: 0, updated: 0, unchanged: 3 });
    // A later file adds a category and keeps the others (and their ids).
    const more = importCsv(
      database.db,
      'indicators',
      csv(
        'key,name,unit,entered_by,rollup,threshold,categories,first_fy,last_fy',
        `help_kinds,助け合いの種類別の件数,件,district_monthly,sum,,安否確認|外出,${fy - 1},`,
      ),
    );
    expect(more.ok && more.counts).toEqual({ created: 0, updated: 1, unchanged: 0 });
    const after = getIndicatorByKey(database.db, 'help_kinds')!;
    expect(after.categories.map((c) => [c.id, c.name])).toEqual([...help.categories.map((c) => [c.id, c.name]), [expect.any(Number), '外出']]);
  });

  it('a bad definitions file writes nothing and names every problem by line and column in Japanese', () => {
    const bad = csv(
      'key,name,unit,entered_by,rollup,threshold,categories,first_fy,last_fy',
      'Bad,名前,件,district_monthly,sum,,,2024,',
      'ok_one,,件,somebody,sum,,,2024,2023',
      'ok_two,名前,件,district_monthly,districts_meeting,,安否確認|安否確認,2024,',
      'ok_two,名前,件,district_monthly,sum,,,2024,',
    );
    const r = importCsv(database.db, 'indicators', bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const at = (line: number, column: string) => r.errors.find((e) => e.line === line && e.column === column)?.message;
    expect(at(2, 'key')).toContain('半角の小文字英字');
    expect(at(3, 'name')).toBe('名前を入力してください。');
    expect(at(3, 'entered_by')).toContain('だれが入力するか');
    expect(at(3, 'last_fy')).toContain('最初の年度と同じか');
    expect(at(4, 'threshold')).toContain('基準の値を入力してください');
    expect(at(4, 'categories')).toContain('内訳「安否確認」が2つあります');
    expect(listIndicators(database.db)).toEqual([]);
  });

  it('values: district months and ward years are written, a blank value removes one, refusals match the forms', () => {
    importCsv(database.db, 'indicators', DEFINITIONS);
    breakDownMutualAid(database);
    storeReport(database, ids.d1, month, typicalValues({ mutual_aid_cases: 10 }));
    const good = csv(
      'indicator,scope,period,category,value',
      `help_kinds,E01,${month},安否確認,6`,
      `help_kinds,E01,${month},買い物,４`,
      `learning,東区,${fy},,１２`,
      `regular_salons,E01,${month},,1`,
    );
    const run = importCsv(database.db, 'values', good);
    expect(run.ok, JSON.stringify(run)).toBe(true);
    expect(run.ok && run.counts).toEqual({ created: 3, updated: 0, unchanged: 0 });
    expect(database.db.select().from(districtIndicatorValues).all()).toHaveLength(3);
    expect(
      database.db
        .select()
        .from(wardIndicatorValues)
        .all()
        .map((v) => [v.wardId, v.fiscalYear, v.categoryId, v.value]),
    ).toEqual([[ids.wardA, fy, 0, 12]]);

    const bad = csv(
      'indicator,scope,period,category,value',
      `help_kinds,E01,${month},安否確認,7`, // 7 + 4 ≠ ② 10
      `nothing,E01,${month},,1`,
      `learning,E01,${fy},,1`, // a ward indicator takes a ward name
      `help_kinds,E01,${month},,3`, // the total of a breakdown is item ②
      `help_kinds,E01,${month},散歩,1`,
      `regular_salons,E01,${fy - 1}-05,,1`, // before its first FY
      `regular_salons,E02,${month},,-1`,
    );
    const refused = importCsv(database.db, 'values', bad);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    const at = (line: number, column: string) => refused.errors.find((e) => e.line === line && e.column === column)?.message;
    expect(at(2, 'value')).toBe('内訳の合計（11件）が助け合い件数（10件）と1件合いません（内訳が多い）。');
    expect(at(3, 'indicator')).toContain('指標「nothing」は登録されていません');
    expect(at(4, 'scope')).toContain('区「E01」は登録されていません');
    expect(at(5, 'category')).toContain('合計は月次報告で入力する');
    expect(at(6, 'category')).toContain('内訳「散歩」はありません');
    expect(at(7, 'period')).toContain('には数えません');
    expect(at(8, 'value')).toContain('マイナス');
    expect(
      database.db
        .select()
        .from(districtIndicatorValues)
        .all()
        .map((v) => v.value)
        .sort(),
    ).toEqual([1, 4, 6]);

    // A blank value removes the value; a closed year is refused, naming it.
    const cleared = importCsv(database.db, 'values', csv('indicator,scope,period,category,value', `regular_salons,E01,${month},,`));
    expect(cleared.ok && cleared.counts.updated).toBe(1);
    closeFiscalYear(database.db, fy, await_user(database));
    const closed = importCsv(database.db, 'values', csv('indicator,scope,period,category,value', `learning,東区,${fy},,13`));
    expect(!closed.ok && closed.errors[0]?.message).toContain('年度確定済み');
  });
});

/** A city user id for closeFiscalYear (the closer is recorded). */
function await_user(database: Database$): number {
  return database.db
    .insert(users)
    .values({ login: 'closer', displayName: 'closer', passwordHash: 'x', role: 'city', createdAt: new Date().toISOString() })
    .returning({ id: users.id })
    .get().id;
}

describe('the values export round-trips', () => {
  let ctx: TestContext;
  let ids: Awaited<ReturnType<typeof seedSmallCity>>;
  beforeEach(async () => {
    ctx = await createTestApp();
    ids = await seedSmallCity(ctx.database);
  });
  afterEach(async () => ctx.close());

  it('the city downloads every value as CSV in the import format; importing it on the page changes nothing', async () => {
    importCsv(ctx.database.db, 'indicators', DEFINITIONS);
    breakDownMutualAid(ctx.database);
    storeReport(ctx.database, ids.d1, month, typicalValues({ mutual_aid_cases: 10 }));
    const values = csv(
      'indicator,scope,period,category,value',
      `help_kinds,E01,${month},安否確認,6`,
      `help_kinds,E01,${month},買い物,4`,
      `learning,西区,${fy},,3`,
    );
    expect(importCsv(ctx.database.db, 'values', values).ok).toBe(true);
    const city = await signedIn(ctx.app, 'city');
    const exported = await city.get('/indicators/values.csv');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toContain('text/csv');
    const text = exported.rawPayload.toString('utf8');
    expect(text.startsWith('\ufeffindicator,scope,period,category,value\r\n')).toBe(true);
    expect(text).toContain(`help_kinds,E01,${month},安否確認,6`);
    expect(text).toContain(`learning,西区,${fy},,3`);

    const before = [ctx.database.db.select().from(districtIndicatorValues).all(), ctx.database.db.select().from(wardIndicatorValues).all()];
    const upload = await uploadFile(ctx.app, city, 'values', { name: 'values.csv', content: exported.rawPayload });
    const url = dryRunUrl(upload);
    const dry = await city.get(url);
    expect(dry.statusCode).toBe(200);
    expect(dry.body).toContain('指標の値');
    const done = await city.post(url, {});
    expect(done.statusCode, done.body.slice(0, 3000)).toBe(200);
    // Counted by district-month and ward-year: E01's month, 西区's year.
    expect(done.body).toMatch(/変更なし<\/th><td class="num">2 件/);
    expect(done.body).toMatch(/新規<\/th><td class="num">0 件/);
    expect([ctx.database.db.select().from(districtIndicatorValues).all(), ctx.database.db.select().from(wardIndicatorValues).all()]).toEqual(before);
  });

  it('the .xlsx export imports again on the page without a change', async () => {
    importCsv(ctx.database.db, 'indicators', DEFINITIONS);
    const values = csv('indicator,scope,period,category,value', `learning,西区,${fy},,3`, `regular_salons,E01,${month},,1,234`.replace('1,234', '"1,234"'));
    const first = importCsv(ctx.database.db, 'values', values);
    expect(first.ok, JSON.stringify(first)).toBe(true);
    const city = await signedIn(ctx.app, 'city');
    const exported = await city.get('/indicators/values.xlsx');
    expect(exported.statusCode).toBe(200);
    const before = [ctx.database.db.select().from(districtIndicatorValues).all(), ctx.database.db.select().from(wardIndicatorValues).all()];
    const url = dryRunUrl(await uploadFile(ctx.app, city, 'values', { name: 'values.xlsx', content: exported.rawPayload }));
    const done = await city.post(url, {});
    expect(done.statusCode, done.body.slice(0, 3000)).toBe(200);
    expect(done.body).toMatch(/変更なし<\/th><td class="num">2 件/);
    expect([ctx.database.db.select().from(districtIndicatorValues).all(), ctx.database.db.select().from(wardIndicatorValues).all()]).toEqual(before);
  });

  it('the import page refuses a bad values file on its line and column, writing nothing', async () => {
    importCsv(ctx.database.db, 'indicators', DEFINITIONS);
    const city = await signedIn(ctx.app, 'city');
    const url = dryRunUrl(
      await uploadFile(ctx.app, city, 'values', { name: 'bad.csv', content: csv('indicator,scope,period,category,value', `learning,北区,${fy},,3`) }),
    );
    const dry = await city.get(url);
    expect(dry.body).toContain('区「北区」は登録されていません');
    expect(dry.body).toMatch(/2行目|2<\/td>/);
    expect(ctx.database.db.select().from(wardIndicatorValues).all()).toEqual([]);
  });

  it('ward users cannot import indicator files', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    const res = await uploadFile(ctx.app, ward, 'indicators', { name: 'd.csv', content: DEFINITIONS });
    expect(res.statusCode).toBe(422);
    expect(listIndicators(ctx.database.db)).toEqual([]);
  });
});

describe('npm run cli -- import indicators / values', SLOW, () => {
  let dir: string;
  let databasePath: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mimamori-ind-'));
    databasePath = join(dir, 'city.db');
    const database = await openDatabase(databasePath);
    const ward = addWard(database, '東区');
    addDistrict(database, { code: 'E01', name: '東一校区', wardId: ward });
    database.sqlite.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('imports definitions then values; a bad row is reported with its line and column, and nothing is written', async () => {
    const defs = join(dir, 'indicators.csv');
    writeFileSync(defs, DEFINITIONS);
    const dry = await runCli(['import', 'indicators', defs, '--dry-run'], { databasePath });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('新規 3 件');
    const run = await runCli(['import', 'indicators', defs], { databasePath });
    expect(run.code, run.stderr).toBe(0);

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, csv('indicator,scope,period,category,value', `learning,東区,${fy},,5`, `learning,東区,${currentFiscalYear() + 5},,5`));
    const refused = await runCli(['import', 'values', bad], { databasePath });
    expect(refused.code).toBe(1);
    expect(refused.stderr + refused.stdout).toContain('3行目');
    expect(refused.stderr + refused.stdout).toContain('period');

    const good = join(dir, 'values.csv');
    writeFileSync(good, csv('indicator,scope,period,category,value', `learning,東区,${fy},,5`));
    const ok = await runCli(['import', 'values', good], { databasePath });
    expect(ok.code, ok.stderr).toBe(0);
    const database = await openDatabase(databasePath);
    try {
      expect(
        database.db
          .select()
          .from(wardIndicatorValues)
          .all()
          .map((v) => v.value),
      ).toEqual([5]);
    } finally {
      database.sqlite.close();
    }
  });
});

describe('a monthly file that changes ② under a stored breakdown', () => {
  it('is refused on the mutual_aid_cases column, naming the breakdown and the difference', async () => {
    const database = await openDatabase(':memory:');
    try {
      const ward = addWard(database, '東区');
      const d1 = addDistrict(database, { code: 'E01', name: '東一校区', wardId: ward });
      importCsv(database.db, 'indicators', DEFINITIONS);
      breakDownMutualAid(database);
      storeReport(database, d1, month, typicalValues({ mutual_aid_cases: 10 }));
      expect(
        importCsv(database.db, 'values', csv('indicator,scope,period,category,value', `help_kinds,E01,${month},安否確認,6`, `help_kinds,E01,${month},買い物,4`))
          .ok,
      ).toBe(true);
      const header =
        'district_code,month,watched_elderly,watched_disability,watched_single_parent,watched_other,welfare_cooperators,mutual_aid_cases,coordination_meetings,well_club_participants,note';
      const changed = importCsv(database.db, 'monthly', csv(header, `E01,${month},1000,50,40,30,120,12,1,300,`));
      expect(changed.ok).toBe(false);
      if (changed.ok) return;
      expect(changed.errors.map((e) => [e.line, e.column])).toEqual([[2, 'mutual_aid_cases']]);
      expect(changed.errors[0]?.message).toContain('内訳の合計（10件）が助け合い件数（12件）と2件合いません（内訳が少ない）。');
      const same = importCsv(database.db, 'monthly', csv(header, `E01,${month},1000,50,40,30,120,10,1,300,`));
      expect(same.ok).toBe(true);
    } finally {
      database.sqlite.close();
    }
  });
});
