import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type Client, type TestContext } from '../support/app.js';
import { saveMonthlyReport } from '../../src/monthlyReports/repository.js';
import { getSettings } from '../../src/db/settings.js';
import { parseSettingValue, SETTING_SPECS } from '../../src/settings/routes.js';
import { auditOf, values } from './helpers.js';
import { trendRow, type TrendsJson } from '../support/json.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
let city: Client;

const DEFAULTS = { reportDueDay: '10', regularMeetingMonths: '6', plausibilityFactor: '3', plausibilityMonths: '6' };

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  const { db } = ctx.database;
  // FY2023: E01 met in 4 months, W01 in 6 months, E02 in none.
  const months = ['2023-04', '2023-05', '2023-06', '2023-07', '2023-08', '2023-09'];
  months.slice(0, 4).forEach((month) => saveMonthlyReport(db, { districtId: ids.d1, month, values: values({ coordination_meetings: 1 }), userId: null }));
  months.forEach((month) => saveMonthlyReport(db, { districtId: ids.d3, month, values: values({ coordination_meetings: 2 }), userId: null }));
  city = await signedIn(ctx.app, 'city');
});
afterEach(async () => ctx.close());

async function regularDistricts(): Promise<number | null> {
  const res = await city.get('/api/trends?from=2023&to=2023&scope=city');
  return trendRow(res.json<TrendsJson>(), 3).values[0]?.value ?? null;
}

describe('/settings', () => {
  it('shows every setting with its current value and an explanation', async () => {
    const res = await city.get('/settings');
    expect(res.statusCode).toBe(200);
    for (const spec of SETTING_SPECS) {
      expect(res.body).toContain(spec.label);
      expect(res.body).toContain(`id="${spec.key}" name="${spec.key}"`);
    }
    expect(res.body).toMatch(/name="regularMeetingMonths"[^>]*value="6"/);
  });

  it('changes regularMeetingMonths (typed full-width), audited, and ③ follows in the rollup', async () => {
    expect(await regularDistricts()).toBe(1);
    const res = await city.post('/settings', { ...DEFAULTS, regularMeetingMonths: '４' });
    expect(res.statusCode).toBe(303);
    expect((await city.get('/settings')).body).toContain('設定を保存しました');
    expect(getSettings(ctx.database.db).regularMeetingMonths).toBe(4);
    expect(await regularDistricts()).toBe(2);
    const events = auditOf(ctx.database, 'setting');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ entityId: 'regularMeetingMonths', before: '6', after: '4' });
    // Saving the same values again writes nothing.
    await city.post('/settings', { ...DEFAULTS, regularMeetingMonths: '4' });
    expect(auditOf(ctx.database, 'setting')).toHaveLength(1);
  });

  it('saves a decimal factor and the other settings, one audit event each', async () => {
    const res = await city.post('/settings', { reportDueDay: '15', regularMeetingMonths: '6', plausibilityFactor: '２.５', plausibilityMonths: '12' });
    expect(res.statusCode).toBe(303);
    expect(getSettings(ctx.database.db)).toEqual({ reportDueDay: 15, regularMeetingMonths: 6, plausibilityFactor: 2.5, plausibilityMonths: 12 });
    expect(
      auditOf(ctx.database, 'setting')
        .map((e) => e.entityId)
        .sort(),
    ).toEqual(['plausibilityFactor', 'plausibilityMonths', 'reportDueDay']);
  });

  it('refuses values out of range or not numbers with 422, keeping every typed value and changing nothing', async () => {
    const typed = { reportDueDay: '31', regularMeetingMonths: 'ろく', plausibilityFactor: '1.0', plausibilityMonths: '' };
    const res = await city.post('/settings', typed);
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('error-summary');
    expect(res.body).toContain('1〜28の整数で入力してください');
    expect(res.body).toContain('1〜12の整数で入力してください');
    expect(res.body).toContain('1.1〜100の数で入力してください');
    expect(res.body).toContain('値を入力してください');
    expect(res.body).toMatch(/name="reportDueDay"[^>]*value="31"/);
    expect(res.body).toMatch(/name="regularMeetingMonths"[^>]*value="ろく"/);
    expect(res.body).toMatch(/name="plausibilityFactor"[^>]*value="1.0"/);
    // One valid change beside the bad ones is not saved either.
    await city.post('/settings', { ...DEFAULTS, regularMeetingMonths: '3', reportDueDay: '0' });
    expect(getSettings(ctx.database.db)).toEqual({ reportDueDay: 10, regularMeetingMonths: 6, plausibilityFactor: 3, plausibilityMonths: 6 });
    expect(auditOf(ctx.database, 'setting')).toHaveLength(0);
  });

  it('parses typed values strictly', () => {
    const factor = SETTING_SPECS.find((s) => s.key === 'plausibilityFactor')!;
    const months = SETTING_SPECS.find((s) => s.key === 'regularMeetingMonths')!;
    expect(parseSettingValue(factor, ' 2.5 ')).toEqual({ ok: true, value: 2.5 });
    expect(parseSettingValue(factor, '1e2').ok).toBe(false);
    expect(parseSettingValue(factor, '-3').ok).toBe(false);
    expect(parseSettingValue(months, '１２')).toEqual({ ok: true, value: 12 });
    expect(parseSettingValue(months, '6.5').ok).toBe(false);
    expect(parseSettingValue(months, '13').ok).toBe(false);
  });

  it('is for city staff only', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    expect((await ward.get('/settings')).statusCode).toBe(403);
    expect((await ward.post('/settings', { ...DEFAULTS, regularMeetingMonths: '1' })).statusCode).toBe(403);
    expect(getSettings(ctx.database.db).regularMeetingMonths).toBe(6);
  });
});
