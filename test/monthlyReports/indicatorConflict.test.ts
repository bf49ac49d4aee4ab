/**
 * A change of only the council indicators on the monthly form is a change of the month
 * (issue 13, DESIGN §11): it gives the report a new version, so that a form opened
 * before it is stale and cannot overwrite the indicator values unseen.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents, districtIndicatorValues, users } from '../../src/db/schema.js';
import { addUser, createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { defineIndicator } from '../indicators/helpers.js';
import { fiscalYearOfMonth } from '../../src/domain/fiscalYear.js';
import { acceptMonths, monthReviewOf } from '../../src/reviews/repository.js';
import { formFields, monthlyAuditCount, monthsAgo, report, storeReport, typicalValues } from './helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  await addUser(ctx.database, { login: 'district-e01-2', role: 'district', districtId: ids.d1 });
});
afterEach(async () => ctx.close());

const month = monthsAgo(2);
const url = `/districts/E01/reports/${month}`;

const defineKidsPlaces = () => defineIndicator(ctx.database.db, fiscalYearOfMonth(month), { key: 'kids_places', name: 'こどもの居場所の参加者数', unit: '人' });

const stored = () =>
  ctx.database.db
    .select({ value: districtIndicatorValues.value })
    .from(districtIndicatorValues)
    .where(and(eq(districtIndicatorValues.districtId, ids.d1), eq(districtIndicatorValues.month, month)))
    .all()
    .map((v) => v.value);

const valueAudits = () => ctx.database.db.select().from(auditEvents).where(eq(auditEvents.entity, 'indicator_value')).all().length;

/** The typical month's values as the form posts them. */
const typedCounts = (): Record<string, string> => Object.fromEntries(Object.entries(typicalValues()).map(([k, v]) => [k, v === null ? '' : String(v)]));

function hiddenFields(html: string): Record<string, string> {
  const form = html.slice(html.indexOf(`<form method="post" action="${url}"`));
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) out[m[1]!] = m[2]!.replace(/&amp;/g, '&');
  return out;
}

function row(html: string, field: string): string {
  const start = html.indexOf(`data-field="${field}"`);
  return start === -1 ? '' : html.slice(start, html.indexOf('</tr>', start));
}

describe('an indicator-only change on the monthly form', () => {
  it('gives the report a new version (audited as the indicator change), so the other user’s stale save is a 409 showing both', async () => {
    const kids = defineKidsPlaces();
    storeReport(ctx.database, ids.d1, month, typicalValues());
    const a = await signedIn(ctx.app, 'district-e01');
    const b = await signedIn(ctx.app, 'district-e01-2');
    // Both open the month as stored (version 1).
    expect((await a.get(url)).body).toContain('name="version" value="1"');
    expect((await b.get(url)).body).toContain('name="version" value="1"');
    const monthlyAudits = monthlyAuditCount(ctx.database);

    // B changes only the indicator.
    const saved = await b.post(url, formFields({ ...typedCounts(), 'ind-kids_places': '5' }, '1'));
    expect(saved.statusCode).toBe(303);
    expect(stored()).toEqual([5]);
    const after = report(ctx.database, ids.d1, month)!;
    expect(after.version).toBe(2);
    expect(after.updatedBy).not.toBeNull();
    expect(valueAudits()).toBe(1); // the indicator's own audit event, as before
    expect(monthlyAuditCount(ctx.database)).toBe(monthlyAudits); // the counts did not change
    expect((await b.get(url)).body).toContain('name="version" value="2"');

    // A, on the form opened before, saves another value: refused, and shown beside B's.
    const conflict = await a.post(url, formFields({ ...typedCounts(), 'ind-kids_places': '３' }, '1'));
    expect(conflict.statusCode).toBe(409);
    expect(stored()).toEqual([5]);
    expect(conflict.body).toContain('ほかの人がこの月の報告を保存しました');
    expect(conflict.body).toContain('district-e01-2'); // who saved it
    const r = row(conflict.body, 'ind-kids_places');
    expect(r).toContain('こどもの居場所の参加者数');
    expect(r).toContain('5 人');
    expect(r).toContain('3 人');
    expect(r).toContain('違い');
    expect(row(conflict.body, 'watched_elderly')).not.toContain('違い');

    // Overwriting knowingly saves what A typed.
    const hidden = hiddenFields(conflict.body);
    expect(hidden.version).toBe('2');
    expect(hidden['ind-kids_places']).toBe('３');
    const overwrite = await a.post(url, hidden);
    expect(overwrite.statusCode, overwrite.body).toBe(303);
    expect(stored()).toEqual([3]);
    expect(report(ctx.database, ids.d1, month)!.version).toBe(3);
    expect(kids.key).toBe('kids_places');
  });

  it('on a month never reported: the first save creates the report, so a stale form is a conflict too', async () => {
    defineKidsPlaces();
    const a = await signedIn(ctx.app, 'district-e01');
    const b = await signedIn(ctx.app, 'district-e01-2');
    expect((await b.post(url, formFields({ 'ind-kids_places': '5' }))).statusCode).toBe(303);
    const conflict = await a.post(url, formFields({ 'ind-kids_places': '3' }));
    expect(conflict.statusCode).toBe(409);
    expect(row(conflict.body, 'ind-kids_places')).toContain('違い');
    expect(stored()).toEqual([5]);
  });

  it('a save that changes nothing keeps the version', async () => {
    defineKidsPlaces();
    storeReport(ctx.database, ids.d1, month, typicalValues());
    const a = await signedIn(ctx.app, 'district-e01');
    expect((await a.post(url, formFields({ ...typedCounts(), 'ind-kids_places': '5' }, '1'))).statusCode).toBe(303);
    const same = await a.post(url, formFields({ ...typedCounts(), 'ind-kids_places': '5' }, '2'));
    expect(same.statusCode).toBe(303);
    expect(report(ctx.database, ids.d1, month)!.version).toBe(2);
    expect((await a.get(String(same.headers.location))).body).toContain('報告は変更されていません');
  });
});

