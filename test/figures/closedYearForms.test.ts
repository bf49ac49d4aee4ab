/**
 * A salon or plan form whose dates fall in a closed fiscal year (DESIGN §7)
 * shows the form again with the message beside the date that is refused and
 * everything typed kept, instead of an error page; nothing is written.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { plans, salons, users } from '../../src/db/schema.js';
import { closedYearMessage, closeFiscalYear } from '../../src/fiscalYears/repository.js';
import { createSalon } from '../../src/salons/repository.js';
import { createPlan } from '../../src/plans/repository.js';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';

const CLOSED = closedYearMessage(2023);

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  const city = ctx.database.db.select().from(users).where(eq(users.login, 'city')).get()!;
  closeFiscalYear(ctx.database.db, 2023, city.id);
});
afterEach(async () => ctx.close());

/** The text of the error shown beside a field, or null. */
function fieldError(body: string, field: string): string | null {
  return new RegExp(`<span class="field-error" id="${field}-error">([^<]*)</span>`).exec(body)?.[1] ?? null;
}
/** The value a text field shows. */
function fieldValue(body: string, field: string): string | null {
  return new RegExp(`<input id="${field}" name="${field}"[^>]* value="([^"]*)"`).exec(body)?.[1] ?? null;
}

describe('a date in a closed year on the register forms', () => {
  it('shows the salon form again with the message beside 開設日 and what was typed', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post('/districts/E01/salons/new', {
      name: 'さかのぼりサロン',
      venue: '東一会館',
      opened_on: '2023-07-01',
      closed_on: '',
      subsidy_applied: '1',
      version: '0',
    });
    expect(res.statusCode).toBe(409);
    expect(fieldError(res.body, 'opened_on')).toBe(CLOSED);
    expect(fieldValue(res.body, 'name')).toBe('さかのぼりサロン');
    expect(fieldValue(res.body, 'venue')).toBe('東一会館');
    expect(fieldValue(res.body, 'opened_on')).toBe('2023-07-01');
    expect(res.body).toMatch(/name="subsidy_applied"[^>]*checked/);
    expect(ctx.database.db.select().from(salons).all()).toEqual([]);
  });

  it('puts a closing date in a closed year beside 閉所日, and a changed opening date beside 開設日', async () => {
    const salon = createSalon(ctx.database.db, ids.d1, { name: '東一サロン', venue: '', openedOn: '2021-05-01', closedOn: null, subsidyApplied: false }, null);
    const client = await signedIn(ctx.app, 'district-e01');
    const close = await client.post(`/districts/E01/salons/${salon.id}/close`, { closed_on: '2023-09-30', version: String(salon.version) });
    expect(close.statusCode).toBe(409);
    expect(fieldError(close.body, 'closed_on')).toBe(CLOSED);
    expect(fieldValue(close.body, 'closed_on')).toBe('2023-09-30');
    const edit = await client.post(`/districts/E01/salons/${salon.id}/edit`, {
      name: '東一サロン',
      venue: '',
      opened_on: '2023-06-01',
      closed_on: '',
      subsidy_applied: '0',
      version: String(salon.version),
    });
    expect(edit.statusCode).toBe(409);
    expect(fieldError(edit.body, 'opened_on')).toBe(CLOSED);
    expect(fieldValue(edit.body, 'opened_on')).toBe('2023-06-01');
    const stored = ctx.database.db.select().from(salons).where(eq(salons.id, salon.id)).get()!;
    expect([stored.openedOn, stored.closedOn, stored.version]).toEqual(['2021-05-01', null, salon.version]);
  });

  it('shows the plan form again with the message beside the year that is refused', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const created = await client.post('/districts/E01/plans/new', { generation: '1', formulated_fy: '2023', first_fy: '2024', last_fy: '2026', version: '0' });
    expect(created.statusCode).toBe(409);
    expect(fieldError(created.body, 'formulated_fy')).toBe(CLOSED);
    expect(fieldValue(created.body, 'first_fy')).toBe('2024');
    expect(fieldValue(created.body, 'last_fy')).toBe('2026');
    expect(ctx.database.db.select().from(plans).all()).toEqual([]);

    const plan = createPlan(ctx.database.db, ids.d1, { generation: 2, formulatedFy: 2024, firstFy: 2024, lastFy: 2026 }, null);
    const edit = await client.post(`/districts/E01/plans/${plan.id}/edit`, {
      generation: '2',
      formulated_fy: '2024',
      first_fy: '2022',
      last_fy: '2026',
      version: String(plan.version),
    });
    expect(edit.statusCode).toBe(409);
    expect(fieldError(edit.body, 'first_fy') ?? fieldError(edit.body, 'last_fy')).toBe(CLOSED);
    expect(fieldValue(edit.body, 'first_fy')).toBe('2022');
    expect(ctx.database.db.select().from(plans).where(eq(plans.id, plan.id)).get()!.firstFy).toBe(2024);
  });
});
