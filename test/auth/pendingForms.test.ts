import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { pendingForms, sessions } from '../../src/db/schema.js';
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
    expect(JSON.parse(row.body).watched_elderly).toBe('１２５');

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
