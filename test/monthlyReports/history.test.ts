import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { monthLabelLong, monthLabelShort } from '../../src/domain/fiscalYear.js';
import { toFullWidth } from '../../src/domain/narrative.js';
import { formFields, monthsAgo } from './helpers.js';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestApp();
  await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

const m1 = monthsAgo(1);
const m2 = monthsAgo(2);

async function makeHistory() {
  const district = await signedIn(ctx.app, 'district-e01');
  await district.post(`/districts/E01/reports/${m2}`, formFields({ watched_elderly: '100' }));
  await district.post(`/districts/E01/reports/${m1}`, formFields({ watched_elderly: '200', note: '<i>メモ</i>' }));
  const ward = await signedIn(ctx.app, 'ward-east');
  await ward.post(`/districts/E01/reports/${m1}`, formFields({ watched_elderly: '210', note: '<i>メモ</i>' }, '1'));
}

describe('district history', () => {
  it('lists events newest first with who, what and the changed fields only', async () => {
    await makeHistory();
    const city = await signedIn(ctx.app, 'city');
    const res = await city.get('/districts/E01/history');
    expect(res.statusCode).toBe(200);
    const heads = [...res.body.matchAll(/<p class="history-head"><strong>([^<]+)<\/strong>/g)].map((m) => m[1]);
    expect(heads).toEqual([`月次報告（${monthLabelLong(m1)}）を変更`, `月次報告（${monthLabelLong(m1)}）を登録`, `月次報告（${monthLabelLong(m2)}）を登録`]);
    const first = res.body.slice(res.body.indexOf('history-entry'), res.body.indexOf('history-entry', res.body.indexOf('history-entry') + 1));
    expect(first).toContain('ward-east');
    expect(first).toContain('区社協による修正');
    expect(first).toContain('見守り世帯数（高齢者世帯）');
    expect(first).toMatch(/<td class="before">200<\/td><td class="after">210<\/td>/);
    expect(first).not.toContain('備考'); // unchanged fields are left out
    expect(res.body).toContain('&lt;i&gt;メモ&lt;/i&gt;');
    expect(res.body).not.toContain('<i>メモ</i>');
  });

  it('filters by month', async () => {
    await makeHistory();
    const ward = await signedIn(ctx.app, 'ward-east');
    const res = await ward.get(`/districts/E01/history?month=${m2}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`月次報告（${monthLabelLong(m2)}）を登録`);
    expect(res.body).not.toContain(`月次報告（${monthLabelLong(m1)}）`);
    // Written in wareki, as every other date field accepts (令和8年9月, R8.9, full-width digits).
    for (const typed of [monthLabelLong(m2), monthLabelShort(m2), toFullWidth(monthLabelLong(m2))]) {
      const wareki = await ward.get(`/districts/E01/history?month=${encodeURIComponent(typed)}`);
      expect(wareki.statusCode, typed).toBe(200);
      expect(wareki.body).toContain(`月次報告（${monthLabelLong(m2)}）を登録`);
      expect(wareki.body).not.toContain(`月次報告（${monthLabelLong(m1)}）`);
    }
  });

  it('refuses a malformed month with 422 and a message beside the filter', async () => {
    const city = await signedIn(ctx.app, 'city');
    const res = await city.get('/districts/E01/history?month=2024-13');
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('月は 2024-04 または 令和6年4月 のように入力してください。');
    expect(res.body).toContain('value="2024-13"');
  });

  it('is for ward staff of the ward, city staff and the district itself only', async () => {
    await makeHistory();
    expect((await (await signedIn(ctx.app, 'district-e01')).get('/districts/E01/history')).statusCode).toBe(200);
    expect((await (await signedIn(ctx.app, 'district-w01')).get('/districts/E01/history')).statusCode).toBe(403);
    expect((await (await signedIn(ctx.app, 'ward-west')).get('/districts/E01/history')).statusCode).toBe(403);
  });
});
