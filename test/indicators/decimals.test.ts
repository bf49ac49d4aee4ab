/**
 * Indicator values with decimals and rate indicators (issue 13; DESIGN §8, §11): a definition's
 * decimal places (「小数点以下の桁数」) govern what the forms and files accept and how every
 * table, the API and the exports show the figures (97.0, not 97); a `ratio` indicator's value at
 * every scope is 100 × Σ numerator ÷ Σ denominator, never the sum of the wards' rates.
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { COUNT_MESSAGES, formatCount, parseDecimal, tooManyPlacesMessage } from '../../src/domain/numbers.js';
import { checkDefinition, type DefinitionText, type RatioPart } from '../../src/indicators/definitions.js';
import { loadIndicatorFigures } from '../../src/indicators/figures.js';
import { ratioValue, rollupRatioIndicator, rollupWardIndicator, TOTAL_CATEGORY } from '../../src/indicators/rollup.js';
import { getIndicatorByKey, valuesAt } from '../../src/indicators/repository.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { insertDistrictValues, insertIndicator, insertWardValues } from '../../src/demo/indicators.js';
import { formFields, monthsAgo } from '../monthlyReports/helpers.js';
import { currentFiscalYear } from '../../src/domain/fiscalYear.js';
import { addDistrict, addWard, createTestApp, seedSmallCity, signedIn, type Client, type TestContext } from '../support/app.js';
import { trendRow, type TrendsJson } from '../support/json.js';

const csv = (...lines: string[]) => Buffer.from([...lines, ''].join('\n'), 'utf8');
const fy = currentFiscalYear();

describe('typed values with decimal places', () => {
  it('accepts up to the declared places, half- or full-width, with thousands separators', () => {
    expect(parseDecimal('97.0', { decimals: 1 })).toEqual({ ok: true, value: 97 });
    expect(parseDecimal('９７．０', { decimals: 1 })).toEqual({ ok: true, value: 97 });
    expect(parseDecimal(' 95.9% ', { decimals: 1, units: ['%'] })).toEqual({ ok: true, value: 95.9 });
    expect(parseDecimal('１，２３４．５６', { decimals: 2 })).toEqual({ ok: true, value: 1234.56 });
    expect(parseDecimal('97', { decimals: 1 })).toEqual({ ok: true, value: 97 });
    expect(parseDecimal('97.50', { decimals: 1 })).toEqual({ ok: true, value: 97.5 });
    expect(parseDecimal('', { decimals: 2 })).toEqual({ ok: true, value: null });
  });

  it('refuses more places naming the allowed ones; whole-number indicators keep today’s message', () => {
    const r = parseDecimal('97.05', { decimals: 1 });
    expect(r).toEqual({ ok: false, message: tooManyPlacesMessage(1) });
    expect(tooManyPlacesMessage(1)).toContain('小数点以下は1桁まで');
    expect(parseDecimal('97.0', { decimals: 0 })).toEqual({ ok: false, message: COUNT_MESSAGES.decimal });
    expect(parseDecimal('-1.5', { decimals: 1 })).toEqual({ ok: false, message: COUNT_MESSAGES.negative });
    expect(parseDecimal('9.7.0', { decimals: 2 })).toEqual({ ok: false, message: COUNT_MESSAGES.notNumber });
  });

  it('shows exactly the declared places, with separators; whole numbers as before', () => {
    expect(formatCount(97, 1)).toBe('97.0');
    expect(formatCount(1234.5, 2)).toBe('1,234.50');
    expect(formatCount(0.1 + 0.2, 1)).toBe('0.3');
    expect(formatCount(125407)).toBe('125,407');
    // Any value with at most d places reads back as itself after formatting (property).
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999 }), fc.constantFrom(1, 2), (scaled, d) => {
        const value = scaled / 10 ** d;
        const shown = formatCount(value, d);
        expect(shown.split('.')[1]).toHaveLength(d);
        expect(parseDecimal(shown, { decimals: d })).toEqual({ ok: true, value });
      }),
    );
  });
});

const baseText: DefinitionText = {
  key: 'fill_rate',
  name: '民生委員の充足率',
  unit: '%',
  entered_by: 'ward_yearly',
  rollup: 'ratio',
  threshold: '',
  breaks_down_field: '',
  first_fy: '2016',
  last_fy: '',
  decimals: '1',
  numerator: 'placed',
  denominator: 'quota',
};
const parts: RatioPart[] = [
  { key: 'quota', name: '定数', enteredBy: 'ward_yearly', rollup: 'sum' },
  { key: 'placed', name: '配置数', enteredBy: 'ward_yearly', rollup: 'sum' },
  { key: 'monthly', name: '月の数', enteredBy: 'district_monthly', rollup: 'sum' },
  { key: 'other_rate', name: 'ほかの率', enteredBy: 'ward_yearly', rollup: 'ratio' },
];

describe('the definition: decimal places and a ratio’s parts', () => {
  it('reads 0, 1 or 2 places (blank is 0) and refuses anything else beside the field', () => {
    const ok = checkDefinition({ ...baseText, decimals: '１' }, [], null, parts);
    expect(ok.ok && ok.value).toMatchObject({ decimals: 1, rollup: 'ratio', numeratorKey: 'placed', denominatorKey: 'quota' });
    const blank = checkDefinition({ ...baseText, rollup: 'sum', numerator: '', denominator: '', decimals: '' }, [], null, parts);
    expect(blank.ok && blank.value.decimals).toBe(0);
    const bad = checkDefinition({ ...baseText, decimals: '3' }, [], null, parts);
    expect(!bad.ok && bad.errors.decimals).toContain('0、1、2');
  });

  it('a ratio needs two other entered indicators of the same kind; other rules leave them blank', () => {
    const none = checkDefinition({ ...baseText, numerator: '', denominator: '' }, [], null, parts);
    expect(!none.ok && [none.errors.numerator, none.errors.denominator]).toEqual([
      '「割合」で集計するときは、分子の指標を選んでください。',
      '「割合」で集計するときは、分母の指標を選んでください。',
    ]);
    const wrong = checkDefinition({ ...baseText, numerator: 'monthly', denominator: 'other_rate' }, [], null, parts);
    expect(!wrong.ok && wrong.errors.numerator).toContain('入力する人が違います');
    expect(!wrong.ok && wrong.errors.denominator).toContain('割合の指標');
    const missing = checkDefinition({ ...baseText, numerator: 'nothing' }, [], null, parts);
    expect(!missing.ok && missing.errors.numerator).toContain('「nothing」はありません');
    const same = checkDefinition({ ...baseText, numerator: 'quota' }, [], null, parts);
    expect(!same.ok && same.errors.denominator).toBe('分子と分母に同じ指標は選べません。');
    const notRatio = checkDefinition({ ...baseText, rollup: 'sum' }, [], null, parts);
    expect(!notRatio.ok && notRatio.errors.numerator).toContain('「割合」のときだけ');
    const withCategories = checkDefinition(baseText, [{ id: null, name: '男性', first_fy: '', last_fy: '' }], null, parts);
    expect(!withCategories.ok && withCategories.errors['cat-0-name']).toContain('内訳を付けられません');
  });
});

describe('rate rollup: 100 × Σ numerator ÷ Σ denominator at every scope', () => {
  it('is not the sum (nor the mean) of the wards’ rates; a denominator of 0 or none gives no value', () => {
    const years = [2016];
    const quota = rollupWardIndicator(
      [
        { wardId: 1, categoryId: 0, fiscalYear: 2016, value: 100 },
        { wardId: 2, categoryId: 0, fiscalYear: 2016, value: 50 },
      ],
      [],
      years,
    );
    const placed = rollupWardIndicator(
      [
        { wardId: 1, categoryId: 0, fiscalYear: 2016, value: 99 },
        { wardId: 2, categoryId: 0, fiscalYear: 2016, value: 40 },
      ],
      [],
      years,
    );
    // Wards: 99.0 % and 80.0 %; the city is 139 / 150 = 92.7 %, not 179 or 89.5.
    expect(rollupRatioIndicator(placed, quota, 1, years).get(TOTAL_CATEGORY)!.get(2016)!.value).toBe(92.7);
    expect(ratioValue({ value: 5, districtsReported: 1 }, { value: 0, districtsReported: 1 }, 1).value).toBeNull();
    expect(ratioValue({ value: 5, districtsReported: 1 }, undefined, 1).value).toBeNull();
    expect(ratioValue(undefined, { value: 5, districtsReported: 1 }, 1).value).toBeNull();
    expect(ratioValue({ value: 1534, districtsReported: 1 }, { value: 1582, districtsReported: 1 }, 1).value).toBe(97);
  });

  it('matches 100 × Σ num ÷ Σ den for districts, wards and the city, from the database (property)', async () => {
    const database = await openDatabase(':memory:');
    try {
      const wards = [addWard(database, '東区', 1), addWard(database, '西区', 2)];
      const districts = [
        { id: addDistrict(database, { code: 'E01', name: '東一校区', wardId: wards[0]! }), ward: wards[0]! },
        { id: addDistrict(database, { code: 'E02', name: '東二校区', wardId: wards[0]! }), ward: wards[0]! },
        { id: addDistrict(database, { code: 'W01', name: '西一校区', wardId: wards[1]! }), ward: wards[1]! },
      ];
      const { db, sqlite } = database;
      const num = insertIndicator(db, { key: 'num', name: '配置数', unit: '人', enteredBy: 'district_monthly', rollup: 'sum', firstFy: 2020 });
      const den = insertIndicator(db, { key: 'den', name: '定数', unit: '人', enteredBy: 'district_monthly', rollup: 'sum', firstFy: 2020 });
      insertIndicator(db, {
        key: 'rate',
        name: '充足率',
        unit: '%',
        enteredBy: 'district_monthly',
        rollup: 'ratio',
        firstFy: 2020,
        decimals: 1,
        numeratorId: num.id,
        denominatorId: den.id,
      });
      const cell = fc.option(fc.integer({ min: 0, max: 500 }), { nil: null });
      fc.assert(
        fc.property(fc.array(fc.tuple(cell, cell), { minLength: 3, maxLength: 3 }), (values) => {
          sqlite.exec('DELETE FROM district_indicator_values');
          values.forEach(([n, d], i) => {
            const districtId = districts[i]!.id;
            if (n !== null) insertDistrictValues(db, [{ indicatorId: num.id, districtId, month: '2020-05', value: n }]);
            if (d !== null) insertDistrictValues(db, [{ indicatorId: den.id, districtId, month: '2020-06', value: d }]);
          });
          const expected = (picked: number[]) => {
            const ns = picked.map((i) => values[i]![0]).filter((v): v is number => v !== null);
            const ds = picked.map((i) => values[i]![1]).filter((v): v is number => v !== null);
            const sd = ds.reduce((a, b) => a + b, 0);
            if (ns.length === 0 || ds.length === 0 || sd === 0) return null;
            return Math.round((1000 * ns.reduce((a, b) => a + b, 0)) / sd) / 10;
          };
          const rateAt = (scope: { type: 'city' | 'ward' | 'district'; id: number }) =>
            loadIndicatorFigures(db, scope, 2020, 2020)
              .find((f) => f.definition.key === 'rate')!
              .cells.get(TOTAL_CATEGORY)!
              .get(2020)!.value;
          expect(rateAt({ type: 'city', id: 0 })).toBe(expected([0, 1, 2]));
          expect(rateAt({ type: 'ward', id: wards[0]! })).toBe(expected([0, 1]));
          expect(rateAt({ type: 'ward', id: wards[1]! })).toBe(expected([2]));
          districts.forEach((d, i) => expect(rateAt({ type: 'district', id: d.id })).toBe(expected([i])));
        }),
        { numRuns: 40 },
      );
    } finally {
      database.sqlite.close();
    }
  });
});

/** The ward form's version field, as the browser posts it back. */
async function wardFormVersion(client: Client, url: string): Promise<Record<string, string>> {
  const page = await client.get(url);
  const version = /name="version" value="([^"]*)"/.exec(page.body)?.[1];
  return version === undefined ? {} : { version };
}

