/** The indicator pages and the monthly form's section pass html-validate (the project's rules), also in error states. */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { fiscalYearOfMonth } from '../../src/domain/fiscalYear.js';
import { monthsAgo, formFields } from '../monthlyReports/helpers.js';

const validator = new HtmlValidate(new FileSystemConfigLoader());
async function htmlErrors(name: string, html: string): Promise<string[]> {
  const report = await validator.validateString(html, join(process.cwd(), `${name}.html`));
  return report.results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${name} ${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
}

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

const month = monthsAgo(1);
const fy = fiscalYearOfMonth(month);

describe('indicator pages are valid HTML', () => {
  it('list, new, edit (and its error state), the monthly section (and its error state), the ward form', { timeout: 60_000 }, async () => {
    const file = Buffer.from(
      [
        'key,name,unit,entered_by,rollup,threshold,categories,first_fy,last_fy',
        `learning,見守り学習の回数,回,ward_yearly,sum,,見守り学習|声かけ訓練,${fy},`,
        `visits,訪問の回数,回,district_monthly,sum,,高齢者|こども,${fy - 1},`,
        '',
      ].join('\n'),
    );
    expect(importCsv(ctx.database.db, 'indicators', file).ok).toBe(true);
    const city = await signedIn(ctx.app, 'city');
    const errors: string[] = [];
    for (const url of [
      '/indicators',
      '/indicators/new',
      '/indicators/new?preset=mutual_aid_kinds',
      '/indicators/visits/edit',
      `/wards/${ids.wardA}/indicators/${fy}`,
      `/districts/E01/reports/${month}`,
    ]) {
      const res = await city.get(url);
      expect(res.statusCode, url).toBe(200);
      errors.push(...(await htmlErrors(url, res.body)));
    }
    const bad = await city.post('/indicators/visits/edit', {
      version: '1',
      name: '',
      unit: '回',
      entered_by: 'district_monthly',
      rollup: 'sum',
      first_fy: 'x',
      cat_rows: '1',
      'cat-0-name': 'a|b',
    });
    expect(bad.statusCode).toBe(422);
    errors.push(...(await htmlErrors('edit-error', bad.body)));
    const monthly = await city.post(`/districts/E01/reports/${month}`, formFields({ 'ind-visits': '3', 'ind-visits-c1': '5' }));
    expect(monthly.statusCode).toBe(422);
    errors.push(...(await htmlErrors('monthly-error', monthly.body)));
    const ward = await city.post(`/wards/${ids.wardA}/indicators/${fy}`, { 'ind-learning': 'たくさん' });
    expect(ward.statusCode).toBe(422);
    errors.push(...(await htmlErrors('ward-error', ward.body)));
    expect(errors).toEqual([]);
  });
});
