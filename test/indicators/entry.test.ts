/** Entering council-defined indicators: the section of the monthly form, and the ward yearly form (DESIGN §11). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents, districtIndicatorValues, wardIndicatorValues } from '../../src/db/schema.js';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { getIndicatorByKey } from '../../src/indicators/repository.js';
import { defineIndicator } from './helpers.js';
import type { DefinitionText } from '../../src/indicators/definitions.js';
import { closeFiscalYear } from '../../src/fiscalYears/repository.js';
import { fiscalYearOfMonth } from '../../src/domain/fiscalYear.js';
import { formFields, monthsAgo, report } from '../monthlyReports/helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

const month = monthsAgo(1);
const fy = fiscalYearOfMonth(month);

function define(text: Partial<DefinitionText>, categories: string[] = []) {
  return defineIndicator(ctx.database.db, fy, text, categories);
}

function districtValues(districtId: number) {
  return ctx.database.db
    .select({ indicatorId: districtIndicatorValues.indicatorId, categoryId: districtIndicatorValues.categoryId, value: districtIndicatorValues.value })
    .from(districtIndicatorValues)
    .where(and(eq(districtIndicatorValues.districtId, districtId), eq(districtIndicatorValues.month, month)))
    .all()
    .sort((a, b) => a.indicatorId - b.indicatorId || a.categoryId - b.categoryId);
}

describe('the monthly form’s indicator section', () => {
  it('shows the indicators of the month’s fiscal year after the seven items, and saves them with the month (audited)', async () => {
    const salons = define({ key: 'kids_places', name: 'こどもの居場所の参加者数', unit: '人' });
    const help = define({ key: 'help_kinds', name: '助け合いの種類', breaks_down_field: 'mutual_aid_cases' }, ['安否確認', '買い物']);
    define({ key: 'ended', name: '前の年度で終わった指標', first_fy: String(fy - 2), last_fy: String(fy - 1) });
    define({ key: 'ward_only', name: '区の指標', entered_by: 'ward_yearly' });
    const client = await signedIn(ctx.app, 'district-e01');
    const form = await client.get(`/districts/E01/reports/${month}`);
    expect(form.statusCode).toBe(200);
    const body = form.body;
    expect(body.indexOf('name="ind-kids_places"')).toBeGreaterThan(body.indexOf('name="well_club_participants"'));
    expect(body).toContain('name="ind-help_kinds-c1"');
    expect(body).not.toContain('name="ind-help_kinds"'); // the total of a breakdown is item ②
    expect(body).toContain('助け合い件数の内訳');
    expect(body).not.toContain('ind-ended');
    expect(body).not.toContain('ind-ward_only');

    const res = await client.post(
      `/districts/E01/reports/${month}`,
      formFields({ mutual_aid_cases: '9', 'ind-kids_places': '１２人', 'ind-help_kinds-c1': '7', 'ind-help_kinds-c2': '2' }),
    );
    expect(res.statusCode, res.body).toBe(303);
    expect(report(ctx.database, ids.d1, month)!.mutualAidCases).toBe(9);
    const [c1, c2] = help.categories;
    if (!c1 || !c2) throw new Error('the two categories were not stored');
    expect(districtValues(ids.d1)).toEqual([
      { indicatorId: salons.id, categoryId: 0, value: 12 },
      { indicatorId: help.id, categoryId: c1.id, value: 7 },
      { indicatorId: help.id, categoryId: c2.id, value: 2 },
    ]);
    const audit = ctx.database.db.select().from(auditEvents).where(eq(auditEvents.entity, 'indicator_value')).all();
    expect(audit).toHaveLength(2);
    expect(JSON.parse(audit.find((a) => a.entityId === `help_kinds:${month}`)!.after!)).toEqual({ 安否確認: 7, 買い物: 2 });

    // Shown again on the form; a blank removes the value (not entered, never 0).
    const again = await client.get(`/districts/E01/reports/${month}`);
    expect(again.body).toMatch(/name="ind-kids_places"[^>]*value="12"/);
    const version = String(report(ctx.database, ids.d1, month)!.version);
    const cleared = await client.post(
      `/districts/E01/reports/${month}`,
      formFields({ mutual_aid_cases: '9', 'ind-kids_places': '', 'ind-help_kinds-c1': '7', 'ind-help_kinds-c2': '2' }, version),
    );
    expect(cleared.statusCode).toBe(303);
    expect(districtValues(ids.d1).map((v) => v.indicatorId)).not.toContain(salons.id);
    const year = await client.get(String(cleared.headers.location));
    expect(year.body).toContain('の報告を保存しました。');
  });

  it('refuses a breakdown that does not add up to ② beside it, saving nothing and keeping what was typed', async () => {
    define({ key: 'help_kinds', name: '助け合いの種類', breaks_down_field: 'mutual_aid_cases' }, ['安否確認', '買い物']);
    define({ key: 'visits', name: '訪問', unit: '回' }, ['高齢者', 'こども']);
    const client = await signedIn(ctx.app, 'district-e01');
    await client.get(`/districts/E01/reports/${month}`);
    const res = await client.post(
      `/districts/E01/reports/${month}`,
      formFields({ mutual_aid_cases: '10', 'ind-help_kinds-c1': '7', 'ind-help_kinds-c2': '2', 'ind-visits': '5', 'ind-visits-c1': '4', 'ind-visits-c2': '3' }),
    );
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('内訳の合計（9件）が助け合い件数（10件）と1件合いません（内訳が少ない）。');
    expect(res.body).toContain('内訳の合計（7回）が合計（5回）と2回合いません（内訳が多い）。');
    expect(res.body).toMatch(/name="ind-help_kinds-c1"[^>]*value="7"/);
    expect(res.body).toMatch(/name="mutual_aid_cases"[^>]*value="10"/);
    expect(report(ctx.database, ids.d1, month)).toBeUndefined();
    expect(districtValues(ids.d1)).toEqual([]);
  });

  it('a closed fiscal year refuses the month with its indicators (409, naming the year)', async () => {
    define({ key: 'kids_places', name: 'こどもの居場所', unit: '人' });
    const cityId = 1;
    closeFiscalYear(ctx.database.db, fy, cityId);
    const client = await signedIn(ctx.app, 'district-e01');
    await client.get(`/districts/E01/reports/${month}`);
    const res = await client.post(`/districts/E01/reports/${month}`, formFields({ 'ind-kids_places': '3' }));
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('年度確定済み');
    expect(districtValues(ids.d1)).toEqual([]);
  });
});

describe('the ward yearly form', () => {
  function wardValues(wardId: number) {
    return ctx.database.db.select().from(wardIndicatorValues).where(eq(wardIndicatorValues.wardId, wardId)).all();
  }

  it('a ward user enters their ward’s yearly values; the categories must add up; audited', async () => {
    const ind = define({ key: 'learning', name: '見守り学習・声かけ訓練の回数', unit: '回', entered_by: 'ward_yearly' }, ['見守り学習', '声かけ訓練']);
    const ward = await signedIn(ctx.app, 'ward-east');
    const nav = await ward.get('/');
    expect(nav.body).toContain(`href="/wards/${ids.wardA}/indicators"`);
    const page = await ward.get(`/wards/${ids.wardA}/indicators/${fy}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('見守り学習・声かけ訓練の回数');
    const bad = await ward.post(`/wards/${ids.wardA}/indicators/${fy}`, { 'ind-learning': '10', 'ind-learning-c1': '4', 'ind-learning-c2': '5' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('内訳の合計（9回）が合計（10回）と1回合いません（内訳が少ない）。');
    expect(wardValues(ids.wardA)).toEqual([]);
    const ok = await ward.post(`/wards/${ids.wardA}/indicators/${fy}`, { 'ind-learning': '１０', 'ind-learning-c1': '4', 'ind-learning-c2': '6' });
    expect(ok.statusCode).toBe(303);
    expect(
      wardValues(ids.wardA)
        .map((v) => [v.categoryId, v.fiscalYear, v.value])
        .sort(),
    ).toEqual(
      [
        [0, fy, 10],
        [ind.categories[0]?.id, fy, 4],
        [ind.categories[1]?.id, fy, 6],
      ].sort(),
    );
    expect(ctx.database.db.select().from(auditEvents).where(eq(auditEvents.entity, 'indicator_value')).all()).toHaveLength(1);
  });

  it('a ward user cannot open or post another ward’s form; a district user neither (403)', async () => {
    define({ key: 'learning', name: '見守り学習', unit: '回', entered_by: 'ward_yearly' });
    const ward = await signedIn(ctx.app, 'ward-east');
    expect((await ward.get(`/wards/${ids.wardB}/indicators/${fy}`)).statusCode).toBe(403);
    expect((await ward.post(`/wards/${ids.wardB}/indicators/${fy}`, { 'ind-learning': '3' })).statusCode).toBe(403);
    const district = await signedIn(ctx.app, 'district-e01');
    expect((await district.get(`/wards/${ids.wardA}/indicators/${fy}`)).statusCode).toBe(403);
    expect((await district.post(`/wards/${ids.wardA}/indicators/${fy}`, { 'ind-learning': '3' })).statusCode).toBe(403);
    const city = await signedIn(ctx.app, 'city');
    expect((await city.post(`/wards/${ids.wardB}/indicators/${fy}`, { 'ind-learning': '3' })).statusCode).toBe(303);
    expect(wardValues(ids.wardA)).toEqual([]);
    expect(wardValues(ids.wardB)).toHaveLength(1);
  });

  it('a closed year shows the values read-only and refuses a save (409)', async () => {
    define({ key: 'learning', name: '見守り学習', unit: '回', entered_by: 'ward_yearly' });
    closeFiscalYear(ctx.database.db, fy, 1);
    const ward = await signedIn(ctx.app, 'ward-east');
    const page = await ward.get(`/wards/${ids.wardA}/indicators/${fy}`);
    expect(page.body).toContain('年度確定済み');
    expect(page.body).not.toContain('name="ind-learning"');
    const res = await ward.post(`/wards/${ids.wardA}/indicators/${fy}`, { 'ind-learning': '3' });
    expect(res.statusCode).toBe(409);
    expect(wardValues(ids.wardA)).toEqual([]);
    expect(getIndicatorByKey(ctx.database.db, 'learning')).toBeDefined();
  });
});

describe('a monthly form posted without the indicator section', () => {
  it('leaves the stored indicator values alone (e.g. the conflict page’s overwrite)', async () => {
    define({ key: 'kids_places', name: 'こどもの居場所', unit: '人' });
    const client = await signedIn(ctx.app, 'district-e01');
    await client.get(`/districts/E01/reports/${month}`);
    expect((await client.post(`/districts/E01/reports/${month}`, formFields({ watched_elderly: '5', 'ind-kids_places': '4' }))).statusCode).toBe(303);
    const version = String(report(ctx.database, ids.d1, month)!.version);
    expect((await client.post(`/districts/E01/reports/${month}`, formFields({ watched_elderly: '6' }, version))).statusCode).toBe(303);
    expect(report(ctx.database, ids.d1, month)!.watchedElderly).toBe(6);
    expect(districtValues(ids.d1).map((v) => v.value)).toEqual([4]);
  });
});

describe('a conflict on the monthly form (409)', () => {
  it('carries the typed indicator values to the overwrite, so choosing it saves them too', async () => {
    const kids = define({ key: 'kids_places', name: 'こどもの居場所', unit: '人' });
    const client = await signedIn(ctx.app, 'district-e01');
    await client.get(`/districts/E01/reports/${month}`);
    // Someone else saved the month first: our form still says version 0.
    expect((await client.post(`/districts/E01/reports/${month}`, formFields({ watched_elderly: '5' }))).statusCode).toBe(303);
    const conflict = await client.post(`/districts/E01/reports/${month}`, formFields({ watched_elderly: '7', 'ind-kids_places': '１１' }));
    expect(conflict.statusCode).toBe(409);
    expect(conflict.body).toContain('<input type="hidden" name="ind-kids_places" value="１１">');
    expect(districtValues(ids.d1)).toEqual([]);
    // The overwrite form posts every hidden field back, as a browser would.
    const hidden = Object.fromEntries(
      [...conflict.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)]
        .filter(([, name]) => name !== '_csrf')
        .map(([, name, value]) => [name ?? '', value ?? ''] as const),
    );
    const overwrite = await client.post(`/districts/E01/reports/${month}`, hidden);
    expect(overwrite.statusCode, overwrite.body).toBe(303);
    expect(report(ctx.database, ids.d1, month)!.watchedElderly).toBe(7);
    expect(districtValues(ids.d1)).toEqual([{ indicatorId: kids.id, categoryId: 0, value: 11 }]);
  });
});

describe('a closed month shows its indicator values read-only', () => {
  it('lists the stored values under the seven items, without inputs', async () => {
    define({ key: 'kids_places', name: 'こどもの居場所', unit: '人' });
    const client = await signedIn(ctx.app, 'district-e01');
    await client.get(`/districts/E01/reports/${month}`);
    await client.post(`/districts/E01/reports/${month}`, formFields({ watched_elderly: '5', 'ind-kids_places': '4' }));
    closeFiscalYear(ctx.database.db, fy, 1);
    const page = await client.get(`/districts/E01/reports/${month}`);
    expect(page.body).toContain('年度確定済み');
    expect(page.body).not.toContain('name="ind-kids_places"');
    expect(page.body).toMatch(/こどもの居場所<\/th><td class="num">4 人/);
  });
});