describe('a 1-decimal indicator on the pages, the API and the exports', () => {
  let ctx: TestContext;
  let ids: Awaited<ReturnType<typeof seedSmallCity>>;
  beforeEach(async () => {
    ctx = await createTestApp();
    ids = await seedSmallCity(ctx.database);
  });
  afterEach(async () => ctx.close());

  it('is defined with 「小数点以下の桁数」, entered as 97.0 or ９７．０, refused at 97.05 beside the field, and shown as 97.0', async () => {
    const city = await signedIn(ctx.app, 'city');
    const page = await city.get('/indicators/new');
    expect(page.body).toContain('小数点以下の桁数');
    expect(page.body).toContain('分子の指標');
    const created = await city.post('/indicators/new', {
      key: 'volunteer_hours',
      name: 'ボランティアの平均活動時間',
      unit: '時間',
      entered_by: 'ward_yearly',
      rollup: 'sum',
      decimals: '1',
      first_fy: String(fy - 1),
      cat_rows: '0',
      action: 'save',
    });
    expect(created.statusCode, created.body).toBe(303);
    expect(getIndicatorByKey(ctx.database.db, 'volunteer_hours')).toMatchObject({ decimals: 1 });

    const ward = await signedIn(ctx.app, 'ward-east');
    const url = `/wards/${ids.wardA}/indicators/${fy}`;
    const bad = await ward.post(url, { ...(await wardFormVersion(ward, url)), 'ind-volunteer_hours': '97.05' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain(`<span class="field-error" id="ind-volunteer_hours-error">${tooManyPlacesMessage(1)}</span>`);
    expect(bad.body).toContain('value="97.05"');
    const ok = await ward.post(url, { ...(await wardFormVersion(ward, url)), 'ind-volunteer_hours': '９７．０' });
    expect(ok.statusCode, ok.body).toBe(303);
    const id = getIndicatorByKey(ctx.database.db, 'volunteer_hours')!.id;
    expect(valuesAt(ctx.database.db, { kind: 'ward', wardId: ids.wardA, fiscalYear: fy }).get(id)?.get(0)).toBe(97);
    expect((await ward.get(url)).body).toContain('value="97.0"');
    const west = await signedIn(ctx.app, 'ward-west');
    const westUrl = `/wards/${ids.wardB}/indicators/${fy}`;
    expect((await west.post(westUrl, { ...(await wardFormVersion(west, westUrl)), 'ind-volunteer_hours': '0.3' })).statusCode).toBe(303);

    const q = `scope=city&from=${fy - 1}&to=${fy}`;
    const api = trendRow((await city.get(`/api/trends?${q}`)).json<TrendsJson>(), 'volunteer_hours');
    expect(api).toMatchObject({ decimals: 1 });
    expect(api.values.map((v) => [v.value, 'text' in v ? v.text : undefined])).toEqual([
      [null, null],
      [97.3, '97.3'],
    ]);
    const eastApi = trendRow((await city.get(`/api/trends?scope=ward:東区&from=${fy - 1}&to=${fy}`)).json<TrendsJson>(), 'volunteer_hours');
    expect(eastApi.values.map((v) => ('text' in v ? v.text : undefined))).toEqual([null, '97.0']);
    const table = (await city.get(`/trends?scope=ward:東区&from=${fy - 1}&to=${fy}`)).body;
    const row = /<tr data-row="ind:volunteer_hours"[\s\S]*?<\/tr>/.exec(table)?.[0] ?? '';
    expect(row).toMatch(/<td class="num">\s*97\.0\s/);
    const exported = (await city.get(`/trends/export.csv?scope=ward:東区&from=${fy - 1}&to=${fy}`)).body;
    expect(exported).toMatch(/ボランティアの平均活動時間（時間）,,97\.0,/);
    const values = (await city.get('/indicators/values.csv')).body;
    expect(values).toContain(`volunteer_hours,東区,${fy},,97.0`);
    // In .xlsx the figure stays a number, formatted with its place.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await city.get(`/trends/export.xlsx?scope=ward:東区&from=${fy - 1}&to=${fy}`)).rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    let cell: ExcelJS.Cell | undefined;
    sheet.eachRow((r) => {
      if (r.getCell(1).text.startsWith('ボランティアの平均活動時間')) cell = r.getCell(3);
    });
    expect(cell?.value).toBe(97);
    expect(cell?.numFmt).toBe('#,##0.0');
  });

  it('a ratio is defined on the page by choosing 「分子の指標」「分母の指標」; fewer places are refused while values have more', async () => {
    const { db } = ctx.database;
    const quota = insertIndicator(db, { key: 'quota', name: '定数', unit: '人', enteredBy: 'ward_yearly', rollup: 'sum', firstFy: fy - 1 });
    const placed = insertIndicator(db, { key: 'placed', name: '配置数', unit: '人', enteredBy: 'ward_yearly', rollup: 'sum', firstFy: fy - 1 });
    const city = await signedIn(ctx.app, 'city');
    const page = (await city.get('/indicators/new')).body;
    expect(page).toContain('<option value="quota">定数（quota・区が年度ごとに入力する）</option>');
    const fields = {
      key: 'fill_rate',
      name: '充足率',
      unit: '%',
      entered_by: 'ward_yearly',
      rollup: 'ratio',
      decimals: '1',
      first_fy: String(fy - 1),
      cat_rows: '0',
      action: 'save',
    };
    const missing = await city.post('/indicators/new', { ...fields, numerator: 'placed' });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('<span class="field-error" id="denominator-error">「割合」で集計するときは、分母の指標を選んでください。</span>');
    expect(missing.body).toMatch(/<option value="placed" selected>/);
    const created = await city.post('/indicators/new', { ...fields, numerator: 'placed', denominator: 'quota' });
    expect(created.statusCode, created.body).toBe(303);
    expect(getIndicatorByKey(db, 'fill_rate')).toMatchObject({ rollup: 'ratio', decimals: 1, numeratorId: placed.id, denominatorId: quota.id });
    const edit = (await city.get('/indicators/fill_rate/edit')).body;
    expect(edit).toMatch(/<option value="quota" selected>/);
    expect((await city.get('/indicators')).body).toContain('割合：配置数 ÷ 定数 × 100、小数点以下1桁');

    const hours = insertIndicator(db, { key: 'hours', name: '時間', unit: '時間', enteredBy: 'ward_yearly', rollup: 'sum', firstFy: fy - 1, decimals: 2 });
    insertWardValues(db, [{ indicatorId: hours.id, wardId: ids.wardA, fiscalYear: fy, value: 1.25 }]);
    const form = (await city.get('/indicators/hours/edit')).body;
    const version = /name="version" value="(\d+)"/.exec(form)![1]!;
    const fewer = await city.post('/indicators/hours/edit', {
      version,
      name: '時間',
      unit: '時間',
      entered_by: 'ward_yearly',
      rollup: 'sum',
      decimals: '1',
      first_fy: String(fy - 1),
      cat_rows: '0',
      action: 'save',
    });
    expect(fewer.statusCode).toBe(422);
    expect(fewer.body).toContain('小数点以下が1桁より多い値が1件入力されています。');
    expect(getIndicatorByKey(db, 'hours')!.decimals).toBe(2);
  });

  it('on the district monthly form too: 97.05 is refused beside the field with what was typed kept; ９７．０ is saved and shown as 97.0', async () => {
    const { db } = ctx.database;
    const run = importCsv(
      db,
      'indicators',
      csv(
        'key,name,unit,entered_by,rollup,threshold,categories,first_fy,last_fy,decimals',
        `walk_km,見守りで歩いた距離,km,district_monthly,sum,,,${fy - 1},,1`,
      ),
    );
    expect(run.ok, JSON.stringify(run)).toBe(true);
    const month = monthsAgo(1);
    const client = await signedIn(ctx.app, 'district-e01');
    const form = await client.get(`/districts/E01/reports/${month}`);
    expect(form.body).toMatch(/name="ind-walk_km"[^>]*inputmode="decimal"|inputmode="decimal"[^>]*name="ind-walk_km"/);
    const bad = await client.post(`/districts/E01/reports/${month}`, formFields({ mutual_aid_cases: '3', 'ind-walk_km': '97.05km' }));
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain(`<span class="field-error" id="ind-walk_km-error">${tooManyPlacesMessage(1)}</span>`);
    expect(bad.body).toMatch(/name="ind-walk_km"[^>]*value="97.05km"/);
    const ok = await client.post(`/districts/E01/reports/${month}`, formFields({ mutual_aid_cases: '3', 'ind-walk_km': '９７．０' }));
    expect(ok.statusCode, ok.body).toBe(303);
    expect((await client.get(`/districts/E01/reports/${month}`)).body).toMatch(/name="ind-walk_km"[^>]*value="97.0"/);
  });

  it('labels decimal rows by the same bases: 80.0 → 97.0 is +21 % (増加), not a whole-number artefact', async () => {
    const { db } = ctx.database;
    const rate = insertIndicator(db, { key: 'rate', name: '参加率', unit: '%', enteredBy: 'ward_yearly', rollup: 'sum', firstFy: fy - 1, decimals: 1 });
    insertWardValues(db, [
      { indicatorId: rate.id, wardId: ids.wardA, fiscalYear: fy - 1, value: 80 },
      { indicatorId: rate.id, wardId: ids.wardA, fiscalYear: fy, value: 97.0 },
    ]);
    const city = await signedIn(ctx.app, 'city');
    const row = trendRow((await city.get(`/api/trends?scope=city&from=${fy - 1}&to=${fy}`)).json<TrendsJson>(), 'rate');
    expect(row.values.map((v) => ('text' in v ? v.text : undefined))).toEqual(['80.0', '97.0']);
    expect(row.trend).toMatchObject({ arrow: '↗', text: '増加' });
    expect(row.trend.change).toBeCloseTo(17 / 80, 10);
  });

  it('the values file accepts ９７．０ and refuses 97.05 by line and column; a ratio takes no values', async () => {
    const { db } = ctx.database;
    expect(
      importCsv(
        db,
        'indicators',
        csv(
          'key,name,unit,entered_by,rollup,threshold,categories,first_fy,last_fy,decimals,numerator,denominator',
          `quota,定数,人,ward_yearly,sum,,,${fy - 1},,,,`,
          `placed,配置数,人,ward_yearly,sum,,,${fy - 1},,0,,`,
          `fill_rate,充足率,%,ward_yearly,ratio,,,${fy - 1},,1,placed,quota`,
          `hours,平均活動時間,時間,ward_yearly,sum,,,${fy - 1},,1,,`,
        ),
      ).ok,
    ).toBe(true);
    const refused = importCsv(
      db,
      'values',
      csv('indicator,scope,period,category,value', `hours,東区,${fy},,９７．０`, `hours,西区,${fy},,97.05`, `fill_rate,東区,${fy},,97.0`),
    );
    expect(!refused.ok && refused.errors).toEqual([
      { line: 3, column: 'value', message: tooManyPlacesMessage(1) },
      { line: 4, column: 'indicator', message: expect.stringContaining('割合') as string },
    ]);
    const run = importCsv(
      db,
      'values',
      csv(
        'indicator,scope,period,category,value',
        `hours,東区,${fy},,９７．０`,
        `quota,東区,${fy},,100`,
        `placed,東区,${fy},,99`,
        `quota,西区,${fy},,50`,
        `placed,西区,${fy},,40`,
      ),
    );
    expect(run.ok, JSON.stringify(run)).toBe(true);
    const city = await signedIn(ctx.app, 'city');
    const body = async (scope: string) => (await city.get(`/api/trends?scope=${encodeURIComponent(scope)}&from=${fy}&to=${fy}`)).json<TrendsJson>();
    // 139 / 150 = 92.7 % for the city (not 99.0 + 80.0); each ward its own.
    expect(trendRow(await body('city'), 'fill_rate').values.map((v) => ('text' in v ? v.text : undefined))).toEqual(['92.7']);
    expect(trendRow(await body('ward:東区'), 'fill_rate').values.map((v) => v.value)).toEqual([99]);
    expect(trendRow(await body('ward:西区'), 'fill_rate').values.map((v) => ('text' in v ? v.text : undefined))).toEqual(['80.0']);
    // The ratio has no field on the ward form.
    const ward = await signedIn(ctx.app, 'ward-east');
    const form = (await ward.get(`/wards/${ids.wardA}/indicators/${fy}`)).body;
    expect(form).toContain('name="ind-quota"');
    expect(form).not.toContain('name="ind-fill_rate"');
  });
});

describe('the definitions file with and without the optional columns', () => {
  it('the documented header works unchanged (decimals 0) and is what the export writes while no indicator uses them', async () => {
    const ctx = await createTestApp();
    try {
      await seedSmallCity(ctx.database);
      const { db } = ctx.database;
      const plain = importCsv(
        db,
        'indicators',
        csv('key,name,unit,entered_by,rollup,threshold,categories,first_fy,last_fy', `learning,学習の回数,回,ward_yearly,sum,,,${fy},`),
      );
      expect(plain.ok, JSON.stringify(plain)).toBe(true);
      expect(getIndicatorByKey(db, 'learning')).toMatchObject({ decimals: 0, numeratorId: null, denominatorId: null });
      const city = await signedIn(ctx.app, 'city');
      const before = (await city.get('/indicators/definitions.csv')).body.replace(/^\uFEFF/, '');
      expect(before.split('\r\n')[0]).toBe('key,name,unit,entered_by,rollup,threshold,categories,first_fy,last_fy');

      const withColumns = importCsv(
        db,
        'indicators',
        csv(
          'key,name,unit,entered_by,rollup,threshold,categories,first_fy,last_fy,decimals,numerator,denominator',
          `quota,定数,人,ward_yearly,sum,,,${fy},,0,,`,
          `placed,配置数,人,ward_yearly,sum,,,${fy},,,,`,
          `fill_rate,充足率,%,ward_yearly,ratio,,,${fy},,１,placed,quota`,
        ),
      );
      expect(withColumns.ok, JSON.stringify(withColumns)).toBe(true);
      const rate = getIndicatorByKey(db, 'fill_rate')!;
      expect(rate).toMatchObject({
        rollup: 'ratio',
        decimals: 1,
        numeratorId: getIndicatorByKey(db, 'placed')!.id,
        denominatorId: getIndicatorByKey(db, 'quota')!.id,
      });
      // The export now carries the optional columns, and importing it again changes nothing.
      const exported = (await city.get('/indicators/definitions.csv')).body;
      const lines = exported.replace(/^\uFEFF/, '').split('\r\n');
      expect(lines[0]).toBe('key,name,unit,entered_by,rollup,threshold,categories,first_fy,last_fy,decimals,numerator,denominator');
      expect(lines).toContain(`fill_rate,充足率,%,ward_yearly,ratio,,,${fy},,1,placed,quota`);
      const again = importCsv(db, 'indicators', Buffer.from(exported));
      expect(again.ok && again.counts).toEqual({ created: 0, updated: 0, unchanged: 4 });

      const refused = importCsv(
        db,
        'indicators',
        csv('key,name,unit,entered_by,rollup,threshold,categories,first_fy,last_fy,decimals,numerator', `rate2,率,%,ward_yearly,ratio,,,${fy},,3,nothing`),
      );
      expect(!refused.ok && refused.errors.map((e) => [e.line, e.column])).toEqual([
        [2, 'decimals'],
        [2, 'numerator'],
        [2, 'denominator'],
      ]);
      const unknown = importCsv(db, 'indicators', csv('key,name,unit,entered_by,rollup,threshold,categories,first_fy,last_fy,colour', 'x,y,z,,,,,,,'));
      expect(!unknown.ok && unknown.errors[0]).toMatchObject({ line: 1, column: 'colour' });
    } finally {
      await ctx.close();
    }
  });
});
