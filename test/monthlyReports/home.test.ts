import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { addMonths, currentFiscalYear, currentMonth, monthLabelLong, monthsOfFiscalYear } from '../../src/domain/fiscalYear.js';
import { isOverdue, todayInJapan } from '../../src/domain/due.js';
import { closeFiscalYear } from '../../src/fiscalYears/repository.js';
import { storeReport } from './helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

function dueMonths(html: string): string[] {
  return [...html.matchAll(/<li class="(?:overdue)?" data-month="(\d{4}-\d{2})">/g)].map((m) => m[1]!);
}

describe('district home page', () => {
  it('lists the months of this and last fiscal year that are over and not reported, with links', async () => {
    const fy = currentFiscalYear();
    const reportedMonth = addMonths(currentMonth(), -2);
    storeReport(ctx.database, ids.d1, reportedMonth);
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.get('/');
    expect(res.statusCode).toBe(200);
    const today = todayInJapan();
    const expected = [...monthsOfFiscalYear(fy - 1), ...monthsOfFiscalYear(fy)].filter((m) => m < currentMonth() && m !== reportedMonth);
    expect(dueMonths(res.body)).toEqual(expected);
    const oldest = expected[0]!;
    expect(res.body).toContain(`href="/districts/E01/reports/${oldest}"`);
    expect(res.body).toContain(`${monthLabelLong(oldest)}の報告`);
    const oneAgo = addMonths(currentMonth(), -1);
    const li = res.body.slice(res.body.indexOf(`data-month="${oneAgo}"`) - 30, res.body.indexOf(`data-month="${oneAgo}"`));
    expect(li.includes('overdue')).toBe(isOverdue(oneAgo, today, 10));
    expect(res.body).toContain('期限超過');
    expect(res.body).toContain('/districts/E01/salons');
  });

  it('leaves out closed years', async () => {
    closeFiscalYear(ctx.database.db, currentFiscalYear() - 1, 1);
    const client = await signedIn(ctx.app, 'district-e01');
    const due = dueMonths((await client.get('/')).body);
    expect(due).toEqual(monthsOfFiscalYear(currentFiscalYear()).filter((m) => m < currentMonth()));
  });

  it('says so when everything is reported', async () => {
    const fy = currentFiscalYear();
    for (const m of [...monthsOfFiscalYear(fy - 1), ...monthsOfFiscalYear(fy)]) if (m < currentMonth()) storeReport(ctx.database, ids.d1, m);
    const client = await signedIn(ctx.app, 'district-e01');
    const body = (await client.get('/')).body;
    expect(dueMonths(body)).toEqual([]);
    expect(body).toContain('すべて済んでいます');
  });
});
