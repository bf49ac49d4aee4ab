import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, monthlyValues, seedSmallCity, signedIn, type Client, type TestContext } from '../support/app.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { prepareUpload } from '../../src/imports/xlsx.js';
import { IMPORT_COLUMNS } from '../../src/domain/importFormats.js';

const MONTHLY_HEADER = IMPORT_COLUMNS.monthly;
import { upsertPublishedFigure } from '../../src/publishedFigures/repository.js';
import { createDemoAgendaSheet } from '../../src/agendas/demo.js';
import { contentDisposition, guardText, toCsv } from '../../src/web/files.js';
import { loadSeed000, NOT_AVAILABLE, SEED_000 } from '../agendas/support.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  const { db } = ctx.database;
  loadSeed000(db);
  // FY2023–2024 for the districts: rollups beside the published figures.
  saveMonthlyReport(db, {
    districtId: ids.d1,
    month: '2023-04',
    values: monthlyValues({ watched_elderly: 90, welfare_cooperators: 7, mutual_aid_cases: 4 }),
    userId: null,
  });
  saveMonthlyReport(db, {
    districtId: ids.d1,
    month: '2024-03',
    values: monthlyValues({ watched_elderly: 95, watched_other: 5, mutual_aid_cases: 6, note: '=SUM(A1)' }),
    userId: null,
  });
  saveMonthlyReport(db, { districtId: ids.d3, month: '2023-09', values: monthlyValues({ watched_elderly: 50, coordination_meetings: 1 }), userId: null });
  saveMonthlyReport(db, { districtId: ids.d1, month: '2025-02', values: monthlyValues({ watched_elderly: 110, mutual_aid_cases: 12 }), userId: null });
});
afterEach(async () => ctx.close());

type ApiRow = {
  item: number | string;
  title: string;
  values: { fiscalYear: number; value: number | null; note: string | null }[];
  trend: { arrow: string; text: string };
};

function csvRecords(res: LightMyRequestResponse): string[][] {
  return parse(res.rawPayload.toString('utf8'), { bom: true, relax_column_count: true });
}

async function workbook(res: LightMyRequestResponse): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return wb;
}

/** The cell the export should hold for an API value: the number, or the not-available reason, or blank. */
function expected(v: { value: number | null; note: string | null }): number | string | null {
  return v.value ?? v.note ?? null;
}

const QUERIES = [
  { path: '/trends', table: 'items', query: 'scope=city&from=2019&to=2024' },
  { path: '/trends', table: 'items', query: `scope=${encodeURIComponent('ward:東区')}&from=R5&to=R6&basis=span` },
  { path: '/trends/households', table: 'households', query: 'scope=district:E01&from=2023&to=2024' },
];

