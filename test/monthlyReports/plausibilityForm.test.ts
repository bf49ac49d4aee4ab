import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { addMonths, fiscalYearOfMonth } from '../../src/domain/fiscalYear.js';
import { updateSetting } from '../../src/settings/repository.js';
import { fieldBlock, formFields, monthlyAuditCount, monthsAgo, report, reportCount, storeReport, typicalValues } from './helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
const month = monthsAgo(1);
const url = `/districts/E01/reports/${month}`;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  // Six recent months with 1,020–1,080 elderly households watched.
  [1020, 1080, 1050, 1040, 1060, 1030].forEach((n, i) => storeReport(ctx.database, ids.d1, addMonths(month, -(i + 1)), typicalValues({ watched_elderly: n })));
});
afterEach(async () => ctx.close());

const usual = (fields: Record<string, string>, version = '0') =>
  formFields(
    {
      watched_elderly: '1050',
      watched_disability: '50',
      watched_single_parent: '40',
      watched_other: '30',
      welfare_cooperators: '120',
      mutual_aid_cases: '200',
      coordination_meetings: '1',
      well_club_participants: '300',
      ...fields,
    },
    version,
  );

describe('plausibility on the monthly form', () => {
  it('does not save a value far from the recent ones without confirmation, and warns beside it', async () => {
    const rows = reportCount(ctx.database);
    const audits = monthlyAuditCount(ctx.database);
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post(url, usual({ watched_elderly: '10500', note: '桁を確認' }));
    expect(res.statusCode).toBe(422);
    const block = fieldBlock(res.body, 'watched_elderly');
    expect(block).toContain('いつもの値（最近6か月: 1,020〜1,080）と大きく違います。正しければ「この値で保存する」にチェックしてください。');
    expect(block).toContain('value="10500"');
    expect(fieldBlock(res.body, 'mutual_aid_cases')).not.toContain('いつもの値');
    expect(res.body).toContain('name="confirm_unusual"');
    expect(res.body).toContain('桁を確認</textarea>');
    expect(report(ctx.database, ids.d1, month)).toBeUndefined();
    expect(reportCount(ctx.database)).toBe(rows);
    expect(monthlyAuditCount(ctx.database)).toBe(audits);
  });

  it('saves a confirmed value and keeps it flagged in the form and the year view', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const warned = await client.post(url, usual({ watched_elderly: '10500' }));
    const confirmedValues = /name="confirmed_values" value="([^"]*)"/.exec(warned.body)![1]!;
    expect(confirmedValues).toBe('watched_elderly=10500');
    const res = await client.post(url, usual({ watched_elderly: '10500', confirm_unusual: '1', confirmed_values: confirmedValues }));
    expect(res.statusCode).toBe(303);
    const saved = report(ctx.database, ids.d1, month)!;
    expect(saved.watchedElderly).toBe(10500);
    expect(JSON.parse(saved.flaggedFields!)).toEqual(['watched_elderly']);

    const form = await client.get(url);
    expect(fieldBlock(form.body, 'watched_elderly')).toContain('確認済みの大きな変化');
    expect(fieldBlock(form.body, 'mutual_aid_cases')).not.toContain('確認済みの大きな変化');
    const year = await client.get(`/districts/E01/years/${fiscalYearOfMonth(month)}`);
    const row = year.body.slice(year.body.indexOf(`data-month="${month}"`));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain('確認済みの大きな変化');

    // Changing another field later keeps the confirmed one flagged without asking again.
    const again = await client.post(url, usual({ watched_elderly: '10500', mutual_aid_cases: '210' }, String(saved.version)));
    expect(again.statusCode).toBe(303);
    expect(JSON.parse(report(ctx.database, ids.d1, month)!.flaggedFields!)).toEqual(['watched_elderly']);
  });

  it('accepts a bare confirm_unusual', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post(url, usual({ watched_elderly: '10500', confirm_unusual: '1' }));
    expect(res.statusCode).toBe(303);
    expect(report(ctx.database, ids.d1, month)!.flaggedFields).toBe('["watched_elderly"]');
  });

  it('asks again when a different unusual value is sent with an old confirmation', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post(url, usual({ watched_elderly: '20500', confirm_unusual: '1', confirmed_values: 'watched_elderly=10500' }));
    expect(res.statusCode).toBe(422);
    expect(fieldBlock(res.body, 'watched_elderly')).toContain('いつもの値');
    expect(report(ctx.database, ids.d1, month)).toBeUndefined();
  });

  it('clears the flag once the value is back in the usual range', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    await client.post(url, usual({ watched_elderly: '10500', confirm_unusual: '1' }));
    const res = await client.post(url, usual({ watched_elderly: '1055' }, '1'));
    expect(res.statusCode).toBe(303);
    expect(report(ctx.database, ids.d1, month)!.flaggedFields).toBeNull();
  });

  it('follows the plausibility settings', async () => {
    updateSetting(ctx.database.db, 'plausibilityFactor', 20, null);
    const client = await signedIn(ctx.app, 'district-e01');
    expect((await client.post(url, usual({ watched_elderly: '10500' }))).statusCode).toBe(303);
  });

  it('warns about a value falling far below the recent minimum', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post(url, usual({ watched_elderly: '105' }));
    expect(res.statusCode).toBe(422);
    expect(fieldBlock(res.body, 'watched_elderly')).toContain('いつもの値（最近6か月: 1,020〜1,080）');
  });
});
