import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { createCaseStudy } from '../../src/caseStudies/repository.js';
import { allCaseStudies, escapeHtml, fieldError, inputValue, registerAudit, textareaValue } from './helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

const body = '見守り活動の中で、買い物に困っている方がいると分かりました。\n\n  そこで、福祉協力員が週に一度、\n一緒に買い物に出かけています。';

describe('case study register', () => {
  it('saves a case study with CRLF line ends as LF and shows it with its line breaks', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const form = await client.get('/districts/E01/case-studies/new');
    expect(inputValue(form.body, 'fiscal_year')).toMatch(/^令和\d+年度$/);
    const res = await client.post('/districts/E01/case-studies/new', {
      fiscal_year: 'Ｒ６',
      title: '買い物支援',
      body: body.replace(/\n/g, '\r\n'),
      version: '0',
    });
    expect(res.statusCode).toBe(303);
    const [row] = allCaseStudies(ctx.database);
    expect(row).toMatchObject({ districtId: ids.d1, fiscalYear: 2024, title: '買い物支援', body, version: 1 });
    const list = await client.get('/districts/E01/case-studies');
    expect(list.body).toContain('取組事例「買い物支援」を保存しました。');
    expect(list.body).toContain('令和6年度');
    const show = await client.get(`/districts/E01/case-studies/${row!.id}`);
    expect(show.statusCode).toBe(200);
    expect(show.body).toContain(`<div class="case-body">${escapeHtml(body)}</div>`);
    const edit = await client.get(`/districts/E01/case-studies/${row!.id}/edit`);
    expect(textareaValue(edit.body, 'body')).toBe(body);
  });

  it('keeps a body that starts with a line break through the edit form', async () => {
    const row = createCaseStudy(ctx.database.db, ids.d1, { fiscalYear: 2024, title: 't', body: '\n\n二行あけて始まる' }, null);
    const client = await signedIn(ctx.app, 'district-e01');
    const edit = await client.get(`/districts/E01/case-studies/${row.id}/edit`);
    expect(textareaValue(edit.body, 'body')).toBe('\n\n二行あけて始まる');
  });

  it('edits (one audit event with before and after) and deletes', async () => {
    const row = createCaseStudy(ctx.database.db, ids.d1, { fiscalYear: 2023, title: '元の題', body: '元の本文' }, null);
    const client = await signedIn(ctx.app, 'ward-east');
    const res = await client.post(`/districts/E01/case-studies/${row.id}/edit`, {
      fiscal_year: '令和6年度',
      title: '新しい題',
      body: '新しい本文',
      version: '1',
    });
    expect(res.statusCode).toBe(303);
    expect(allCaseStudies(ctx.database)[0]).toMatchObject({ fiscalYear: 2024, title: '新しい題', body: '新しい本文', version: 2 });
    const events = registerAudit(ctx.database, 'case_study');
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ action: 'update', districtId: ids.d1 });
    expect(JSON.parse(events[1]!.before!)).toMatchObject({ title: '元の題', body: '元の本文', fiscalYear: 2023 });
    expect(JSON.parse(events[1]!.after!)).toMatchObject({ title: '新しい題', body: '新しい本文', fiscalYear: 2024 });
    expect((await client.post(`/districts/E01/case-studies/${row.id}/delete`, { confirmed: '1', version: '2' })).statusCode).toBe(303);
    expect(allCaseStudies(ctx.database)).toEqual([]);
    expect(registerAudit(ctx.database, 'case_study').map((e) => e.action)).toEqual(['create', 'update', 'delete']);
  });

  it('refuses a missing title, a too-long body and a bad year with 422, keeping every character typed', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const longBody = `${'長い本文。\n'.repeat(3334)}`; // 20,004 characters
    const res = await client.post('/districts/E01/case-studies/new', { fiscal_year: '来年度', title: '  ', body: longBody, version: '0' });
    expect(res.statusCode).toBe(422);
    expect(fieldError(res.body, 'title')).toBe('題名を入力してください。');
    expect(fieldError(res.body, 'body')).toContain('20,000文字以内');
    expect(fieldError(res.body, 'fiscal_year')).toContain('のように入力してください');
    expect(textareaValue(res.body, 'body')).toBe(longBody);
    expect(inputValue(res.body, 'fiscal_year')).toBe('来年度');
    expect(allCaseStudies(ctx.database)).toEqual([]);
    expect(registerAudit(ctx.database, 'case_study')).toEqual([]);
  });

  it('refuses a stale edit with 409, shows both texts, keeps the typed body and the stored row', async () => {
    const row = createCaseStudy(ctx.database.db, ids.d1, { fiscalYear: 2024, title: '題', body: '最初の本文' }, null);
    const a = await signedIn(ctx.app, 'district-e01');
    const b = await signedIn(ctx.app, 'ward-east');
    expect((await a.post(`/districts/E01/case-studies/${row.id}/edit`, { fiscal_year: 'R6', title: '題', body: 'Aさんの本文', version: '1' })).statusCode).toBe(
      303,
    );
    const stale = await b.post(`/districts/E01/case-studies/${row.id}/edit`, { fiscal_year: 'R6', title: '題', body: 'Bさんの\n本文', version: '1' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Aさんの本文');
    expect(textareaValue(stale.body, 'body')).toBe('Bさんの\n本文');
    expect(inputValue(stale.body, 'version')).toBe('2');
    expect(allCaseStudies(ctx.database)[0]).toMatchObject({ body: 'Aさんの本文', version: 2 });
    expect(registerAudit(ctx.database, 'case_study')).toHaveLength(2);
  });
});
