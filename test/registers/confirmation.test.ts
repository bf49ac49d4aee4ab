import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { agendaSheets, caseStudies, closedFiscalYears, monthlyReports, plans, salons, users } from '../../src/db/schema.js';
import { createSalon } from '../../src/salons/repository.js';
import { createAgendaSheet } from '../../src/agendas/repository.js';
import { defaultTable } from '../../src/agendas/content.js';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { formFields, monthsAgo, storeReport, typicalValues } from '../monthlyReports/helpers.js';

/*
 * Issue 12, finding 6: a destructive or irreversible POST without `confirmed=1`
 * changes nothing and answers with the confirmation page (a red button that
 * posts confirmed=1, and 「やめて戻る」).
 */
describe('destructive actions need the confirmation page', () => {
  let ctx: TestContext;
  let ids: Awaited<ReturnType<typeof seedSmallCity>>;

  beforeEach(async () => {
    ctx = await createTestApp();
    ids = await seedSmallCity(ctx.database);
  });
  afterEach(async () => ctx.close());

  function expectConfirmationPage(body: string, button: string) {
    expect(body).toContain('name="confirmed" value="1"');
    expect(body).toMatch(new RegExp(`<button type="submit" class="warning">${button}</button>`));
    expect(body).toContain('>やめて戻る</a>');
  }

  it('salons, plans and case studies', async () => {
    const { db } = ctx.database;
    const salon = createSalon(db, ids.d1, { name: 'サロン', venue: '', openedOn: '2024-04-01', closedOn: null, subsidyApplied: false }, null);
    const client = await signedIn(ctx.app, 'district-e01');
    await client.post('/districts/E01/plans/new', { generation: '1', formulated_fy: '2024', first_fy: '2024', last_fy: '2028' });
    await client.post('/districts/E01/case-studies/new', { fiscal_year: '2024', title: '事例', body: '本文' });
    const plan = db.select().from(plans).get()!;
    const study = db.select().from(caseStudies).get()!;
    for (const [url, button, left] of [
      [`/districts/E01/salons/${salon.id}/delete`, '削除する', () => db.select().from(salons).all().length],
      [`/districts/E01/plans/${plan.id}/delete`, '削除する', () => db.select().from(plans).all().length],
      [`/districts/E01/case-studies/${study.id}/delete`, '削除する', () => db.select().from(caseStudies).all().length],
    ] as const) {
      const asked = await client.post(url, { version: '1' });
      expect(asked.statusCode, url).toBe(200);
      expectConfirmationPage(asked.body, button);
      expect(asked.body, url).toContain('name="version" value="1"');
      expect(left(), url).toBe(1);
      const done = await client.post(url, { version: '1', confirmed: '1' });
      expect(done.statusCode, url).toBe(303);
      expect(left(), url).toBe(0);
    }
  });

  it('closing and reopening a year, suspending a user, finalising and deleting a sheet', async () => {
    const { db } = ctx.database;
    const city = await signedIn(ctx.app, 'city');
    const asked = await city.post('/fiscal-years/2023/close');
    expectConfirmationPage(asked.body, '年度確定する');
    expect(db.select().from(closedFiscalYears).all()).toHaveLength(0);
    await city.post('/fiscal-years/2023/close', { confirmed: '1' });
    expectConfirmationPage((await city.post('/fiscal-years/2023/reopen')).body, '年度確定を取り消す');
    expect(db.select().from(closedFiscalYears).all()).toHaveLength(1);

    const target = db.select().from(users).where(eq(users.login, 'ward-west')).get()!;
    expectConfirmationPage((await city.post(`/users/${target.id}/disable`)).body, '停止する');
    expect(db.select().from(users).where(eq(users.id, target.id)).get()!.disabled).toBe(false);

    const sheet = createAgendaSheet(
      db,
      { heading: 'シート', subheading: '', fromFy: 2019, toFy: 2023, content: { tables: [defaultTable('items')], sections: [] } },
      null,
    );
    const finalize = await city.post(`/agendas/${sheet.id}/finalize`, { version: String(sheet.version) });
    expectConfirmationPage(finalize.body, '確定する');
    expect(finalize.body).toContain(`name="version" value="${sheet.version}"`);
    expectConfirmationPage((await city.post(`/agendas/${sheet.id}/delete`, { version: String(sheet.version) })).body, '削除する');
    const row = db.select().from(agendaSheets).where(eq(agendaSheets.id, sheet.id)).get()!;
    expect(row.finalizedAt).toBeNull();
  });
});

describe('blank saves of the monthly form (issue 12, finding 3)', () => {
  let ctx: TestContext;
  let ids: Awaited<ReturnType<typeof seedSmallCity>>;
  beforeEach(async () => {
    ctx = await createTestApp();
    ids = await seedSmallCity(ctx.database);
  });
  afterEach(async () => ctx.close());

  it('a month never reported stays 未報告 and nothing is written', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const month = monthsAgo(2);
    const res = await client.post(`/districts/E01/reports/${month}`, formFields());
    expect(res.statusCode).toBe(303);
    const year = await client.get(res.headers.location as string);
    expect(year.body).toContain('空欄のため未報告のままです');
    expect(year.body).not.toContain('保存しました');
    expect(ctx.database.db.select().from(monthlyReports).all()).toHaveLength(0);
  });

  it('clearing a saved month asks first, then clears it', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const month = monthsAgo(2);
    storeReport(ctx.database, ids.d1, month, typicalValues());
    const asked = await client.post(`/districts/E01/reports/${month}`, formFields({}, '1'));
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('保存されている値をすべて消しますか');
    expect(asked.body).toContain('name="confirm_clear" value="1"');
    expect(ctx.database.db.select().from(monthlyReports).get()!.watchedElderly).toBe(1000);
    const cleared = await client.post(`/districts/E01/reports/${month}`, formFields({ confirm_clear: '1' }, '1'));
    expect(cleared.statusCode).toBe(303);
    expect(ctx.database.db.select().from(monthlyReports).get()?.watchedElderly ?? null).toBeNull();
  });
});

describe('the title of every 422 page starts with エラー： (issue 12, finding 4)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
  });
  afterEach(async () => ctx.close());

  it('on register, monthly and admin forms, and not on a page that is fine', async () => {
    const district = await signedIn(ctx.app, 'district-e01');
    const city = await signedIn(ctx.app, 'city');
    const title = (body: string) => /<title>([^<]*)<\/title>/.exec(body)?.[1] ?? '';
    for (const [client, url, fields] of [
      [district, '/districts/E01/salons/new', { name: '', opened_on: '' }],
      [district, '/districts/E01/case-studies/new', { fiscal_year: '', title: '', body: '' }],
      [district, `/districts/E01/reports/${monthsAgo(1)}`, formFields({ watched_elderly: 'たくさん' })],
      [city, '/users/new', { login: '', display_name: '', role: 'city', password: '', password_confirm: '' }],
    ] as const) {
      const res = await client.post(url, fields);
      expect(res.statusCode, url).toBe(422);
      expect(title(res.body), url).toMatch(/^エラー：/);
    }
    expect(title((await district.get('/districts/E01/salons/new')).body)).not.toMatch(/^エラー/);
  });
});
