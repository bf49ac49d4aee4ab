/**
 * /imports: upload → dry run → import, through the real app (app.inject, real sign-in,
 * real CSRF). The page runs the CLI's importCsv, holds the file server-side between the
 * steps, refuses what it cannot read faithfully, and writes nothing until 取り込む.
 */
import { Readable } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/index.js';
import { runCli } from '../support/cli.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { auditEvents, pendingUploads, users } from '../../src/db/schema.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { createTestApp, seedSmallCity, signedIn, type Client, type TestContext } from '../support/app.js';
import { csv, HEADERS, rowCounts } from './support.js';
import { dryRunUrl, multipartBody, pageText, shiftJis, uploadAndImport, uploadFile } from './pageSupport.js';

let ctx: TestContext;
let city: Client;

beforeEach(async () => {
  ctx = await createTestApp();
  await seedSmallCity(ctx.database);
  city = await signedIn(ctx.app, 'city');
});
afterEach(async () => {
  await ctx.close();
});

const userId = (login: string) => ctx.database.db.select({ id: users.id }).from(users).where(eq(users.login, login)).get()!.id;

/** The stored monthly rows as (code, month, counts…, note). */
function storedMonthly(): unknown[] {
  return ctx.database.sqlite
    .prepare(
      `SELECT d.code, m.month, m.watched_elderly, m.watched_disability, m.watched_single_parent, m.watched_other, m.welfare_cooperators,
              m.mutual_aid_cases, m.coordination_meetings, m.well_club_participants, m.note
         FROM monthly_reports m JOIN districts d ON d.id = m.district_id ORDER BY d.code, m.month`,
    )
    .all();
}

/** The stored yearly figures, without the time they were computed. */
function storedFigures(sqlite: TestContext['database']['sqlite']): unknown[] {
  return (sqlite.prepare('SELECT * FROM district_year_figures ORDER BY district_id, fiscal_year').all() as Record<string, unknown>[]).map(
    ({ computed_at: _c, ...rest }) => rest,
  );
}