describe('clearing the indicator values on the monthly form', () => {
  it('a month with only indicator values: the blank form asks to confirm, then clears them (not “未報告のまま”)', async () => {
    defineKidsPlaces();
    const a = await signedIn(ctx.app, 'district-e01');
    expect((await a.post(url, formFields({ 'ind-kids_places': '5' }))).statusCode).toBe(303);
    const version = String(report(ctx.database, ids.d1, month)!.version);
    const confirm = await a.post(url, formFields({ 'ind-kids_places': '' }, version));
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('保存されている値をすべて消しますか');
    expect(stored()).toEqual([5]);
    const cleared = await a.post(url, formFields({ 'ind-kids_places': '', confirm_clear: '1' }, version));
    expect(cleared.statusCode).toBe(303);
    expect(stored()).toEqual([]);
    expect(report(ctx.database, ids.d1, month)!.version).toBe(Number(version) + 1);
  });

  it('the confirmation page shows the indicator fields blank as posted, so confirming it clears them with the counts', async () => {
    defineKidsPlaces();
    storeReport(ctx.database, ids.d1, month, typicalValues());
    const a = await signedIn(ctx.app, 'district-e01');
    expect((await a.post(url, formFields({ ...typedCounts(), 'ind-kids_places': '5' }, '1'))).statusCode).toBe(303);
    const confirm = await a.post(url, formFields({ 'ind-kids_places': '' }, '2'));
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toMatch(/name="ind-kids_places"[^>]* value=""/);
  });
});

describe('an indicator-only change of a month the ward has accepted', () => {
  it('resubmits the month for review, as a change of its counts does (the decision was for the version before)', async () => {
    defineKidsPlaces();
    storeReport(ctx.database, ids.d1, month, typicalValues());
    const u = ctx.database.db.select().from(users).where(eq(users.login, 'ward-east')).get()!;
    acceptMonths(ctx.database.db, [{ districtId: ids.d1, month }], {
      id: u.id,
      login: u.login,
      displayName: u.displayName,
      role: u.role,
      wardId: u.wardId,
      districtId: u.districtId,
      wardName: null,
      districtCode: null,
    });
    expect(monthReviewOf(ctx.database.db, ids.d1, month).state).toBe('accepted');
    const a = await signedIn(ctx.app, 'district-e01');
    expect((await a.post(url, formFields({ ...typedCounts(), 'ind-kids_places': '5' }, '1'))).statusCode).toBe(303);
    expect(monthReviewOf(ctx.database.db, ids.d1, month).state).toBe('submitted');
  });
});
