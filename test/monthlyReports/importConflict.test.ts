/**
 * Importing indicator values is a change of the district-months it writes (issue 13, DESIGN §7,
 * §11): the monthly report gets a new version in the import's transaction (created blank when the
 * month had none, as the form's first indicator-only save does), so a monthly form opened before
 * the import and saved after it is a 409 showing the imported value, never a silent overwrite.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { districtIndicatorValues } from '../../src/db/schema.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { fiscalYearOfMonth } from '../../src/domain/fiscalYear.js';
import { hasReportedCounts } from '../../src/monthlyReports/repository.js';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { defineIndicator } from '../indicators/helpers.js';
import { uploadAndImport } from '../imports/pageSupport.js';
import { formFields, monthlyAuditEvents, monthsAgo, report, reportCount, storeReport, typicalValues } from './helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

const month = monthsAgo(2);
const fy = fiscalYearOfMonth(month);
const url = `/districts/E01/reports/${month}`;
const csv = (...lines: string[]) => Buffer.from([...lines, ''].join('\n'), 'utf8');
const VALUES_HEADER = 'indicator,scope,period,category,value';

const defineKidsPlaces = () => defineIndicator(ctx.database.db, fy, { key: 'kids_places', name: 'こどもの居場所の参加者数', unit: '人' });

const stored = (districtId = ids.d1) =>
  ctx.database.db
    .select({ value: districtIndicatorValues.value })
    .from(districtIndicatorValues)
    .where(and(eq(districtIndicatorValues.districtId, districtId), eq(districtIndicatorValues.month, month)))
    .all()
    .map((v) => v.value);

/** The typical month's values as the form posts them. */
const typedCounts = (): Record<string, string> => Object.fromEntries(Object.entries(typicalValues()).map(([k, v]) => [k, v === null ? '' : String(v)]));

function row(html: string, field: string): string {
  const start = html.indexOf(`data-field="${field}"`);
  return start === -1 ? '' : html.slice(start, html.indexOf('</tr>', start));
}

describe('a monthly form opened before an import of indicator values', () => {
  it('a reported month: the import gives the report a new version, and the stale save is a 409 showing the imported value', async () => {
    defineKidsPlaces();
    storeReport(ctx.database, ids.d1, month, typicalValues());
    const district = await signedIn(ctx.app, 'district-e01');
    expect((await district.get(url)).body).toContain('name="version" value="1"');

    const imported = importCsv(ctx.database.db, 'values', csv(VALUES_HEADER, `kids_places,E01,${month},,7`));
    expect(imported.ok).toBe(true);
    expect(stored()).toEqual([7]);
    expect(report(ctx.database, ids.d1, month)!.version).toBe(2);

    const conflict = await district.post(url, formFields({ ...typedCounts(), 'ind-kids_places': '3' }, '1'));
    expect(conflict.statusCode).toBe(409);
    expect(conflict.body).toContain('ほかの人がこの月の報告を保存しました');
    const r = row(conflict.body, 'ind-kids_places');
    expect(r).toContain('7 人');
    expect(r).toContain('3 人');
    expect(r).toContain('違い');
    expect(stored()).toEqual([7]);
    // The counts were not changed by the import (no monthly audit of values beyond the first save).
    expect(monthlyAuditEvents(ctx.database, ids.d1, month)).toHaveLength(1);
  });

  it('a month never reported: the import creates the report blank (still 未報告), so the form opened at version 0 is stale too', async () => {
    defineKidsPlaces();
    const district = await signedIn(ctx.app, 'district-e01');
    expect((await district.get(url)).body).toContain('name="version" value="0"');

    expect(importCsv(ctx.database.db, 'values', csv(VALUES_HEADER, `kids_places,E01,${month},,7`)).ok).toBe(true);
    const created = report(ctx.database, ids.d1, month)!;
    expect(created.version).toBe(1);
    expect(hasReportedCounts(created)).toBe(false);
    expect(monthlyAuditEvents(ctx.database, ids.d1, month).map((e) => e.action)).toEqual(['create']);

    const conflict = await district.post(url, formFields({ 'ind-kids_places': '3' }, '0'));
    expect(conflict.statusCode).toBe(409);
    expect(row(conflict.body, 'ind-kids_places')).toContain('7 人');
    expect(stored()).toEqual([7]);
  });

  it('on the import page as well (the city user’s upload), and a form opened after the import saves normally', async () => {
    defineKidsPlaces();
    storeReport(ctx.database, ids.d1, month, typicalValues());
    const district = await signedIn(ctx.app, 'district-e01');
    expect((await district.get(url)).body).toContain('name="version" value="1"');
    const city = await signedIn(ctx.app, 'city');
    const { result } = await uploadAndImport(ctx.app, city, 'values', { name: 'values.csv', content: csv(VALUES_HEADER, `kids_places,E01,${month},,7`) });
    expect(result.statusCode, result.body.slice(0, 2000)).toBe(200);
    expect(stored()).toEqual([7]);

    expect((await district.post(url, formFields({ ...typedCounts(), 'ind-kids_places': '3' }, '1'))).statusCode).toBe(409);
    expect((await district.get(url)).body).toContain('name="version" value="2"');
    expect((await district.post(url, formFields({ ...typedCounts(), 'ind-kids_places': '3' }, '2'))).statusCode).toBe(303);
    expect(stored()).toEqual([3]);
  });

  it('only the months whose values changed are touched, once each; a dry run and an unchanged import touch nothing', () => {
    defineKidsPlaces();
    defineIndicator(ctx.database.db, fy, { key: 'helpers', name: '協力者の数', unit: '人' });
    defineIndicator(ctx.database.db, fy, { key: 'learning', name: '見守り学習の回数', unit: '回', entered_by: 'ward_yearly' });
    storeReport(ctx.database, ids.d1, month, typicalValues());
    storeReport(ctx.database, ids.d2, month, typicalValues());
    const file = csv(VALUES_HEADER, `kids_places,E01,${month},,7`, `helpers,E01,${month},,2`, `learning,東区,${fy},,4`);

    expect(importCsv(ctx.database.db, 'values', file, { dryRun: true }).ok).toBe(true);
    expect(report(ctx.database, ids.d1, month)!.version).toBe(1);

    expect(importCsv(ctx.database.db, 'values', file).ok).toBe(true);
    // Two indicators of E01's month: one new version. E02 untouched; the ward-yearly value creates no monthly report.
    expect(report(ctx.database, ids.d1, month)!.version).toBe(2);
    expect(report(ctx.database, ids.d2, month)!.version).toBe(1);
    expect(reportCount(ctx.database)).toBe(2);

    expect(importCsv(ctx.database.db, 'values', file).ok).toBe(true);
    expect(report(ctx.database, ids.d1, month)!.version).toBe(2);
  });
});
