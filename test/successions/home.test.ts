/** A district's home page lists as due only the months on its side of a succession's first month (DESIGN §2). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addUser, createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { addMonths, currentFiscalYear, currentMonth, monthsOfFiscalYear } from '../../src/domain/fiscalYear.js';
import { recordSuccession } from '../../src/successions/repository.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  await addUser(ctx.database, { login: 'district-e02', role: 'district', districtId: ids.d2 });
});
afterEach(async () => ctx.close());

function dueMonths(html: string): string[] {
  return [...html.matchAll(/<li class="(?:overdue)?" data-month="(\d{4}-\d{2})">/g)].map((m) => m[1]!);
}

describe('district home page after a merge', () => {
  it('lists the predecessor due up to the month before, the successor from the first month', async () => {
    const first = addMonths(currentMonth(), -3);
    recordSuccession(ctx.database.db, { label: '東の統合', predecessorCodes: ['E01'], successorCodes: ['E02'], firstMonth: first }, { userId: 1 });
    const fy = currentFiscalYear();
    const all = [...monthsOfFiscalYear(fy - 1), ...monthsOfFiscalYear(fy)].filter((m) => m < currentMonth());
    const e01 = dueMonths((await (await signedIn(ctx.app, 'district-e01')).get('/')).body);
    const e02 = dueMonths((await (await signedIn(ctx.app, 'district-e02')).get('/')).body);
    expect(e02).toEqual(all.filter((m) => m >= first));
    // E01 ends with the event: due only before the first month (and only in the years it is active).
    expect(e01.length).toBeGreaterThan(0);
    expect(e01.every((m) => m < first)).toBe(true);
  });
});
