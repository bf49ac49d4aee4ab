import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { agendaSheets, pendingForms, publishedFigures, sessions, users } from '../../src/db/schema.js';
import { createAgendaSheet, getAgendaSheet } from '../../src/agendas/repository.js';
import { defaultContent } from '../../src/agendas/content.js';
import { createSalon, getSalon } from '../../src/salons/repository.js';
import { getSettings } from '../../src/db/settings.js';
import { getMonthlyReport } from '../../src/monthlyReports/repository.js';
import { TIMEOUT_MESSAGE, RESUMED_MESSAGE } from '../../src/auth/pendingForms.js';
import { Client, createTestApp, seedSmallCity, signedIn, TEST_PASSWORD, type TestContext } from '../support/app.js';
import { formFields, monthsAgo } from '../monthlyReports/helpers.js';

/*
 * DESIGN §7 "Timeouts lose nothing" (issue 12, finding 1): a form posted after
 * the session ended is kept for the user who typed it; signing in again as that
 * user brings the form back with the values and a message. Nothing is saved.
 */
describe('a form posted after the session ended', () => {
  let ctx: TestContext;
  let ids: Awaited<ReturnType<typeof seedSmallCity>>;
  const month = monthsAgo(1);
  const formUrl = `/districts/E01/reports/${month}`;

  beforeEach(async () => {
    ctx = await createTestApp();
    ids = await seedSmallCity(ctx.database);
  });
  afterEach(async () => ctx.close());

  /** Signs in, opens the form, then loses the session (as after the idle timeout) and posts it. */
  async function postAfterTimeout(client: Client, fields: Record<string, string>) {
    await client.get(formUrl);
    ctx.database.db.delete(sessions).run();
    return client.post(formUrl, formFields(fields));
  }

  function resumeIdOf(location: string): string {
    const url = new URL(location, 'http://x.invalid');
    expect(url.pathname).toBe('/login');
    expect(url.searchParams.get('next')).toBe(formUrl);
    const id = url.searchParams.get('resume');
    expect(id).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    return id!;
  }

  it('sends the user to sign in with a message, then back to the form with the values; nothing is saved meanwhile', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const posted = await postAfterTimeout(client, { watched_elderly: '１２５', mutual_aid_cases: '7', note: '長い備考：サロンの見学会を行いました。' });
    expect(posted.statusCode).toBe(303);
    const location = posted.headers.location as string;
    const id = resumeIdOf(location);
    expect(getMonthlyReport(ctx.database.db, ids.d1, month)).toBeUndefined();

    // The CSRF token of the lost session is not kept, nor anything but the form's own fields.
    const row = ctx.database.db.select().from(pendingForms).where(eq(pendingForms.id, id)).get()!;
    expect(row.path).toBe(formUrl);
    expect(JSON.parse(row.body)).not.toHaveProperty('_csrf');
    expect(JSON.parse(row.body)).toMatchObject({ watched_elderly: '１２５' });

    const loginPage = await client.get(location);
    expect(loginPage.statusCode).toBe(200);
    expect(loginPage.body).toContain(TIMEOUT_MESSAGE);
    expect(loginPage.body).toContain(`name="resume" value="${id}"`);

    const signIn = await client.post('/login', { login: 'district-e01', password: TEST_PASSWORD, next: formUrl, resume: id });
    expect(signIn.statusCode).toBe(303);
    expect(signIn.headers.location).toBe(`${formUrl}?resume=${id}`);

    const form = await client.get(signIn.headers.location as string);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(RESUMED_MESSAGE);
    expect(form.body).toMatch(/id="watched_elderly"[^>]*value="１２５"/);
    expect(form.body).toMatch(/id="mutual_aid_cases"[^>]*value="7"/);
    expect(form.body).toContain('長い備考：サロンの見学会を行いました。');
    expect(getMonthlyReport(ctx.database.db, ids.d1, month)).toBeUndefined();

    // Saving it now works as any save does.
    const saved = await client.post(formUrl, formFields({ watched_elderly: '125', mutual_aid_cases: '7' }));
    expect(saved.statusCode).toBe(303);
    expect(getMonthlyReport(ctx.database.db, ids.d1, month)?.watchedElderly).toBe(125);
  });

  it('never shows the values to a different user who signs in on the same browser', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const posted = await postAfterTimeout(client, { watched_elderly: '999', note: 'ひみつの備考' });
    const id = resumeIdOf(posted.headers.location as string);

    await client.get(posted.headers.location as string);
    const other = await client.post('/login', { login: 'ward-east', password: TEST_PASSWORD, next: formUrl, resume: id });
    expect(other.statusCode).toBe(303);
    expect(other.headers.location).toBe(formUrl);
    const page = await client.get(`${formUrl}?resume=${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('ひみつの備考');
    expect(page.body).not.toContain(RESUMED_MESSAGE);
    expect(page.body).not.toMatch(/value="999"/);
  });

  it('keeps nothing when the browser carries no sign-in cookie, but still returns to the form after signing in', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    client.cookies.delete('mimamori-who');
    const posted = await postAfterTimeout(client, { watched_elderly: '10' });
    expect(posted.statusCode).toBe(303);
    const url = new URL(posted.headers.location as string, 'http://x.invalid');
    expect(url.searchParams.get('next')).toBe(formUrl);
    expect(url.searchParams.get('resume')).toBeNull();
    expect(ctx.database.db.select().from(pendingForms).all()).toHaveLength(0);
    await client.get(posted.headers.location as string);
    const signIn = await client.post('/login', { login: 'district-e01', password: TEST_PASSWORD, next: formUrl });
    expect(signIn.headers.location).toBe(formUrl);
  });

  it('does not keep passwords', async () => {
    const client = await signedIn(ctx.app, 'city');
    await client.get('/account/password');
    ctx.database.db.delete(sessions).run();
    const posted = await client.post('/account/password', { current_password: 'secret-1', new_password: 'secret-2', confirm_password: 'secret-2' });
    expect(posted.statusCode).toBe(303);
    for (const row of ctx.database.db.select().from(pendingForms).all()) expect(row.body).not.toContain('secret-');
  });
});

/*
 * Every other form with typing to lose (issue 12): agenda editor, new user,
 * settings, published figures, closing a salon. Each is posted after the
 * session ended; signing in again brings back the form with the values and the
 * message, and nothing is saved meanwhile.
 */
describe('every form comes back after signing in again', () => {
  let ctx: TestContext;
  let ids: Awaited<ReturnType<typeof seedSmallCity>>;

  beforeEach(async () => {
    ctx = await createTestApp();
    ids = await seedSmallCity(ctx.database);
  });
  afterEach(async () => ctx.close());

  /**
   * Opens `pageUrl` as `login`, loses the session, posts `fields` (plus any the
   * page's `extra` callback reads from the page) to `postUrl`, signs in again
   * and returns the page the user lands on.
   */
  async function postThenResume(
    login: string,
    pageUrl: string,
    postUrl: string,
    fields: Record<string, string | string[]>,
    extra?: (html: string) => Record<string, string>,
  ) {
    const client = await signedIn(ctx.app, login);
    const page = await client.get(pageUrl);
    expect(page.statusCode).toBe(200);
    ctx.database.db.delete(sessions).run();
    const posted = await client.post(postUrl, { ...fields, ...(extra ? extra(page.body) : {}) });
    expect(posted.statusCode).toBe(303);
    const location = new URL(posted.headers.location as string, 'http://x.invalid');
    expect(location.pathname).toBe('/login');
    const id = location.searchParams.get('resume');
    expect(id).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const loginPage = await client.get(`${location.pathname}${location.search}`);
    expect(loginPage.body).toContain(TIMEOUT_MESSAGE);
    const signIn = await client.post('/login', { login, password: TEST_PASSWORD, next: location.searchParams.get('next')!, resume: id! });
    expect(signIn.statusCode).toBe(303);
    let back = await client.get(signIn.headers.location as string);
    if (back.statusCode === 303) back = await client.get(back.headers.location as string);
    expect(back.statusCode).toBe(200);
    expect(back.body).toContain(RESUMED_MESSAGE);
    return back;
  }

  it('agenda editor (new sheet): the typed heading and section text come back', async () => {
    const before = ctx.database.db.select().from(agendaSheets).all().length;
    const back = await postThenResume('city', '/agendas/new', '/agendas/new', {
      heading: '議題（２）見守りの広がり',
      subheading: '副題：令和の取組',
      op: 'save',
    });
    expect(back.body).toContain('value="議題（２）見守りの広がり"');
    expect(back.body).toContain('副題：令和の取組');
    expect(ctx.database.db.select().from(agendaSheets).all()).toHaveLength(before);
  });

  it('agenda editor (existing sheet): typed changes come back on the same sheet, not saved', async () => {
    const sheet = createAgendaSheet(
      ctx.database.db,
      { heading: '保存済みの見出し', subheading: '', fromFy: 2020, toFy: 2024, content: defaultContent() },
      null,
    );
    const url = `/agendas/${sheet.id}/edit`;
    const back = await postThenResume('city', url, url, { heading: '書きかけの見出し', subheading: '', version: String(sheet.version), op: 'save' });
    expect(back.body).toContain('value="書きかけの見出し"');
    expect(back.body).toContain(`action="${url}"`);
    expect(getAgendaSheet(ctx.database.db, sheet.id).heading).toBe('保存済みの見出し');
  });

  it('new user: everything but the passwords comes back', async () => {
    const back = await postThenResume('city', '/users/new', '/users/new', {
      login: 'nishi-ku02',
      display_name: '西区社協 田中',
      role: 'ward',
      ward_id: String(ids.wardB),
      district_id: '',
      password: 'never-kept-secret',
      password_confirm: 'never-kept-secret',
    });
    expect(back.body).toMatch(/id="login"[^>]*value="nishi-ku02"/);
    expect(back.body).toContain('value="西区社協 田中"');
    expect(back.body).toMatch(/value="ward" checked/);
    expect(back.body).toMatch(new RegExp(`value="${ids.wardB}" selected`));
    expect(back.body).toContain('パスワードは残していないため');
    expect(back.body).not.toContain('never-kept-secret');
    for (const row of ctx.database.db.select().from(pendingForms).all()) expect(row.body).not.toContain('never-kept-secret');
    expect(ctx.database.db.select().from(users).where(eq(users.login, 'nishi-ku02')).get()).toBeUndefined();
  });

  it('settings: the typed values come back in place of the stored ones, not saved', async () => {
    const back = await postThenResume('city', '/settings', '/settings', {
      reportDueDay: '１５',
      regularMeetingMonths: '7',
      plausibilityFactor: '2.5',
      plausibilityMonths: '12',
    });
    expect(back.body).toMatch(/id="reportDueDay"[^>]*value="１５"/);
    expect(back.body).toMatch(/id="plausibilityFactor"[^>]*value="2.5"/);
    expect(getSettings(ctx.database.db).reportDueDay).toBe(10);
  });

  it('published figure: back on the same cell with the typed value, not saved', async () => {
    const url = '/published-figures/edit?item=1&fy=2023&scope=city';
    const back = await postThenResume('city', url, url, { kind: 'value', value: '１２５,４０７', note: '', action: 'save' }, (html) => ({
      expected: /name="expected" value="([^"]*)"/.exec(html)![1]!,
      cell: /name="cell" value="([^"]*)"/.exec(html)![1]!.replace(/&amp;/g, '&'),
    }));
    expect(back.body).toContain('令和5年度（2023年度）');
    expect(back.body).toMatch(/id="value"[^>]*value="１２５,４０７"/);
    expect(back.body).toMatch(/value="value" checked/);
    expect(ctx.database.db.select().from(publishedFigures).all()).toHaveLength(0);
  });

  it('closing a salon: the typed closing date comes back, not saved', async () => {
    const salon = createSalon(
      ctx.database.db,
      ids.d1,
      { name: '東一いきいきサロン', venue: '', openedOn: '2019-06-01', closedOn: null, subsidyApplied: false },
      null,
    );
    const url = `/districts/E01/salons/${salon.id}/close`;
    const back = await postThenResume('district-e01', url, url, { closed_on: 'R7.3.31', version: String(salon.version) });
    expect(back.body).toMatch(/id="closed_on"[^>]*value="R7.3.31"/);
    expect(back.body).toContain(`name="version" value="${salon.version}"`);
    expect(getSalon(ctx.database.db, salon.id)?.closedOn).toBeNull();
  });
});