const pendingCount = () => ctx.database.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM pending_uploads`).n;

/** Everything users record (the held uploads, sessions and audit log aside). */
function recorded(): Record<string, number> {
  const counts = rowCounts(ctx.database);
  delete counts.pending_uploads;
  delete counts.sessions;
  return counts;
}

const MONTHLY = csv([HEADERS.monthly, 'E01,2024-04,10,2,1,0,5,3,1,20,見守り強化', 'E02,2024-04,8,,,,4,1,,,', 'W01,2024-05,7,1,,,3,,,,']);

async function excelFile(build: (workbook: import('exceljs').Workbook) => void): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const MONTHLY_ROWS: (string | number | null)[][] = [
  ['E01', '2024-04', 10, 2, 1, 0, 5, 3, 1, 20, '見守り強化'],
  ['E02', '2024-04', 8, null, null, null, 4, 1, null, null, null],
  ['W01', '2024-05', 7, 1, null, null, 3, null, null, null, null],
];

function monthlySheet(workbook: import('exceljs').Workbook, rows = MONTHLY_ROWS) {
  const sheet = workbook.addWorksheet('月次');
  sheet.addRow(HEADERS.monthly.split(','));
  for (const r of rows) sheet.addRow(r);
  return sheet;
}

describe('who may import', () => {
  it('district users are refused the page and the upload (403)', async () => {
    const district = await signedIn(ctx.app, 'district-e01');
    expect((await district.get('/imports')).statusCode).toBe(403);
    const res = await uploadFile(ctx.app, district, 'monthly', { name: 'a.csv', content: MONTHLY });
    expect(res.statusCode).toBe(403);
    expect(pendingCount()).toBe(0);
  });

  it('city users choose among every kind, ward users import monthly reports only', async () => {
    const cityPage = await city.get('/imports');
    expect(cityPage.statusCode).toBe(200);
    for (const kind of ['districts', 'monthly', 'salons', 'plans', 'published']) expect(cityPage.body).toContain(`name="kind" value="${kind}"`);
    const ward = await signedIn(ctx.app, 'ward-east');
    const wardPage = await ward.get('/imports');
    expect(wardPage.statusCode).toBe(200);
    expect(wardPage.body).not.toContain('value="districts"');
    expect(pageText(wardPage.body)).toContain('月次報告（担当の区の校(地)区の分だけ取り込めます）');
    const res = await uploadFile(ctx.app, ward, 'districts', { name: 'd.csv', content: csv([HEADERS.districts, 'E09,東九校区,ひがしきゅう,東区,,']) });
    expect(res.statusCode).toBe(422);
    expect(pageText(res.body)).toContain('区社協の利用者が取り込めるのは月次報告だけです。');
    expect(pendingCount()).toBe(0);
  });

  it("a ward user's file may hold only the ward's own districts: another ward's row is refused on its line", async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    const before = recorded();
    const url = dryRunUrl(await uploadFile(ctx.app, ward, 'monthly', { name: 'a.csv', content: MONTHLY }));
    const dry = await ward.get(url);
    const text = pageText(dry.body);
    expect(text).toContain('4行目');
    expect(text).toContain('校(地)区コード「W01」（西一校区）は、あなたが担当する区の校(地)区ではないため取り込めません。');
    expect(dry.body).not.toContain('>取り込む</button>');
    // Pressing the button anyway (a crafted post) writes nothing either.
    const post = await ward.post(url);
    expect(post.statusCode).toBe(422);
    expect(recorded()).toEqual(before);

    const own = csv([HEADERS.monthly, 'E01,2024-04,10,,,,,,,,', 'E02,2024-04,8,,,,,,,,']);
    const { result } = await uploadAndImport(ctx.app, ward, 'monthly', { name: 'own.csv', content: own });
    expect(result.statusCode).toBe(200);
    expect(pageText(result.body)).toMatch(/新規 2 件/);
    const audit = ctx.database.db.select().from(auditEvents).where(eq(auditEvents.entity, 'monthly_report')).all();
    expect(audit.map((a) => a.userId)).toEqual([userId('ward-east'), userId('ward-east')]);
  });

  it("nobody opens or confirms another user's upload (404), and nothing is written", async () => {
    const url = dryRunUrl(await uploadFile(ctx.app, city, 'monthly', { name: 'a.csv', content: MONTHLY }));
    const ward = await signedIn(ctx.app, 'ward-east');
    expect((await ward.get(url)).statusCode).toBe(404);
    const before = recorded();
    expect((await ward.post(url)).statusCode).toBe(404);
    expect(recorded()).toEqual(before);
  });

  it('the confirm button needs the CSRF token', async () => {
    const url = dryRunUrl(await uploadFile(ctx.app, city, 'monthly', { name: 'a.csv', content: MONTHLY }));
    const before = recorded();
    expect((await city.post(url, { _csrf: 'forged' })).statusCode).toBe(403);
    expect(recorded()).toEqual(before);
  });
});

describe('upload, dry run, import', () => {
  it('the dry run lists counts and rows to add, writes nothing; 取り込む writes all, audited with the user', async () => {
    const before = recorded();
    const upload = await uploadFile(ctx.app, city, 'monthly', { name: '月次_4月.csv', content: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), MONTHLY]) });
    const url = dryRunUrl(upload);
    expect(pendingCount()).toBe(1);
    const held = ctx.database.db.select().from(pendingUploads).get()!;
    expect(held.userId).toBe(userId('city'));
    expect(held.fileName).toBe('月次_4月.csv');
    expect(held.expiresAt - held.createdAt).toBe(30 * 60_000);

    const dry = await city.get(url);
    expect(dry.statusCode).toBe(200);
    const text = pageText(dry.body);
    expect(text).toContain('新規 3 件');
    expect(text).toContain('2行目 新規 E01 2024-04');
    expect(text).toContain('備考： 見守り強化');
    expect(text).toContain('まだ何も書き込んでいません');
    expect(recorded()).toEqual(before);

    // The form posts the upload id and the token only: the file is not sent again.
    expect(dry.body).toMatch(new RegExp(`<form method="post" action="${url}" class="form">`));
    expect(dry.body).not.toContain('type="file"');
    const result = await city.post(url);
    expect(result.statusCode).toBe(200);
    expect(pageText(result.body)).toContain('新規 3 件');
    expect(storedMonthly()).toEqual([
      {
        code: 'E01',
        month: '2024-04',
        watched_elderly: 10,
        watched_disability: 2,
        watched_single_parent: 1,
        watched_other: 0,
        welfare_cooperators: 5,
        mutual_aid_cases: 3,
        coordination_meetings: 1,
        well_club_participants: 20,
        note: '見守り強化',
      },
      {
        code: 'E02',
        month: '2024-04',
        watched_elderly: 8,
        watched_disability: null,
        watched_single_parent: null,
        watched_other: null,
        welfare_cooperators: 4,
        mutual_aid_cases: 1,
        coordination_meetings: null,
        well_club_participants: null,
        note: null,
      },
      {
        code: 'W01',
        month: '2024-05',
        watched_elderly: 7,
        watched_disability: 1,
        watched_single_parent: null,
        watched_other: null,
        welfare_cooperators: 3,
        mutual_aid_cases: null,
        coordination_meetings: null,
        well_club_participants: null,
        note: null,
      },
    ]);
    const audit = ctx.database.db.select().from(auditEvents).where(eq(auditEvents.entity, 'monthly_report')).all();
    expect(audit).toHaveLength(3);
    expect(new Set(audit.map((a) => a.userId))).toEqual(new Set([userId('city')]));
    expect(ctx.database.db.select().from(pendingUploads).get()!.usedAt).not.toBeNull();
  });

  it('rows to change show before → after', async () => {
    importCsv(ctx.database.db, 'monthly', MONTHLY, { userId: null });
    const changed = csv([HEADERS.monthly, 'E01,2024-04,12,2,1,0,5,9,1,20,見守り強化', 'E02,2024-04,8,,,,4,1,,,']);
    const url = dryRunUrl(await uploadFile(ctx.app, city, 'monthly', { name: 'b.csv', content: changed }));
    const text = pageText((await city.get(url)).body);
    expect(text).toContain('更新 1 件');
    expect(text).toContain('変更なし 1 件');
    expect(text).toContain('2行目 更新 E01 2024-04');
    expect(text).toContain('見守り世帯数（高齢者世帯）： 10 → 12');
    expect(text).toContain('助け合い件数： 3 → 9');
    expect(text).not.toContain('E02 2024-04');
  });

  it('a second confirm does nothing and says so', async () => {
    const { url, result } = await uploadAndImport(ctx.app, city, 'monthly', { name: 'a.csv', content: MONTHLY });
    expect(result.statusCode).toBe(200);
    const after = recorded();
    const audits = ctx.database.db.select().from(auditEvents).all().length;
    const again = await city.post(url);
    expect(again.statusCode).toBe(409);
    expect(pageText(again.body)).toContain('すでに取り込みました。同じファイルをもう一度取り込むことはしていません');
    expect(recorded()).toEqual(after);
    expect(ctx.database.db.select().from(auditEvents).all().length).toBe(audits);
    expect((await city.get(url)).statusCode).toBe(409);
  });

  it('an expired upload cannot be confirmed: it says so and writes nothing', async () => {
    const url = dryRunUrl(await uploadFile(ctx.app, city, 'monthly', { name: 'a.csv', content: MONTHLY }));
    ctx.database.db
      .update(pendingUploads)
      .set({ expiresAt: Date.now() - 1000 })
      .run();
    const before = recorded();
    const page = await city.get(url);
    expect(page.statusCode).toBe(410);
    expect(pageText(page.body)).toContain('確認の期限（30分）が過ぎたため、取り込めません');
    const post = await city.post(url);
    expect(post.statusCode).toBe(410);
    expect(recorded()).toEqual(before);
    expect(storedMonthly()).toEqual([]);
  });

  it('a user holds five files at most: the oldest beyond that is dropped', async () => {
    const urls: string[] = [];
    for (let i = 0; i < 6; i++) urls.push(dryRunUrl(await uploadFile(ctx.app, city, 'monthly', { name: `${i}.csv`, content: MONTHLY })));
    expect(pendingCount()).toBe(5);
    expect((await city.get(urls[0]!)).statusCode).toBe(404);
    expect((await city.get(urls[5]!)).statusCode).toBe(200);
    // Another user's files are not touched.
    const ward = await signedIn(ctx.app, 'ward-east');
    dryRunUrl(await uploadFile(ctx.app, ward, 'monthly', { name: 'w.csv', content: csv([HEADERS.monthly, 'E01,2024-04,1,,,,,,,,']) }));
    expect(pendingCount()).toBe(6);
  });

  it('reads a Shift_JIS CSV as Excel in Japan saves it', async () => {
    const text = [HEADERS.monthly, 'E01,2024-04,10,,,,,,,,民生委員と同行訪問（①～③）', 'E02,2024-04,8,,,,,,,,'].join('\r\n') + '\r\n';
    const { dryRun, result } = await uploadAndImport(ctx.app, city, 'monthly', { name: 'sjis.csv', content: shiftJis(text) });
    expect(pageText(dryRun.body)).toContain('備考： 民生委員と同行訪問（①～③）');
    expect(result.statusCode).toBe(200);
    expect(storedMonthly().map((r) => (r as { note: string | null }).note)).toEqual(['民生委員と同行訪問（①～③）', null]);
  });

  it('an .xlsx (first sheet, same column names) gives the same rows as the CSV', async () => {
    const file = await excelFile((w) => monthlySheet(w));
    const { dryRun, result } = await uploadAndImport(ctx.app, city, 'monthly', { name: '月次.xlsx', content: file });
    expect(pageText(dryRun.body)).toContain('Excel、シート「月次」');
    expect(result.statusCode).toBe(200);
    const fromXlsx = storedMonthly();

    const other = await createTestApp();
    try {
      await seedSmallCity(other.database);
      importCsv(other.database.db, 'monthly', MONTHLY, { userId: null });
      const fromCsv = other.database.sqlite
        .prepare(
          `SELECT d.code, m.month, m.watched_elderly, m.watched_disability, m.watched_single_parent, m.watched_other, m.welfare_cooperators,
                  m.mutual_aid_cases, m.coordination_meetings, m.well_club_participants, m.note
             FROM monthly_reports m JOIN districts d ON d.id = m.district_id ORDER BY d.code, m.month`,
        )
        .all();
      expect(fromXlsx).toEqual(fromCsv);
    } finally {
      await other.close();
    }
  });

  it('errors in an .xlsx name the sheet row, even below a cell with a line break', async () => {
    const file = await excelFile((w) =>
      monthlySheet(w, [
        ['E01', '2024-04', 10, null, null, null, null, null, null, null, '1行目\n2行目'],
        ['E02', '2024-04', -1, null, null, null, null, null, null, null, null],
      ]),
    );
    const url = dryRunUrl(await uploadFile(ctx.app, city, 'monthly', { name: 'x.xlsx', content: file }));
    const text = pageText((await city.get(url)).body);
    expect(text).toMatch(/3行目 watched_elderly マイナスの数は入力できません/);
  });

  it('a districts file that creates wards needs the confirmation box', async () => {
    const file = csv([HEADERS.districts, 'N01,北一校区,きたいち,北区,,']);
    const url = dryRunUrl(await uploadFile(ctx.app, city, 'districts', { name: 'd.csv', content: file }));
    const dry = await city.get(url);
    expect(pageText(dry.body)).toContain('新しく作る区：北区');
    expect(dry.body).toContain('name="create_wards"');
    const before = recorded();
    const refused = await city.post(url);
    expect(refused.statusCode).toBe(422);
    expect(pageText(refused.body)).toContain('新しく作る区（北区）を確かめて、チェックを入れてください。');
    expect(recorded()).toEqual(before);
    const done = await city.post(url, { create_wards: '1' });
    expect(done.statusCode).toBe(200);
    expect(pageText(done.body)).toContain('新しく作った区：北区');
    expect(ctx.database.sqlite.prepare("SELECT count(*) AS n FROM wards WHERE name = '北区'").get()).toEqual({ n: 1 });
  });

  it('a file whose rows changed meaning since the dry run is checked again at 取り込む, and nothing is written', async () => {
    const url = dryRunUrl(await uploadFile(ctx.app, city, 'monthly', { name: 'a.csv', content: MONTHLY }));
    expect((await city.get(url)).statusCode).toBe(200);
    // Someone closes FY2024 in between.
    ctx.database.sqlite.prepare("INSERT INTO closed_fiscal_years (fiscal_year, closed_at, closed_by) VALUES (2024, '2025-06-01T00:00:00Z', NULL)").run();
    const before = recorded();
    const res = await city.post(url);
    expect(res.statusCode).toBe(422);
    expect(pageText(res.body)).toContain('年度確定済みのため取り込めません');
    expect(recorded()).toEqual(before);
    // Not used up: it can be checked again once the year is reopened.
    expect(ctx.database.db.select().from(pendingUploads).get()!.usedAt).toBeNull();
  });
});

describe('files the page refuses, writing nothing', () => {
  async function refusedUpload(name: string, content: Buffer, kind = 'monthly') {
    const before = recorded();
    const res = await uploadFile(ctx.app, city, kind, { name, content });
    expect(res.statusCode, name).toBe(422);
    expect(pendingCount(), name).toBe(0);
    expect(recorded(), name).toEqual(before);
    expect(res.body).toContain('class="field-error" id="file-error"');
    // The chosen kind is kept.
    expect(res.body).toContain(`value="${kind}" checked`);
    return pageText(res.body);
  }

  async function dryRunErrors(name: string, content: Buffer) {
    const before = recorded();
    const url = dryRunUrl(await uploadFile(ctx.app, city, 'monthly', { name, content }));
    const dry = await city.get(url);
    expect(dry.statusCode).toBe(200);
    expect(dry.body).not.toContain('>取り込む</button>');
    expect((await city.post(url)).statusCode).toBe(422);
    expect(recorded()).toEqual(before);
    return pageText(dry.body);
  }

  it('no file chosen', async () => {
    const res = await uploadFile(ctx.app, city, 'monthly', null);
    expect(res.statusCode).toBe(422);
    expect(pageText(res.body)).toContain('ファイルを選んでください。');
    const browserEmpty = await uploadFile(ctx.app, city, 'monthly', { name: '', content: Buffer.alloc(0) });
    expect(pageText(browserEmpty.body)).toContain('ファイルを選んでください。');
  });

  it('no kind chosen', async () => {
    const res = await uploadFile(ctx.app, city, '', { name: 'a.csv', content: MONTHLY });
    expect(res.statusCode).toBe(422);
    expect(pageText(res.body)).toContain('取り込む内容を選んでください。');
  });

  it('an empty file', async () => {
    expect(await refusedUpload('empty.csv', Buffer.alloc(0))).toContain('ファイルが空です（0 バイト）');
  });

  it('a file that is neither CSV nor xlsx (a picture, a PDF, an old .xls)', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    expect(await refusedUpload('photo.png', png)).toContain('CSV ファイルか Excel（.xlsx）ファイルを選んでください');
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 1, 2, 3, 0xff, 0xfe])]);
    expect(await refusedUpload('doc.pdf', pdf)).toContain('CSV ファイルか Excel（.xlsx）ファイルを選んでください');
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    expect(await refusedUpload('old.xls', xls)).toContain('古い形式の Excel ファイル（.xls）は読めません');
    expect(await refusedUpload('broken.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).toContain('Excel（.xlsx）ファイルとして読めませんでした');
  });

  it('an .xlsx with formulas', async () => {
    const file = await excelFile((w) => {
      const sheet = monthlySheet(w);
      sheet.getCell('C3').value = { formula: 'C2-2', result: 8 };
    });
    expect(await refusedUpload('f.xlsx', file)).toContain('数式の入ったセルがあります（C3）');
  });

  it('an .xlsx with merged cells', async () => {
    const file = await excelFile((w) => {
      const sheet = monthlySheet(w);
      sheet.mergeCells('A3:A4');
    });
    expect(await refusedUpload('m.xlsx', file)).toContain('結合されたセルがあります（A3）');
  });

  it('an .xlsx with extra sheets', async () => {
    const file = await excelFile((w) => {
      monthlySheet(w);
      w.addWorksheet('メモ').addRow(['下書き']);
    });
    expect(await refusedUpload('s.xlsx', file)).toContain('シートが2枚あります（「月次」、「メモ」）');
  });

  it('an .xlsx with dates as date cells or as serial numbers', async () => {
    const dated = await excelFile((w) => {
      monthlySheet(w).getCell('B2').value = new Date(Date.UTC(2024, 3, 1));
    });
    expect(await refusedUpload('d.xlsx', dated)).toContain('日付の形式になっているセルがあります（B2）');
    const serial = await excelFile((w) => {
      monthlySheet(w).getCell('B3').value = 45383;
    });
    expect(await refusedUpload('n.xlsx', serial)).toContain('日付の形式になっているセルがあります（B3）');
  });

  it('an .xlsx that would unpack to more than the bound (a "zip bomb") is refused before it is unpacked', async () => {
    const file = await excelFile((w) => monthlySheet(w));
    // Declare 300 MB for the first entry of the central directory, as a bomb's does.
    const central = file.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(central).toBeGreaterThan(0);
    file.writeUInt32LE(300 * 1024 * 1024, central + 24);
    expect(await refusedUpload('bomb.xlsx', file)).toContain('この Excel ファイルは中身が大きすぎるため読めません');
  });

  it('an .xlsx whose sheet is empty', async () => {
    const file = await excelFile((w) => {
      w.addWorksheet('空');
    });
    expect(await refusedUpload('e.xlsx', file)).toContain('シート「空」が空です');
  });

  it('a file with only the header row', async () => {
    expect(await dryRunErrors('h.csv', csv([HEADERS.monthly]))).toContain('取り込む行がありません。');
    const xlsx = await excelFile((w) => monthlySheet(w, []));
    expect(await dryRunErrors('h.xlsx', xlsx)).toContain('取り込む行がありません。');
  });

  it('a file whose every row is bad lists every error by line and column', async () => {
    const text = await dryRunErrors('bad.csv', csv([HEADERS.monthly, 'E01,2024-04,-1,,,,,,,,', 'X99,2024-04,1,,,,,,,,', 'E02,2024-13,1,,,,,,,,']));
    expect(text).toContain('問題が 3 件あるため、取り込めません');
    expect(text).toMatch(/2行目 watched_elderly マイナスの数は入力できません/);
    expect(text).toMatch(/3行目 district_code 校\(地\)区コード「X99」は登録されていません/);
    expect(text).toMatch(/4行目 month 月は 2024-04 または 2024\/4 のように入力してください/);
  });

  it('a 20 MB upload is refused at the 10 MB bound without being held', async () => {
    await city.get('/imports');
    const { payload: head } = multipartBody({ _csrf: city.csrfToken, kind: 'monthly' });
    // The fields first, then a 20 MB file part, streamed in 64 KB chunks (never one 20 MB buffer).
    const boundaryLine = head.toString('utf8').split('\r\n')[0]!;
    const boundary = boundaryLine.slice(2);
    const fieldsPart = head.subarray(0, head.length - `--${boundary}--\r\n`.length);
    const chunk = Buffer.alloc(64 * 1024, 'E01,2024-04,1,,,,,,,,\r\n');
    let sent = 0;
    const total = 20 * 1024 * 1024;
    const stream = Readable.from(
      (function* () {
        yield fieldsPart;
        yield Buffer.from(
          `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.csv"\r\ncontent-type: text/csv\r\n\r\n${HEADERS.monthly}\r\n`,
        );
        while (sent < total) {
          sent += chunk.length;
          yield chunk;
        }
        yield Buffer.from(`\r\n--${boundary}--\r\n`);
      })(),
    );
    const cookie = [...city.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const before = recorded();
    const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/imports',
      headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: stream,
    });
    const grown = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heapBefore;
    expect(sent).toBeGreaterThanOrEqual(total);
    expect(res.statusCode).toBe(422);
    expect(pageText(res.body)).toContain('ファイルが大きすぎます。10 MBまでのファイルにしてください');
    expect(pendingCount()).toBe(0);
    expect(recorded()).toEqual(before);
    // What stayed in memory is about the bound, not the upload.
    expect(grown).toBeLessThan(18 * 1024 * 1024);
  });
});

