import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { formFields, monthlyAuditCount, monthsAgo, report, storeReport, typicalValues } from './helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

const month = monthsAgo(2);
const url = `/districts/E01/reports/${month}`;

function hiddenFields(html: string): Record<string, string> {
  const form = html.slice(html.indexOf('<form method="post" action="/districts/E01/reports/'));
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    out[m[1]!] = m[2]!
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  }
  return out;
}

describe('two people editing the same month', () => {
  it('refuses a stale version with 409, leaves the stored row untouched, and shows both versions', async () => {
    const district = await signedIn(ctx.app, 'district-e01');
    const ward = await signedIn(ctx.app, 'ward-east');
    // Both open the empty month (version 0); the ward saves first.
    expect((await ward.post(url, formFields({ watched_elderly: '1500', note: '区で確認済み' }))).statusCode).toBe(303);
    const stored = report(ctx.database, ids.d1, month)!;
    const audits = monthlyAuditCount(ctx.database);

    const res = await district.post(url, formFields({ watched_elderly: '1450', mutual_aid_cases: '12', note: '地区の集計' }));
    expect(res.statusCode).toBe(409);
    expect(report(ctx.database, ids.d1, month)).toEqual(stored);
    expect(monthlyAuditCount(ctx.database)).toBe(audits);
    expect(res.body).toContain('ほかの人がこの月の報告を保存しました');
    expect(res.body).toContain('ward-east'); // who saved it
    const row = res.body.slice(res.body.indexOf('data-field="watched_elderly"'), res.body.indexOf('data-field="watched_disability"'));
    expect(row).toContain('1,500');
    expect(row).toContain('1,450');
    expect(row).toContain('違い');
    expect(res.body).toContain('区で確認済み');
    expect(res.body).toContain('地区の集計');
    expect(res.body).toContain('保存されている内容を残す');
    expect(res.body).toContain('入力した内容で上書きする');
  });

  it('offers to keep the stored values: back to the form showing them', async () => {
    storeReport(ctx.database, ids.d1, month, typicalValues({ watched_elderly: 1500 }));
    const district = await signedIn(ctx.app, 'district-e01');
    const res = await district.post(url, formFields({ watched_elderly: '1450' }, '0'));
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(`href="${url}"`);
    const form = await district.get(url);
    expect(form.body).toContain('value="1500"');
    expect(form.body).toContain('name="version" value="1"');
  });

  it('overwrites with the typed values only when the user chooses to, using the current version', async () => {
    storeReport(ctx.database, ids.d1, month, typicalValues({ watched_elderly: 1500, note: null }));
    const district = await signedIn(ctx.app, 'district-e01');
    const note = '一行目\n"二行目" <b>';
    const res = await district.post(url, formFields({ watched_elderly: '１，４５０', watched_other: '', note }, '0'));
    expect(res.statusCode).toBe(409);
    const hidden = hiddenFields(res.body);
    expect(hidden.version).toBe('1');
    expect(hidden.note).toBe(note);
    expect(hidden.watched_elderly).toBe('１，４５０');

    const overwrite = await district.post(url, hidden);
    expect(overwrite.statusCode).toBe(303);
    const saved = report(ctx.database, ids.d1, month)!;
    expect(saved.watchedElderly).toBe(1450);
    expect(saved.watchedOther).toBeNull();
    expect(saved.note).toBe(note);
    expect(saved.version).toBe(2);

    // The same overwrite form sent again is stale now, and is refused rather than applied twice.
    expect((await district.post(url, hidden)).statusCode).toBe(409);
  });
});
