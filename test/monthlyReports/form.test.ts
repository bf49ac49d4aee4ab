import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { addMonths, currentMonth, fiscalYearOfMonth, monthLabelLong } from '../../src/domain/fiscalYear.js';
import { closeFiscalYear } from '../../src/fiscalYears/repository.js';
import { COUNT_MESSAGES } from '../../src/domain/numbers.js';
import { normaliseText } from '../../src/domain/text.js';
import { fieldBlock, formFields, monthlyAuditCount, monthlyAuditEvents, monthsAgo, report, reportCount, storeReport, typicalValues } from './helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

const month = monthsAgo(1);
const url = (code: string, m = month) => `/districts/${code}/reports/${m}`;

describe('monthly form: who may read and write', () => {
  it('sends anonymous visitors to the sign-in page and writes nothing', async () => {
    const anon = new Client(ctx.app);
    const get = await anon.get(url('E01'));
    expect(get.statusCode).toBe(303);
    expect(get.headers.location).toBe(`/login?next=${encodeURIComponent(url('E01'))}`);
    const post = await anon.post(url('E01'), formFields({ watched_elderly: '5' }));
    expect(post.statusCode).toBe(303);
    expect(reportCount(ctx.database)).toBe(0);
  });

  it('lets a district user open and save its own district, then shows the confirmation on the year view', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const form = await client.get(url('E01'));
    expect(form.statusCode).toBe(200);
    for (const name of [
      'watched_elderly',
      'watched_disability',
      'watched_single_parent',
      'watched_other',
      'welfare_cooperators',
      'mutual_aid_cases',
      'coordination_meetings',
      'well_club_participants',
    ]) {
      expect(form.body).toContain(`name="${name}"`);
    }
    expect(form.body).toContain('name="note"');
    expect(form.body).toContain('name="version" value="0"');
    expect(form.body).toContain('data-sum="watched_elderly watched_disability watched_single_parent watched_other"');

    const res = await client.post(url('E01'), formFields({ watched_elderly: '120', mutual_aid_cases: '7' }));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/districts/E01/years/${fiscalYearOfMonth(month)}`);
    const saved = report(ctx.database, ids.d1, month)!;
    expect(saved.watchedElderly).toBe(120);
    expect(saved.mutualAidCases).toBe(7);
    expect(saved.correctedByWard).toBe(false);
    const year = await client.get(res.headers.location as string);
    expect(year.body).toContain(`${monthLabelLong(month)}の報告を保存しました。`);
  });

  it('refuses a district user on another district (403) and writes nothing', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    expect((await client.get(url('E02'))).statusCode).toBe(403);
    expect((await client.get(url('W01'))).statusCode).toBe(403);
    const post = await client.post(url('W01'), formFields({ watched_elderly: '5' }));
    expect(post.statusCode).toBe(403);
    expect(reportCount(ctx.database)).toBe(0);
    expect(monthlyAuditCount(ctx.database)).toBe(0);
  });

  it('lets ward staff correct their own ward’s districts (marked) but not another ward’s', async () => {
    const east = await signedIn(ctx.app, 'ward-east');
    expect((await east.get(url('E02'))).statusCode).toBe(200);
    const res = await east.post(url('E02'), formFields({ welfare_cooperators: '33' }));
    expect(res.statusCode).toBe(303);
    expect(report(ctx.database, ids.d2, month)!.correctedByWard).toBe(true);
    expect(monthlyAuditEvents(ctx.database, ids.d2, month)[0]!.detail).toBe('corrected_by_ward');
    const year = await east.get(res.headers.location as string);
    expect(year.body).toContain('区社協が修正');
    expect((await east.get(url('E02'))).body).toContain('区社協が修正');

    expect((await east.get(url('W01'))).statusCode).toBe(403);
    expect((await east.post(url('W01'), formFields({ welfare_cooperators: '1' }))).statusCode).toBe(403);
    expect(report(ctx.database, ids.d3, month)).toBeUndefined();
  });

  it('lets city staff edit any district without marking it a ward correction', async () => {
    const city = await signedIn(ctx.app, 'city');
    const res = await city.post(url('W01'), formFields({ mutual_aid_cases: '4' }));
    expect(res.statusCode).toBe(303);
    const saved = report(ctx.database, ids.d3, month)!;
    expect(saved.mutualAidCases).toBe(4);
    expect(saved.correctedByWard).toBe(false);
  });

  it('gives a clean 404 for malformed months, years and unknown districts', async () => {
    const client = await signedIn(ctx.app, 'city');
    for (const path of [
      '/districts/E01/reports/2024-13',
      '/districts/E01/reports/2024-4',
      '/districts/E01/reports/abc',
      '/districts/E01/years/abc',
      '/districts/E01/years/H99',
      '/districts/ZZZ/reports/2024-04',
      '/districts/ZZZ/years/2024',
    ]) {
      const res = await client.get(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.body).toContain('見つかりません');
    }
    expect((await client.post('/districts/E01/reports/2024-13', formFields())).statusCode).toBe(404);
  });

  it('rejects a post without a readable version with a 4xx page, writing nothing', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post(url('E01'), { watched_elderly: '5', version: 'x' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('読み取れませんでした');
    expect(reportCount(ctx.database)).toBe(0);
  });
});

describe('monthly form: what people type', () => {
  it('saves full-width digits and commas as numbers and keeps blanks as not reported', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post(
      url('E01'),
      formFields({
        watched_elderly: '１２５，４０７',
        watched_disability: '1,234',
        watched_single_parent: ' ４２ ',
        watched_other: '0',
        welfare_cooperators: '',
      }),
    );
    expect(res.statusCode).toBe(303);
    const saved = report(ctx.database, ids.d1, month)!;
    expect(saved.watchedElderly).toBe(125407);
    expect(saved.watchedDisability).toBe(1234);
    expect(saved.watchedSingleParent).toBe(42);
    expect(saved.watchedOther).toBe(0);
    expect(saved.welfareCooperators).toBeNull();
    expect(saved.mutualAidCases).toBeNull();
  });

  const bad: [string, string, string][] = [
    ['negative', '-5', COUNT_MESSAGES.negative],
    ['full-width negative', '－５', COUNT_MESSAGES.negative],
    ['decimal', '12.5', COUNT_MESSAGES.decimal],
    ['text', 'たくさん', COUNT_MESSAGES.notNumber],
    ['huge', '99999999999', COUNT_MESSAGES.tooLarge(9_999_999)],
  ];
  for (const [what, typed, message] of bad) {
    it(`refuses a ${what} count with 422, the message beside the field, and every typed value kept`, async () => {
      storeReport(ctx.database, ids.d1, month);
      const before = report(ctx.database, ids.d1, month)!;
      const rows = reportCount(ctx.database);
      const audits = monthlyAuditCount(ctx.database);
      const client = await signedIn(ctx.app, 'district-e01');
      const res = await client.post(
        url('E01'),
        formFields({ watched_elderly: '１２３', mutual_aid_cases: typed, note: 'メモ "です"' }, String(before.version)),
      );
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('error-summary');
      const block = fieldBlock(res.body, 'mutual_aid_cases');
      expect(block).toContain(message.replace(/"/g, '&quot;'));
      expect(block).toContain('aria-invalid="true"');
      expect(fieldBlock(res.body, 'watched_elderly')).toContain('value="１２３"');
      expect(fieldBlock(res.body, 'watched_elderly')).not.toContain('field-error');
      expect(res.body).toContain('メモ &quot;です&quot;</textarea>');
      expect(report(ctx.database, ids.d1, month)).toEqual(before);
      expect(reportCount(ctx.database)).toBe(rows);
      expect(monthlyAuditCount(ctx.database)).toBe(audits);
    });
  }

  it('shows a message beside every wrong field at once', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post(url('E01'), formFields({ watched_elderly: 'abc', well_club_participants: '1.5' }));
    expect(res.statusCode).toBe(422);
    expect(fieldBlock(res.body, 'watched_elderly')).toContain(COUNT_MESSAGES.notNumber);
    expect(fieldBlock(res.body, 'well_club_participants')).toContain(COUNT_MESSAGES.decimal);
    expect(fieldBlock(res.body, 'mutual_aid_cases')).not.toContain('field-error');
    expect(reportCount(ctx.database)).toBe(0);
  });

  it('keeps the note exactly as typed (only CRLF becomes LF) and escapes it in the page', async () => {
    const note = '\n<script>alert(1)</script> 見守り😀 "quoted" \'single\' & <b>bold</b>\r\n二行目\t  ';
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post(url('E01'), formFields({ watched_elderly: '1', note }));
    expect(res.statusCode).toBe(303);
    expect(report(ctx.database, ids.d1, month)!.note).toBe(note.replace('\r\n', '\n'));
    const page = await client.get(url('E01'));
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).not.toContain('<b>bold</b>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The textarea starts with one sacrificial newline, so a note's own leading newline survives a round trip.
    expect(page.body).toContain('>\n\n&lt;script&gt;');
  });

  it('round-trips naughty strings in the note (as normalised: NFC), or refuses control and direction-override characters; never a 5xx', async () => {
    const naughty = [
      'undefined',
      'null',
      '0',
      '-1.00',
      '１２３',
      '<img src=x onerror=alert(1)>',
      '"><script>alert(document.cookie)</script>',
      "'; DROP TABLE monthly_reports; --",
      '${7*7} {{7*7}} <%= 7*7 %>',
      '田中さんにあげて下さい',
      '社會科學院語學研究所',
      'ﾊﾟｰﾃｨｰへ行かないか',
      '𠜎𠜱𠝹𠱓',
      'Ṱ̺̺̕o͞ ̷i̲̬͇̪͙n̝̗͕v̟̜̘̦͟o̶̙̰̠kè͚̮̺̪̹̱̤ ̖t̝͕̳̣̻̪͞h̼͓̲̦̳̘̲e͇̣̰̦̬͎ ̢̼̻̱̘h͚͎͙̜̣̲ͅi̦̲̣̰̤v̻͍e̺̭̳̪̰-m̢iͅn̖̺̞̲̯̰d̵̼̟͙̩̼̘̳',
      '‪‪test‪',
      'ثم نفس سقطت وبالتحديد',
      '\u0000\u0001\u001f',
      '\u200b\ufeff\u2028\u2029',
      '👨‍👩‍👧‍👦 🏳️‍🌈 1️⃣',
      '../../../../etc/passwd%00',
      '%s%s%s%n',
    ];
    const client = await signedIn(ctx.app, 'district-e01');
    let version = 0;
    let refused = 0;
    for (const note of naughty) {
      const res = await client.post(url('E01'), formFields({ watched_elderly: '1', note }, String(version)));
      const normalised = normaliseText(note, 'multiline');
      if (!normalised.ok) {
        refused++;
        expect(res.statusCode, JSON.stringify(note)).toBe(422);
        expect(res.body).toContain(`備考に${normalised.message}`);
        continue;
      }
      expect(res.statusCode, JSON.stringify(note)).toBe(303);
      const saved = report(ctx.database, ids.d1, month)!;
      expect(saved.note, JSON.stringify(note)).toBe(normalised.value);
      version = saved.version;
      const page = await client.get(url('E01'));
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('<img src=x');
    }
    expect(refused).toBe(2); // the C0 controls and the embedding marks
  });

  it('refuses a note longer than 2,000 characters and keeps it in the form', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post(url('E01'), formFields({ watched_elderly: '1', note: '😀'.repeat(2001) }));
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('備考は2,000文字以内で入力してください');
    expect(res.body).toContain('😀'.repeat(2001));
    expect(reportCount(ctx.database)).toBe(0);
    const ok = await client.post(url('E01'), formFields({ watched_elderly: '1', note: '😀'.repeat(2000) }));
    expect(ok.statusCode).toBe(303);
  });

  it('shows last month and the same month last year beside each field', async () => {
    storeReport(ctx.database, ids.d1, addMonths(month, -1), typicalValues({ watched_elderly: 1234 }));
    storeReport(ctx.database, ids.d1, addMonths(month, -12), typicalValues({ watched_elderly: 1200, mutual_aid_cases: null }));
    const client = await signedIn(ctx.app, 'district-e01');
    const page = await client.get(url('E01'));
    expect(fieldBlock(page.body, 'watched_elderly')).toContain('先月 1,234 / 前年同月 1,200');
    expect(fieldBlock(page.body, 'mutual_aid_cases')).toContain('先月 200 / 前年同月 未報告');
    // watched total of last month: 1234 + 50 + 40 + 30
    expect(page.body).toContain('先月 1,354 / 前年同月 1,320');
  });

  it('adds up the watched households without JavaScript when the form is shown again', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post(url('E01'), formFields({ watched_elderly: '１,０００', watched_other: '25', mutual_aid_cases: 'x' }));
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/<output id="watched-total"[^>]*>1,025<\/output>/);
  });
});

describe('monthly form: months that cannot be entered', () => {
  it('refuses months after the current one with a clear message', async () => {
    const future = addMonths(currentMonth(), 1);
    const client = await signedIn(ctx.app, 'district-e01');
    const page = await client.get(url('E01', future));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('まだ始まっていないため、入力できません');
    expect(page.body).not.toContain('name="watched_elderly"');
    const res = await client.post(url('E01', future), formFields({ watched_elderly: '1' }));
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('まだ始まっていないため、入力できません');
    expect(reportCount(ctx.database)).toBe(0);
  });

  it('accepts the current month', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post(url('E01', currentMonth()), formFields({ watched_elderly: '1' }));
    expect(res.statusCode).toBe(303);
  });

  it('shows a closed year read-only and refuses saving it with 409, writing nothing', async () => {
    storeReport(ctx.database, ids.d1, month, typicalValues({ note: '確定前のメモ' }));
    const cityId = 1;
    closeFiscalYear(ctx.database.db, fiscalYearOfMonth(month), cityId);
    const before = report(ctx.database, ids.d1, month)!;
    const audits = monthlyAuditCount(ctx.database);
    const client = await signedIn(ctx.app, 'district-e01');
    const page = await client.get(url('E01'));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('年度確定済み');
    expect(page.body).not.toContain('name="watched_elderly"');
    expect(page.body).toContain('確定前のメモ');
    const res = await client.post(url('E01'), formFields({ watched_elderly: '5' }, String(before.version)));
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('年度確定済み');
    expect(report(ctx.database, ids.d1, month)).toEqual(before);
    expect(monthlyAuditCount(ctx.database)).toBe(audits);
    const year = await client.get(`/districts/E01/years/${fiscalYearOfMonth(month)}`);
    expect(year.body).toContain('年度確定済み');
  });
});

describe('monthly form: audit', () => {
  it('writes exactly one audit event per save, with the right before and after', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    await client.post(url('E01'), formFields({ watched_elderly: '10', note: 'a' }));
    let events = monthlyAuditEvents(ctx.database, ids.d1, month);
    expect(events).toHaveLength(1);
    expect(events[0]!.action).toBe('create');
    expect(events[0]!.before).toBeNull();
    expect(JSON.parse(events[0]!.after!)).toMatchObject({ watched_elderly: 10, watched_other: null, note: 'a' });

    await client.post(url('E01'), formFields({ watched_elderly: '11', mutual_aid_cases: '3', note: 'a' }, '1'));
    events = monthlyAuditEvents(ctx.database, ids.d1, month);
    expect(events).toHaveLength(2);
    const update = events.find((e) => e.action === 'update')!;
    expect(JSON.parse(update.before!)).toMatchObject({ watched_elderly: 10, mutual_aid_cases: null });
    expect(JSON.parse(update.after!)).toMatchObject({ watched_elderly: 11, mutual_aid_cases: 3 });
    expect(update.userId).not.toBeNull();

    // Saving the same values again changes nothing and records nothing.
    const same = await client.post(url('E01'), formFields({ watched_elderly: '11', mutual_aid_cases: '3', note: 'a' }, '2'));
    expect(same.statusCode).toBe(303);
    expect(monthlyAuditEvents(ctx.database, ids.d1, month)).toHaveLength(2);
  });
});
