import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, monthlyValues, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { addMonths, currentFiscalYear, currentMonth, fiscalYearOfMonth, monthsOfFiscalYear, warekiShort } from '../../src/domain/fiscalYear.js';
import { isOverdue, todayInJapan } from '../../src/domain/due.js';
import { closeFiscalYear } from '../../src/fiscalYears/repository.js';
import { updateSetting } from '../../src/settings/repository.js';
import { createSalon } from '../../src/salons/repository.js';
import { createPlan } from '../../src/plans/repository.js';
import { storeReport, typicalValues } from './helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

/** The status cell of a month's row in the year view. */
function statusOf(html: string, month: string): string {
  const start = html.indexOf(`data-month="${month}"`);
  if (start === -1) return '';
  const row = html.slice(start, html.indexOf('</tr>', start));
  return row.slice(row.indexOf('status-cell'));
}

function rowOf(html: string, month: string): string {
  const start = html.indexOf(`data-month="${month}"`);
  return start === -1 ? '' : html.slice(start, html.indexOf('</tr>', start));
}

describe('year view', () => {
  it('redirects /districts/:code to the current fiscal year', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.get('/districts/E01');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/districts/E01/years/${currentFiscalYear()}`);
    expect((await client.get('/districts/W01')).statusCode).toBe(403);
  });

  it('accepts the fiscal year as 2024 or R6', async () => {
    const client = await signedIn(ctx.app, 'city');
    const a = await client.get('/districts/E01/years/2024');
    const b = await client.get('/districts/E01/years/R6');
    expect(a.statusCode).toBe(200);
    expect(b.statusCode).toBe(200);
    expect(a.body).toContain('令和6年度の月次報告');
    expect(b.body).toContain('令和6年度の月次報告');
  });

  it('lists the twelve months April–March with links to each form', async () => {
    const client = await signedIn(ctx.app, 'city');
    const res = await client.get('/districts/E01/years/2024');
    const months = [...res.body.matchAll(/data-month="(\d{4}-\d{2})"/g)].map((m) => m[1]);
    expect(months).toEqual(monthsOfFiscalYear(2024));
    expect(res.body).toContain('href="/districts/E01/reports/2024-04"');
    expect(res.body).toContain('href="/districts/E01/reports/2025-03"');
    expect(res.body).toContain('href="/districts/E01/years/2023"');
    expect(res.body).toContain('href="/districts/E01/years/2024/export.csv"');
    expect(res.body).toContain('href="/districts/E01/years/2024/export.xlsx"');
  });

  it('marks reported, not yet reported, overdue and future months', async () => {
    const twoAgo = addMonths(currentMonth(), -2);
    const oneAgo = addMonths(currentMonth(), -1);
    const threeAgo = addMonths(currentMonth(), -3);
    storeReport(ctx.database, ids.d1, threeAgo);
    // A saved form with every count blank is not a report.
    storeReport(ctx.database, ids.d1, twoAgo, monthlyValues({ note: 'あとで' }));
    const client = await signedIn(ctx.app, 'district-e01');
    const pages = new Map<number, string>();
    const page = async (m: string) => {
      const fy = fiscalYearOfMonth(m);
      if (!pages.has(fy)) pages.set(fy, (await client.get(`/districts/E01/years/${fy}`)).body);
      return pages.get(fy)!;
    };
    expect(statusOf(await page(threeAgo), threeAgo)).toContain('報告済み');
    expect(statusOf(await page(twoAgo), twoAgo)).toContain('期限超過');
    const expected = isOverdue(oneAgo, todayInJapan(), 10) ? '期限超過' : '未報告';
    expect(statusOf(await page(oneAgo), oneAgo)).toContain(expected);
    expect(statusOf(await page(currentMonth()), currentMonth())).toContain('未報告');
    const next = await client.get(`/districts/E01/years/${currentFiscalYear() + 1}`);
    expect(statusOf(next.body, `${currentFiscalYear() + 1}-04`)).toContain('まだ先');
    expect(next.body).not.toContain(`href="/districts/E01/reports/${currentFiscalYear() + 1}-04"`);
  });

  it('follows the due-day setting', async () => {
    const twoAgo = addMonths(currentMonth(), -2);
    updateSetting(ctx.database.db, 'reportDueDay', 28, null);
    const client = await signedIn(ctx.app, 'district-e01');
    const body = (await client.get(`/districts/E01/years/${fiscalYearOfMonth(twoAgo)}`)).body;
    // Two months ago was due on the 28th of last month, which has passed.
    expect(statusOf(body, twoAgo)).toContain('期限超過');
    expect(body).toContain('翌月28日まで');
  });

  it('shows the values, the totals of flow items and the yearly values of the seven items', async () => {
    storeReport(ctx.database, ids.d1, '2024-04', typicalValues({ mutual_aid_cases: 10, well_club_participants: 100, coordination_meetings: 1 }));
    storeReport(ctx.database, ids.d1, '2024-05', typicalValues({ mutual_aid_cases: 5, well_club_participants: null, coordination_meetings: 0 }));
    storeReport(
      ctx.database,
      ids.d1,
      '2025-03',
      typicalValues({ watched_elderly: 2000, mutual_aid_cases: 1234, well_club_participants: 7, coordination_meetings: 2 }),
    );
    // Through the registers' write paths, which keep the stored figures the page reads.
    createSalon(ctx.database.db, ids.d1, { name: 'ひまわり', venue: '', openedOn: '2020-04-01', closedOn: null, subsidyApplied: false }, null);
    createPlan(ctx.database.db, ids.d1, { generation: 2, formulatedFy: 2024, firstFy: 2024, lastFy: 2028 }, null);
    // Another district's figures must not leak in.
    storeReport(ctx.database, ids.d2, '2024-04', typicalValues({ mutual_aid_cases: 99999 }));
    const client = await signedIn(ctx.app, 'district-e01');
    const body = (await client.get('/districts/E01/years/2024')).body;
    expect(rowOf(body, '2025-03')).toContain('2,000');
    expect(rowOf(body, '2025-03')).toContain('2,120'); // watched total 2000+50+40+30
    const totals = body.slice(body.indexOf('<tfoot>'), body.indexOf('</tfoot>'));
    expect(totals).toContain('1,249'); // ② 10 + 5 + 1234
    expect(totals).toContain('107'); // ⑤ 100 + 7
    const yearly = body.slice(body.indexOf('yearly-table'));
    const item = (n: number) => {
      const s = yearly.indexOf(`data-item="${n}"`);
      return yearly.slice(s, yearly.indexOf('</tr>', s));
    };
    expect(item(1)).toContain('2,120 世帯');
    expect(item(2)).toContain('1,249 件');
    expect(item(3)).toContain('該当しない'); // 2 meeting months < 6
    expect(item(4)).toContain('該当');
    expect(item(4)).not.toContain('該当しない');
    expect(item(5)).toContain('107 人');
    expect(item(6)).toContain('1 か所');
    expect(item(7)).not.toContain('該当しない');
    expect(body).not.toContain('99,999');
  });

  it('says when the year is closed', async () => {
    closeFiscalYear(ctx.database.db, 2024, 1);
    const client = await signedIn(ctx.app, 'city');
    expect((await client.get('/districts/E01/years/2024')).body).toContain('年度確定済み');
    expect((await client.get('/districts/E01/years/2023')).body).not.toContain('年度確定済み');
  });

  it('lets ward staff read their ward only, and nobody outside their scope', async () => {
    const east = await signedIn(ctx.app, 'ward-east');
    expect((await east.get('/districts/E02/years/2024')).statusCode).toBe(200);
    expect((await east.get('/districts/W01/years/2024')).statusCode).toBe(403);
    const district = await signedIn(ctx.app, 'district-w01');
    expect((await district.get('/districts/E01/years/2024')).statusCode).toBe(403);
    const anon = await new Client(ctx.app).get('/districts/E01/years/2024');
    expect(anon.statusCode).toBe(303);
  });

  it('shows the previous year link always and the next one only up to the current year', async () => {
    const fy = currentFiscalYear();
    const client = await signedIn(ctx.app, 'city');
    const body = (await client.get(`/districts/E01/years/${fy}`)).body;
    expect(body).toContain(`href="/districts/E01/years/${fy - 1}"`);
    expect(body).not.toContain(`href="/districts/E01/years/${fy + 1}"`);
    expect(body).toContain(warekiShort(fy - 1));
  });
});
