import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { createSalon } from '../../src/salons/repository.js';
import { allSalons, fieldError, inputValue, registerAudit } from './helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

const salonInput = { name: 'ふれあいサロン', venue: '市民センター', openedOn: '2024-04-01', closedOn: null, subsidyApplied: false };

describe('salon register: happy paths', () => {
  it('adds a salon typed with full-width wareki dates, and lists it', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const form = await client.get('/districts/E01/salons/new');
    expect(form.statusCode).toBe(200);
    const res = await client.post('/districts/E01/salons/new', {
      name: ' ふれあいサロン東一 ',
      venue: '東一市民センター',
      opened_on: '令和６年４月１日',
      closed_on: '',
      subsidy_applied: '1',
      version: '0',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/districts/E01/salons');
    const [row] = allSalons(ctx.database);
    expect(row).toMatchObject({
      districtId: ids.d1,
      name: 'ふれあいサロン東一',
      venue: '東一市民センター',
      openedOn: '2024-04-01',
      closedOn: null,
      subsidyApplied: true,
      version: 1,
    });

    const list = await client.get('/districts/E01/salons');
    expect(list.body).toContain('サロン「ふれあいサロン東一」を登録しました。');
    // Dates may break after 年 on narrow screens.
    expect(list.body).toContain('<td class="date">令和6年<wbr>4月1日</td>');
    expect(list.body).toContain('ふれあいサロン東一');
  });

  it('edits a salon with a Gregorian slash date and keeps exactly one audit event with before and after', async () => {
    const salon = createSalon(ctx.database.db, ids.d1, salonInput, null);
    const client = await signedIn(ctx.app, 'district-e01');
    const edit = await client.get(`/districts/E01/salons/${salon.id}/edit`);
    expect(inputValue(edit.body, 'opened_on')).toBe('令和6年4月1日');
    expect(inputValue(edit.body, 'version')).toBe('1');
    const before = registerAudit(ctx.database, 'salon').length;
    const res = await client.post(`/districts/E01/salons/${salon.id}/edit`, {
      name: 'ふれあいサロン',
      venue: '公民館',
      opened_on: '２０２４／５／１',
      closed_on: '',
      version: '1',
    });
    expect(res.statusCode).toBe(303);
    const [row] = allSalons(ctx.database);
    expect(row).toMatchObject({ venue: '公民館', openedOn: '2024-05-01', subsidyApplied: false, version: 2 });
    const events = registerAudit(ctx.database, 'salon');
    expect(events.length).toBe(before + 1);
    const event = events.at(-1)!;
    expect(event).toMatchObject({ action: 'update', districtId: ids.d1, entityId: String(salon.id) });
    expect(JSON.parse(event.before!)).toMatchObject({ venue: '市民センター', openedOn: '2024-04-01', version: 1 });
    expect(JSON.parse(event.after!)).toMatchObject({ venue: '公民館', openedOn: '2024-05-01', version: 2 });
  });

  it('saving an unchanged form writes nothing', async () => {
    const salon = createSalon(ctx.database.db, ids.d1, salonInput, null);
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post(`/districts/E01/salons/${salon.id}/edit`, {
      name: 'ふれあいサロン',
      venue: '市民センター',
      opened_on: 'R6.4.1',
      version: '1',
    });
    expect(res.statusCode).toBe(303);
    expect(allSalons(ctx.database)[0]!.version).toBe(1);
    expect(registerAudit(ctx.database, 'salon').length).toBe(1);
    expect((await client.get('/districts/E01/salons')).body).toContain('変更はありませんでした。');
  });

  it('closes a salon on a wareki date, audited as a closing', async () => {
    const salon = createSalon(ctx.database.db, ids.d1, salonInput, null);
    const client = await signedIn(ctx.app, 'district-e01');
    const page = await client.get(`/districts/E01/salons/${salon.id}/close`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('閉鎖日');
    const res = await client.post(`/districts/E01/salons/${salon.id}/close`, { closed_on: 'Ｒ７．３．３１', version: '1' });
    expect(res.statusCode).toBe(303);
    expect(allSalons(ctx.database)[0]).toMatchObject({ closedOn: '2025-03-31', version: 2 });
    const events = registerAudit(ctx.database, 'salon');
    expect(events.length).toBe(2);
    expect(events[1]).toMatchObject({ action: 'close', districtId: ids.d1 });
    expect(JSON.parse(events[1]!.before!)).toMatchObject({ closedOn: null });
    expect(JSON.parse(events[1]!.after!)).toMatchObject({ closedOn: '2025-03-31' });
    const list = await client.get('/districts/E01/salons');
    expect(list.body).toContain('令和7年3月31日で閉鎖として記録しました。');
  });

  it('deletes a salon entered by mistake, audited with the row as before', async () => {
    const salon = createSalon(ctx.database.db, ids.d1, salonInput, null);
    const client = await signedIn(ctx.app, 'district-e01');
    const edit = await client.get(`/districts/E01/salons/${salon.id}/edit`);
    expect(edit.body).toContain('data-confirm=');
    const res = await client.post(`/districts/E01/salons/${salon.id}/delete`, { confirmed: '1', version: '1' });
    expect(res.statusCode).toBe(303);
    expect(allSalons(ctx.database)).toEqual([]);
    const event = registerAudit(ctx.database, 'salon').at(-1)!;
    expect(event).toMatchObject({ action: 'delete', districtId: ids.d1, after: null });
    expect(JSON.parse(event.before!)).toMatchObject({ id: salon.id, name: 'ふれあいサロン' });
  });

  it('lists open salons before closed ones', async () => {
    createSalon(ctx.database.db, ids.d1, { ...salonInput, name: '閉じたサロン', openedOn: '2010-04-01', closedOn: '2020-03-31' }, null);
    createSalon(ctx.database.db, ids.d1, { ...salonInput, name: '新しいサロン', openedOn: '2024-06-01' }, null);
    createSalon(ctx.database.db, ids.d1, { ...salonInput, name: '古いサロン', openedOn: '2015-06-01' }, null);
    const client = await signedIn(ctx.app, 'district-e01');
    const body = (await client.get('/districts/E01/salons')).body;
    const order = ['古いサロン', '新しいサロン', '閉じたサロン'].map((n) => body.indexOf(n));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('does not count a salon closed on March 31 as open in that fiscal year', async () => {
    // Open from R5.4.1 until R7.3.31: open at the end of R5 (2024-03-31), not at the end of R6 (2025-03-31).
    createSalon(ctx.database.db, ids.d1, { ...salonInput, openedOn: '2023-04-01', closedOn: '2025-03-31' }, null);
    const client = await signedIn(ctx.app, 'district-e01');
    const body = (await client.get('/districts/E01/salons')).body;
    const table = /<table class="data year-end-table">[\s\S]*?<\/table>/.exec(body)![0];
    const years = [...table.matchAll(/<th scope="col">(令和\d+年度)<\/th>/g)].map((m) => m[1]);
    const counts = [...table.matchAll(/<td class="num">(\d+)/g)].map((m) => Number(m[1]));
    const byYear = Object.fromEntries(years.map((y, i) => [y ?? '', counts[i]] as const));
    expect(byYear['令和5年度']).toBe(1);
    expect(byYear['令和6年度']).toBe(0);
  });
});

describe('salon register: validation', () => {
  it('re-shows the form with 422, every typed value kept, a message beside each bad field, and writes nothing', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const typed = { name: '', venue: 'v'.repeat(101), opened_on: '令和6年2月30日', closed_on: 'あした', subsidy_applied: '1', version: '0' };
    const res = await client.post('/districts/E01/salons/new', typed);
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('error-summary');
    for (const f of ['venue', 'opened_on', 'closed_on'] as const) expect(inputValue(res.body, f)).toBe(typed[f]);
    expect(res.body).toMatch(/name="subsidy_applied" value="1" checked/);
    expect(fieldError(res.body, 'name')).toBe('サロンの名前を入力してください。');
    expect(fieldError(res.body, 'venue')).toContain('100文字以内');
    expect(fieldError(res.body, 'opened_on')).toBe('その日付は存在しません。');
    expect(fieldError(res.body, 'closed_on')).toContain('のように入力してください');
    expect(allSalons(ctx.database)).toEqual([]);
    expect(registerAudit(ctx.database, 'salon')).toEqual([]);
    // The re-shown form can be sent again (it carries a fresh CSRF token).
    const again = await client.post('/districts/E01/salons/new', { ...typed, name: 'a', venue: 'b', opened_on: 'R6.4.1', closed_on: '' });
    expect(again.statusCode).toBe(303);
  });

  it('refuses a closing date before the opening date on edit and on closing, changing nothing', async () => {
    const salon = createSalon(ctx.database.db, ids.d1, salonInput, null);
    const client = await signedIn(ctx.app, 'district-e01');
    const edit = await client.post(`/districts/E01/salons/${salon.id}/edit`, { name: 'x', opened_on: 'R6.4.1', closed_on: 'R6.3.31', version: '1' });
    expect(edit.statusCode).toBe(422);
    expect(fieldError(edit.body, 'closed_on')).toContain('開設日と同じ日か');
    expect(inputValue(edit.body, 'name')).toBe('x');
    const close = await client.post(`/districts/E01/salons/${salon.id}/close`, { closed_on: '2024/3/1', version: '1' });
    expect(close.statusCode).toBe(422);
    expect(inputValue(close.body, 'closed_on')).toBe('2024/3/1');
    expect(allSalons(ctx.database)[0]).toMatchObject({ name: 'ふれあいサロン', closedOn: null, version: 1 });
    expect(registerAudit(ctx.database, 'salon').length).toBe(1);
  });
});

describe('salon register: conflicts', () => {
  it('refuses a stale edit with 409, shows the stored entry beside the typed one, and leaves the row untouched', async () => {
    const salon = createSalon(ctx.database.db, ids.d1, salonInput, null);
    const first = await signedIn(ctx.app, 'district-e01');
    const second = await signedIn(ctx.app, 'ward-east');
    expect(
      (await first.post(`/districts/E01/salons/${salon.id}/edit`, { name: 'サロン甲', venue: '会場甲', opened_on: 'R6.4.1', version: '1' })).statusCode,
    ).toBe(303);
    const stale = await second.post(`/districts/E01/salons/${salon.id}/edit`, { name: 'サロン乙', venue: '会場乙', opened_on: 'R6.4.1', version: '1' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('ほかの方が先にサロンを変更しました');
    expect(stale.body).toContain('サロン甲');
    expect(inputValue(stale.body, 'name')).toBe('サロン乙');
    expect(inputValue(stale.body, 'version')).toBe('2');
    expect(allSalons(ctx.database)[0]).toMatchObject({ name: 'サロン甲', venue: '会場甲', version: 2 });
    expect(registerAudit(ctx.database, 'salon').length).toBe(2);
    // Choosing to keep what was typed: sending the shown form again saves it.
    const retry = await second.post(`/districts/E01/salons/${salon.id}/edit`, { name: 'サロン乙', venue: '会場乙', opened_on: 'R6.4.1', version: '2' });
    expect(retry.statusCode).toBe(303);
    expect(allSalons(ctx.database)[0]).toMatchObject({ name: 'サロン乙', version: 3 });
  });

  it('refuses a stale closing and a stale delete with 409', async () => {
    const salon = createSalon(ctx.database.db, ids.d1, salonInput, null);
    const client = await signedIn(ctx.app, 'district-e01');
    await client.post(`/districts/E01/salons/${salon.id}/edit`, { name: '変更後', opened_on: 'R6.4.1', version: '1' });
    const close = await client.post(`/districts/E01/salons/${salon.id}/close`, { closed_on: 'R7.3.31', version: '1' });
    expect(close.statusCode).toBe(409);
    expect(close.body).toContain('変更後');
    const del = await client.post(`/districts/E01/salons/${salon.id}/delete`, { confirmed: '1', version: '1' });
    expect(del.statusCode).toBe(409);
    expect(del.body).toContain('削除する前に、ほかの方が');
    const missing = await client.post(`/districts/E01/salons/${salon.id}/delete`, { confirmed: '1' });
    expect(missing.statusCode).toBe(409);
    expect(allSalons(ctx.database)[0]).toMatchObject({ name: '変更後', closedOn: null, version: 2 });
    expect(registerAudit(ctx.database, 'salon').map((e) => e.action)).toEqual(['create', 'update']);
  });
});