describe('the page gives the command line result (one implementation)', () => {
  it('the same counts and stored rows as importCsv with the CLI options, for a clean file and a bad one', async () => {
    const other = await createTestApp();
    try {
      await seedSmallCity(other.database);
      const cli = importCsv(other.database.db, 'monthly', MONTHLY, { userId: null });
      const { result } = await uploadAndImport(ctx.app, city, 'monthly', { name: 'a.csv', content: MONTHLY });
      expect(cli.ok).toBe(true);
      if (cli.ok) expect(pageText(result.body)).toContain(`新規 ${cli.counts.created} 件 更新 ${cli.counts.updated} 件 変更なし ${cli.counts.unchanged} 件`);
      const figures = (database: TestContext['database']) => storedFigures(database.sqlite);
      expect(figures(ctx.database)).toEqual(figures(other.database));
      expect(figures(ctx.database).length).toBeGreaterThan(0);

      const bad = csv([HEADERS.monthly, 'E01,2024-04,1.5,,,,,,,,', 'E01,2024-04,1,,,,,,,,', 'Z9,2024-06,1,,,,,,,,']);
      const cliBad = importCsv(other.database.db, 'monthly', bad, { userId: null, dryRun: true });
      const url = dryRunUrl(await uploadFile(ctx.app, city, 'monthly', { name: 'bad.csv', content: bad }));
      const text = pageText((await city.get(url)).body);
      expect(cliBad.ok).toBe(false);
      if (!cliBad.ok) {
        expect(cliBad.errors.length).toBe(2);
        for (const e of cliBad.errors) expect(text).toContain(`${e.line}行目 ${e.column} ${e.message}`);
      }
    } finally {
      await other.close();
    }
  });

  it('the command line itself (a separate process) stores exactly what the page stores from the same Shift_JIS file', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimamori-import-page-'));
    try {
      const text = [HEADERS.monthly, 'E01,2024-04,10,2,1,0,5,3,1,20,同行訪問①', 'E02,2024-04,8,,,,4,1,,,', 'W01,2024-05,7,1,,,3,,,,'].join('\r\n') + '\r\n';
      const file = join(dir, '月次.csv');
      writeFileSync(file, shiftJis(text));
      const databasePath = join(dir, 'cli.db');
      const seeded = await openDatabase(databasePath);
      await seedSmallCity(seeded);
      importCsv(seeded.db, 'monthly', csv([HEADERS.monthly, 'E01,2024-04,9,,,,,,,,']), { userId: null });
      seeded.sqlite.close();
      importCsv(ctx.database.db, 'monthly', csv([HEADERS.monthly, 'E01,2024-04,9,,,,,,,,']), { userId: null });

      const run = await runCli(['import', 'monthly', file], { databasePath });
      expect(run.code, run.stderr).toBe(0);
      const { result } = await uploadAndImport(ctx.app, city, 'monthly', { name: '月次.csv', content: shiftJis(text) });
      const counts = /新規 (\d+) 件、更新 (\d+) 件、変更なし (\d+) 件/.exec(run.stdout)!;
      expect(pageText(result.body)).toContain(`新規 ${counts[1]} 件 更新 ${counts[2]} 件 変更なし ${counts[3]} 件`);
      expect([counts[1], counts[2]]).toEqual(['2', '1']);

      const cliDb = await openDatabase(databasePath);
      try {
        const rows = (sqlite: typeof cliDb.sqlite) =>
          sqlite
            .prepare(
              'SELECT district_id, month, watched_elderly, watched_disability, welfare_cooperators, mutual_aid_cases, coordination_meetings, well_club_participants, note, version FROM monthly_reports ORDER BY 1, 2',
            )
            .all();
        expect(rows(ctx.database.sqlite)).toEqual(rows(cliDb.sqlite));
        const figures = storedFigures;
        expect(figures(ctx.database.sqlite)).toEqual(figures(cliDb.sqlite));
        // The same audit records, but the page's name the user and the command line's its operator.
        const audit = (sqlite: typeof cliDb.sqlite) =>
          sqlite
            .prepare(
              "SELECT action, entity, district_id, month, before, after, user_id IS NULL AS anonymous FROM audit_events WHERE entity = 'monthly_report' ORDER BY id",
            )
            .all() as { anonymous: number }[];
        const pageAudit = audit(ctx.database.sqlite);
        const cliAudit = audit(cliDb.sqlite);
        expect(pageAudit.map(({ anonymous: _a, ...rest }) => rest)).toEqual(cliAudit.map(({ anonymous: _a, ...rest }) => rest));
        expect(pageAudit.slice(1).every((a) => a.anonymous === 0)).toBe(true);
      } finally {
        cliDb.sqlite.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