describe('trend table exports', () => {
  for (const q of QUERIES) {
    it(`CSV matches GET /api/trends for ${q.path}?${q.query}`, async () => {
      const client = await signedIn(ctx.app, 'city');
      const api = (await client.get(`/api/trends?${q.query}&table=${q.table}`)).json<{ fiscalYears: number[]; rows: ApiRow[] }>();
      const res = await client.get(`${q.path}/export.csv?${q.query}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = res.rawPayload.toString('utf8');
      expect(
        text
          .split('\n')
          .slice(0, -1)
          .every((line) => line.endsWith('\r')),
      ).toBe(true);
      const records = csvRecords(res);
      const years = api.fiscalYears.map((fy) => (fy === 2019 ? 'R1' : `R${fy - 2018}`));
      expect(records[0]).toEqual(['項目', ...years, '傾向', '変化率(%)', '出典']);
      api.rows.forEach((row, i) => {
        const record = records[i + 1]!;
        expect(record[0]).toContain(row.title);
        row.values.forEach((v, j) => {
          const want = expected(v);
          expect(record[j + 1]).toBe(want === null ? '' : String(want));
        });
        expect(record[years.length + 1]).toContain(row.trend.text);
      });
    });

    it(`.xlsx matches GET /api/trends for ${q.path}?${q.query}`, async () => {
      const client = await signedIn(ctx.app, 'city');
      const api = (await client.get(`/api/trends?${q.query}&table=${q.table}`)).json<{ fiscalYears: number[]; rows: ApiRow[] }>();
      const res = await client.get(`${q.path}/export.xlsx?${q.query}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const wb = await workbook(res);
      const sheet = wb.worksheets[0]!;
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(header.slice(0, api.fiscalYears.length + 2)).toEqual(['項目', ...api.fiscalYears.map((fy) => `R${fy - 2018}`), '傾向']);
      api.rows.forEach((row, i) => {
        const cells = sheet.getRow(i + 2);
        row.values.forEach((v, j) => {
          const cell = cells.getCell(j + 2);
          expect(cell.value).toBe(expected(v));
          if (typeof cell.value === 'number') expect(cell.numFmt).toBe('#,##0');
        });
      });
      expect(sheet.getColumn(1).width).toBeGreaterThan(30);
      expect(sheet.getColumn(2).width).toBeGreaterThan(8);
      // Every cell's origin on a second sheet.
      expect(wb.worksheets[1]!.name).toBe('出典');
      expect(wb.worksheets[1]!.rowCount).toBe(1 + api.rows.length * api.fiscalYears.length);
    });
  }

  it('keeps seed figures as clean numbers and the not-available reason as text', async () => {
    const client = await signedIn(ctx.app, 'city');
    const res = await client.get('/trends/export.csv?scope=city&from=2019&to=2023');
    const records = csvRecords(res);
    expect(records[1]!.slice(1, 6)).toEqual(SEED_000['1']?.map(String));
    expect(records[3]![2]).toBe(NOT_AVAILABLE);
    expect(records[1]![8]).toBe('公表値: R1・R2・R3・R4・R5');
  });

  it('names the file in Japanese with an ASCII fallback', async () => {
    const client = await signedIn(ctx.app, 'city');
    const res = await client.get('/trends/export.xlsx?scope=city&from=2019&to=2023');
    const disposition = String(res.headers['content-disposition']);
    expect(disposition).toContain('attachment; filename="trends_city_2019-2023.xlsx"');
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent('推移表_全市_R1-R5.xlsx')}`);
  });

  it('refuses scopes the user may not see, and malformed parameters', async () => {
    const district = await signedIn(ctx.app, 'district-e01');
    expect((await district.get('/trends/export.csv?scope=district:W01')).statusCode).toBe(403);
    expect((await district.get('/trends/export.xlsx?scope=city')).statusCode).toBe(403);
    expect((await district.get('/trends/households/export.csv?scope=district:W01')).statusCode).toBe(403);
    expect((await district.get('/trends/export.csv?scope=district:E01&from=2023&to=2024')).statusCode).toBe(200);
    const ward = await signedIn(ctx.app, 'ward-east');
    expect((await ward.get(`/trends/export.csv?scope=${encodeURIComponent('ward:西区')}`)).statusCode).toBe(403);
    const city = await signedIn(ctx.app, 'city');
    expect((await city.get('/trends/export.csv?from=abc')).statusCode).toBe(422);
  });

  it('offers the downloads on the trend pages', async () => {
    const client = await signedIn(ctx.app, 'city');
    const page = await client.get('/trends?scope=city&from=2019&to=2023');
    expect(page.body).toContain('href="/trends/export.csv?scope=city&amp;from=2019&amp;to=2023');
    expect(page.body).toContain('href="/trends/export.xlsx?scope=city');
    const households = await client.get('/trends/households?scope=city&from=2019&to=2023');
    expect(households.body).toContain('href="/trends/households/export.csv?scope=city');
  });
});

describe('agenda sheet exports', () => {
  it('exports the table as printed, frozen figures and labels included', async () => {
    const { db } = ctx.database;
    const id = createDemoAgendaSheet(db, null);
    upsertPublishedFigure(db, { item: '1', fiscalYear: 2023, scopeType: 'city', scopeId: 0, value: 133390, note: null }, null);
    const ward = await signedIn(ctx.app, 'ward-east');
    const csv = await ward.get(`/agendas/${id}/export.csv`);
    expect(csv.statusCode).toBe(200);
    const records = csvRecords(csv);
    expect(records[0]).toEqual(['１ 前年度までの推移']);
    expect(records[1]).toEqual(['項目', 'R1', 'R2', 'R3', 'R4', 'R5', '傾向']);
    expect(records[2]).toEqual(['① ふれあいネットワーク活動の見守り世帯数', '125407', '136262', '135812', '132844', '133382', '→ ほぼ横ばい']);
    expect(records[3]![6]).toBe('↗ 増加');
    expect(records[4]![2]).toBe(NOT_AVAILABLE);
    expect(records[5]![6]).toBe('↘ 減少(※)');
    expect(records[9]).toEqual(['※ 小地域福祉活動計画はＲ６年度１４校(地)区策定予定で、残り１８校(地)区']);

    const xlsx = await ward.get(`/agendas/${id}/export.xlsx`);
    const sheet = (await workbook(xlsx)).worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('１ 前年度までの推移');
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual(['項目', 'R1', 'R2', 'R3', 'R4', 'R5', '傾向']);
    for (const [i, key] of ['1', '2', '3', '4', '5', '6', '7'].entries()) {
      const row = sheet.getRow(i + 3);
      SEED_000[key]!.forEach((v, j) => expect(row.getCell(j + 2).value).toBe(v ?? NOT_AVAILABLE));
    }
    expect(String(xlsx.headers['content-disposition'])).toContain(
      `filename*=UTF-8''${encodeURIComponent('議題シート_議題（１）ア_小地域福祉活動の状況.xlsx')}`,
    );
  });

  it('refuses district users', async () => {
    const id = createDemoAgendaSheet(ctx.database.db, null);
    const district = await signedIn(ctx.app, 'district-e01');
    expect((await district.get(`/agendas/${id}/export.csv`)).statusCode).toBe(403);
    expect((await district.get(`/agendas/${id}/export.xlsx`)).statusCode).toBe(403);
  });
});

describe('monthly data exports', () => {
  async function monthlyCsv(client: Client, url: string) {
    const res = await client.get(url);
    expect(res.statusCode).toBe(200);
    return csvRecords(res);
  }

  it('the CSV is an import file: exactly the import columns, one row per reported month', async () => {
    // Issue 10 finding 5: this used to carry an extra 月 column and blank rows for unreported months.
    const client = await signedIn(ctx.app, 'district-e01');
    const records = await monthlyCsv(client, '/districts/E01/years/R5/export.csv');
    expect(records[0]).toEqual([
      'district_code',
      'month',
      'watched_elderly',
      'watched_disability',
      'watched_single_parent',
      'watched_other',
      'welfare_cooperators',
      'mutual_aid_cases',
      'coordination_meetings',
      'well_club_participants',
      'note',
    ]);
    expect(records).toEqual([
      records[0],
      ['E01', '2023-04', '90', '', '', '', '7', '4', '', '', ''],
      // A note that looks like a formula does not run in Excel (the import takes the apostrophe off again).
      ['E01', '2024-03', '95', '', '', '5', '', '6', '', '', "'=SUM(A1)"],
    ]);
  });

  it('exporting a district year and importing the file back (dry run and real) changes nothing', async () => {
    const { db } = ctx.database;
    saveMonthlyReport(db, {
      districtId: ids.d1,
      month: '2023-06',
      values: monthlyValues({ watched_disability: 0, note: '一行目、\n"二行目", -3' }),
      userId: null,
    });
    saveMonthlyReport(db, { districtId: ids.d1, month: '2023-07', values: monthlyValues({ note: '+メモだけ' }), userId: null });
    saveMonthlyReport(db, { districtId: ids.d1, month: '2023-08', values: monthlyValues({ coordination_meetings: 1 }), userId: null });
    saveMonthlyReport(db, { districtId: ids.d1, month: '2023-08', values: monthlyValues({}), userId: null }); // cleared again
    const client = await signedIn(ctx.app, 'ward-east');
    const res = await client.get('/districts/E01/years/2023/export.csv');
    expect(res.statusCode).toBe(200);
    const snapshot = () => ({
      reports: ctx.database.sqlite.prepare('SELECT * FROM monthly_reports ORDER BY id').all(),
      figures: ctx.database.sqlite.prepare('SELECT * FROM district_year_figures ORDER BY district_id, fiscal_year').all(),
      audit: (ctx.database.sqlite.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n,
    });
    const before = snapshot();
    const dry = importCsv(db, 'monthly', res.rawPayload, { dryRun: true });
    expect(dry).toEqual({ ok: true, counts: { created: 0, updated: 0, unchanged: 4 }, changes: [], wardsCreated: [] });
    const real = importCsv(db, 'monthly', res.rawPayload, {});
    expect(real).toEqual({ ok: true, counts: { created: 0, updated: 0, unchanged: 4 }, changes: [], wardsCreated: [] });
    expect(snapshot()).toEqual(before);
  });

  it('a year with nothing reported exports the header only', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    expect(await monthlyCsv(client, '/districts/E01/years/2021/export.csv')).toEqual([
      [
        ...'district_code,month,watched_elderly,watched_disability,watched_single_parent,watched_other,welfare_cooperators,mutual_aid_cases,coordination_meetings,well_club_participants,note'.split(
          ',',
        ),
      ],
    ]);
  });

  it('the .xlsx export is the import template with the months filled in: imported back (dry run and real), nothing changes', async () => {
    const { db } = ctx.database;
    saveMonthlyReport(db, {
      districtId: ids.d1,
      month: '2023-06',
      values: monthlyValues({ watched_disability: 0, note: '一行目、\n"二行目", -3' }),
      userId: null,
    });
    saveMonthlyReport(db, { districtId: ids.d1, month: '2023-07', values: monthlyValues({ note: '+メモだけ' }), userId: null });
    const client = await signedIn(ctx.app, 'ward-east');
    const res = await client.get('/districts/E01/years/2023/export.xlsx');
    expect(res.statusCode).toBe(200);
    const sheet = (await workbook(res)).worksheets[0]!;
    expect(sheet.name).toBe('令和5年度');
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([...MONTHLY_HEADER]);
    const april = sheet.getRow(2);
    expect([april.getCell(1).value, april.getCell(2).value, april.getCell(3).value, april.getCell(4).value]).toEqual(['E01', '2023-04', 90, null]);
    const snapshot = () => ({
      reports: ctx.database.sqlite.prepare('SELECT * FROM monthly_reports ORDER BY id').all(),
      figures: ctx.database.sqlite.prepare('SELECT * FROM district_year_figures ORDER BY district_id, fiscal_year').all(),
      audit: (ctx.database.sqlite.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n,
    });
    const before = snapshot();
    const prepared = await prepareUpload('monthly', 'export.xlsx', res.rawPayload);
    if (!prepared.ok) throw new Error(prepared.message);
    const dry = importCsv(db, 'monthly', prepared.csv, { dryRun: true });
    expect(dry).toMatchObject({ ok: true, counts: { created: 0, updated: 0, unchanged: 4 }, changes: [] });
    const real = importCsv(db, 'monthly', prepared.csv, {});
    expect(real).toMatchObject({ ok: true, counts: { created: 0, updated: 0, unchanged: 4 }, changes: [] });
    expect(snapshot()).toEqual(before);
  });

  it('checks the district and the year', async () => {
    const east = await signedIn(ctx.app, 'ward-east');
    expect((await east.get('/districts/W01/years/2023/export.csv')).statusCode).toBe(403);
    const district = await signedIn(ctx.app, 'district-e01');
    expect((await district.get('/districts/E02/years/2023/export.xlsx')).statusCode).toBe(403);
    expect((await district.get('/districts/E01/years/abc/export.csv')).statusCode).toBe(404);
    expect((await district.get('/districts/NOPE/years/2023/export.csv')).statusCode).toBe(404);
  });
});

describe('file helpers', () => {
  it('guards text that a spreadsheet would run as a formula', () => {
    expect(guardText('=1+1')).toBe("'=1+1");
    expect(guardText('@x')).toBe("'@x");
    expect(guardText('-3')).toBe("'-3");
    expect(guardText(-3)).toBe(-3);
    expect(guardText('普通の文')).toBe('普通の文');
  });

  it('writes CSV with a BOM and CRLF line ends, quoting where needed', () => {
    const text = toCsv([
      {
        name: 'x',
        header: ['a', 'b'],
        rows: [
          ['1,000', 2],
          [null, '改行\nあり'],
        ],
        widths: [],
      },
    ]).toString('utf8');
    expect(text).toBe('\ufeffa,b\r\n"1,000",2\r\n,"改行\nあり"\r\n');
  });

  it('encodes Japanese file names per RFC 5987 and keeps an ASCII fallback', () => {
    const header = contentDisposition('推移表_全市_R1-R5.csv', 'trends city.csv');
    expect(header).toBe(`attachment; filename="trends_city.csv"; filename*=UTF-8''${encodeURIComponent('推移表_全市_R1-R5.csv')}`);
    expect(contentDisposition('a"b/c.csv', 'x.csv')).toContain("filename*=UTF-8''abc.csv");
  });
});
