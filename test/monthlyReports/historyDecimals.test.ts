/**
 * The change history shows a council indicator's values at the indicator's decimal places
 * (issue 13, DESIGN §11): a past 97.5 is 97.5, not 98; 96 of a one-place indicator is 96.0.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { defineIndicator } from '../indicators/helpers.js';
import { fiscalYearOfMonth } from '../../src/domain/fiscalYear.js';
import { describeEvent, type HistoryEvent } from '../../src/monthlyReports/history.js';
import { pageText } from '../imports/pageSupport.js';
import { formFields, monthsAgo } from './helpers.js';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestApp();
  await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

const month = monthsAgo(2);
const url = `/districts/E01/reports/${month}`;

/** The history entries' change tables as text, newest first. */
function changeTables(html: string): string[] {
  return [...html.matchAll(/<table class="data history-changes">([\s\S]*?)<\/table>/g)].map((m) => pageText(m[1]!));
}

describe('indicator values in the change history', () => {
  it('shows each value with its indicator’s decimal places, and names the entry 指標の値', async () => {
    defineIndicator(ctx.database.db, fiscalYearOfMonth(month), { key: 'filled_rate', name: '民生委員の充足率', unit: '%', rollup: 'latest', decimals: '1' });
    defineIndicator(ctx.database.db, fiscalYearOfMonth(month), { key: 'visits', name: '訪問の回数', unit: '回' });
    const district = await signedIn(ctx.app, 'district-e01');
    expect((await district.post(url, formFields({ 'ind-filled_rate': '97.5', 'ind-visits': '1234' }))).statusCode).toBe(303);
    expect((await district.post(url, formFields({ 'ind-filled_rate': '96', 'ind-visits': '1234' }, '1'))).statusCode).toBe(303);

    const city = await signedIn(ctx.app, 'city');
    const page = await city.get(`/districts/E01/history?month=${month}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('指標の値');
    expect(page.body).not.toContain('indicator_value');
    const tables = changeTables(page.body);
    // Newest first: 97.5 → 96.0; then the first save's values (97.5, and the whole-number indicator as before).
    expect(tables).toContainEqual(expect.stringContaining('合計 97.5 96.0'));
    expect(tables).toContainEqual(expect.stringContaining('合計 97.5'));
    expect(tables.join(' ')).toContain('1,234');
    expect(tables.join(' ')).not.toMatch(/\b98\b/);
  });

  it('describeEvent formats by the places it is given, whole numbers when the indicator is unknown', () => {
    const event: HistoryEvent = {
      event: {
        id: 1,
        at: '2025-01-10T03:00:00.000Z',
        action: 'update',
        entity: 'indicator_value',
        entityId: `filled_rate:${month}`,
        month,
        before: JSON.stringify({ 合計: 97.5 }),
        after: JSON.stringify({ 合計: 97 }),
        detail: '民生委員の充足率',
      },
      userLogin: 'x',
      userName: null,
    };
    expect(describeEvent(event, new Map([['filled_rate', 1]])).changes).toEqual([{ label: '合計', before: '97.5', after: '97.0' }]);
    expect(describeEvent(event, new Map([['filled_rate', 2]])).changes).toEqual([{ label: '合計', before: '97.50', after: '97.00' }]);
    expect(describeEvent(event).changes).toEqual([{ label: '合計', before: '98', after: '97' }]);
  });
});
