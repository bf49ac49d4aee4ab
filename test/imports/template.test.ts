/**
 * The district Excel template (GET /districts/:code/years/:fy/template.xlsx): its layout,
 * input checks and locks, who may download it, and the round trip through /imports.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Workbook, Worksheet } from 'exceljs';
import { importCsv } from '../../src/imports/importCsv.js';
import { createTestApp, seedSmallCity, signedIn, type Client, type TestContext } from '../support/app.js';
import { csv, HEADERS } from './support.js';
import { dryRunUrl, pageText, uploadFile } from './pageSupport.js';

let ctx: TestContext;

beforeEach(async () => {
  ctx = await createTestApp();
  await seedSmallCity(ctx.database);
  // April and May 2024 of E01 are already reported.
  importCsv(ctx.database.db, 'monthly', csv([HEADERS.monthly, 'E01,2024-04,10,2,1,0,5,3,1,20,見守り強化', 'E01,2024-05,11,2,1,0,5,,,,']), { userId: null });
});
afterEach(async () => {
  await ctx.close();
});

const TEMPLATE = '/districts/E01/years/2024/template.xlsx';

async function download(client: Client, url = TEMPLATE): Promise<Workbook> {
  const res = await client.get(url);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(res.headers['content-type']).toContain('spreadsheetml');
  expect(String(res.headers['content-disposition'])).toContain("filename*=UTF-8''");
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return workbook;
}

const rowValues = (sheet: Worksheet, r: number) => (sheet.getRow(r).values as unknown[]).slice(1);

describe('the template', () => {
  it('is one sheet: the import columns, a row per month as text, the code and the stored months filled in', async () => {
    const workbook = await download(await signedIn(ctx.app, 'ward-east'));
    expect(workbook.worksheets).toHaveLength(1);
    const sheet = workbook.worksheets[0]!;
    expect(rowValues(sheet, 1)).toEqual(HEADERS.monthly.split(','));
    expect(sheet.actualRowCount).toBe(13);
    const months = Array.from({ length: 12 }, (_, i) => sheet.getCell(i + 2, 2).value);
    expect(months).toEqual([
      '2024-04',
      '2024-05',
      '2024-06',
      '2024-07',
      '2024-08',
      '2024-09',
      '2024-10',
      '2024-11',
      '2024-12',
      '2025-01',
      '2025-02',
      '2025-03',
    ]);
    for (let r = 2; r <= 13; r++) {
      expect(sheet.getCell(r, 1).value).toBe('E01');
      expect(sheet.getCell(r, 2).numFmt).toBe('@');
    }
    expect(rowValues(sheet, 2)).toEqual(['E01', '2024-04', 10, 2, 1, 0, 5, 3, 1, 20, '見守り強化']);
    expect(sheet.getCell('C3').value).toBe(11);
    expect(sheet.getCell('H3').value).toBeNull();
    expect(sheet.getCell('C4').value).toBeNull();
  });

  it('checks count cells as whole numbers ≥ 0, and locks everything but the input cells', async () => {
    const sheet = (await download(await signedIn(ctx.app, 'city'))).worksheets[0]!;
    for (const address of ['C2', 'J13', 'F7']) {
      const v = sheet.getCell(address).dataValidation;
      expect(v, address).toMatchObject({ type: 'whole', operator: 'greaterThanOrEqual', allowBlank: true, showErrorMessage: true });
      expect(v.formulae, address).toEqual([0]);
      expect(v.error).toContain('0以上の整数');
      expect(sheet.getCell(address).protection?.locked, address).toBe(false);
    }
    expect(sheet.getCell('K5').protection?.locked).toBe(false); // note
    for (const address of ['A1', 'C1', 'K1', 'A2', 'B2']) expect(sheet.getCell(address).protection?.locked, address).not.toBe(false);
    expect((sheet as unknown as { sheetProtection?: { sheet?: boolean } }).sheetProtection?.sheet).toBe(true);
  });

  it('may be downloaded by the district, its ward and the city only', async () => {
    expect((await (await signedIn(ctx.app, 'district-e01')).get(TEMPLATE)).statusCode).toBe(200);
    expect((await (await signedIn(ctx.app, 'district-e01')).get('/districts/W01/years/2024/template.xlsx')).statusCode).toBe(403);
    expect((await (await signedIn(ctx.app, 'ward-west')).get(TEMPLATE)).statusCode).toBe(403);
    expect((await (await signedIn(ctx.app, 'city')).get('/districts/W01/years/R6/template.xlsx')).statusCode).toBe(200);
    expect((await (await signedIn(ctx.app, 'city')).get('/districts/E01/years/abc/template.xlsx')).statusCode).toBe(404);
  });

  it('is linked from the district year view', async () => {
    const page = await (await signedIn(ctx.app, 'district-e01')).get('/districts/E01/years/2024');
    expect(page.body).toContain(`href="${TEMPLATE}"`);
    expect(pageText(page.body)).toContain('Excelの様式をダウンロード');
  });
});

describe('the round trip', () => {
  it('download → fill cells → upload on /imports → dry run → import → values stored', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    const workbook = await download(ward);
    const sheet = workbook.worksheets[0]!;
    // June: a new month; May: a correction; the other months stay empty.
    sheet.getCell('C4').value = 12;
    sheet.getCell('G4').value = 6;
    sheet.getCell('H4').value = 2;
    sheet.getCell('K4').value = 'サロンで声かけ';
    sheet.getCell('H3').value = 4;
    const filled = Buffer.from(await workbook.xlsx.writeBuffer());

    const url = dryRunUrl(await uploadFile(ctx.app, ward, 'monthly', { name: '東一校区_R6.xlsx', content: filled }));
    const dry = await ward.get(url);
    const text = pageText(dry.body);
    expect(text).toContain('新規 1 件');
    expect(text).toContain('更新 1 件');
    expect(text).toContain('変更なし 1 件');
    expect(text).toContain('3行目 更新 E01 2024-05');
    expect(text).toContain('助け合い件数： （空欄） → 4');
    expect(text).toContain('4行目 新規 E01 2024-06');
    expect(dry.body).toContain('>取り込む</button>');

    const result = await ward.post(url);
    expect(result.statusCode).toBe(200);
    const stored = ctx.database.sqlite
      .prepare(
        "SELECT month, watched_elderly, welfare_cooperators, mutual_aid_cases, note FROM monthly_reports WHERE month IN ('2024-05', '2024-06') ORDER BY month",
      )
      .all();
    expect(stored).toEqual([
      { month: '2024-05', watched_elderly: 11, welfare_cooperators: 5, mutual_aid_cases: 4, note: null },
      { month: '2024-06', watched_elderly: 12, welfare_cooperators: 6, mutual_aid_cases: 2, note: 'サロンで声かけ' },
    ]);
    // Nothing was made of the months left empty.
    expect(ctx.database.sqlite.prepare('SELECT count(*) AS n FROM monthly_reports').get()).toEqual({ n: 3 });
  });

  it('a template of another ward’s district is refused on every filled line for a ward user', async () => {
    const city = await signedIn(ctx.app, 'city');
    const workbook = await download(city, '/districts/W01/years/2024/template.xlsx');
    workbook.worksheets[0]!.getCell('C2').value = 5;
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const ward = await signedIn(ctx.app, 'ward-east');
    const dry = await ward.get(dryRunUrl(await uploadFile(ctx.app, ward, 'monthly', { name: 'w.xlsx', content: file })));
    expect(pageText(dry.body)).toContain('2行目 district_code 校(地)区コード「W01」（西一校区）は、あなたが担当する区の校(地)区ではないため取り込めません。');
  });
});
