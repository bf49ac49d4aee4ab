import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { currentFiscalYear, monthsOfFiscalYear } from '../../src/domain/fiscalYear.js';
import { storeReport } from '../monthlyReports/helpers.js';

/*
 * Issue 12, finding 9 and "What must exist": the smaller items found by using the app
 * (see .screens/ux/CHECKLIST.md for where every item of the issue is tested).
 */
describe('the smaller items of issue 12', () => {
  let ctx: TestContext;
  let ids: Awaited<ReturnType<typeof seedSmallCity>>;

  beforeEach(async () => {
    ctx = await createTestApp();
    ids = await seedSmallCity(ctx.database);
  });
  afterEach(async () => ctx.close());

  it('the completeness grid can show only the districts with overdue months (gaps only)', async () => {
    const fy = currentFiscalYear() - 1;
    for (const month of monthsOfFiscalYear(fy)) storeReport(ctx.database, ids.d1, month);
    const client = await signedIn(ctx.app, 'ward-east');
    const all = await client.get(`/completeness?fy=${fy}`);
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('data-code="E01"');
    expect(all.body).toContain('data-code="E02"');
    expect(all.body).toMatch(/<input type="checkbox" id="gaps" name="gaps" value="1">/);

    const gaps = await client.get(`/completeness?fy=${fy}&gaps=1`);
    expect(gaps.statusCode).toBe(200);
    expect(gaps.body).not.toContain('data-code="E01"');
    expect(gaps.body).toContain('data-code="E02"');
    expect(gaps.body).toMatch(/<input type="checkbox" id="gaps" name="gaps" value="1" checked>/);
    expect(gaps.body).toContain('期限を過ぎて未報告の月がある校(地)区だけを表示しています');
    // The ward's counts stay those of every district: 1 of 2 reported each month.
    expect(gaps.body).toMatch(/<td class="num count"[^>]*>1\/2/);
  });

  it('the ward home shows how many months are overdue, the same count as 報告状況, and links to the gaps', async () => {
    const client = await signedIn(ctx.app, 'ward-east');
    const completeness = await client.get('/completeness');
    const total = /のべ<strong class="text-error">([\d,]+)<\/strong>か月分/.exec(completeness.body)?.[1] ?? null;
    const home = await client.get('/');
    expect(home.statusCode).toBe(200);
    if (total === null) {
      // Early in a fiscal year nothing is overdue yet.
      expect(home.body).toContain('期限を過ぎて未報告の月はありません。');
    } else {
      expect(home.body).toContain(`のべ<strong>${total}</strong>か月分あります。`);
      expect(home.body).toMatch(/href="\/completeness\?fy=\d{4}&amp;gaps=1">未報告のある校\(地\)区を見る</);
    }
    // City and district homes are unchanged by this (the city has 報告状況 itself, a district its own list).
    const city = await signedIn(ctx.app, 'city');
    expect((await city.get('/')).body).not.toContain('overdue-count');
  });

  it("every 印刷する button comes with the hint on the browser's header and footer, both hidden until script runs", async () => {
    const client = await signedIn(ctx.app, 'city');
    for (const url of ['/completeness', '/charts/trend?scope=city&item=1']) {
      const page = await client.get(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toMatch(/<button type="button" class="secondary" data-print hidden>印刷する<\/button>/);
      expect(page.body, url).toMatch(/data-print-hint hidden>印刷の設定で『ヘッダーとフッター』を外し、用紙をA4(縦|横)にしてください。</);
    }
  });

  it('no page uses a placeholder: hints are text beside the field', () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.eta') && /\splaceholder=/.test(readFileSync(path, 'utf8'))) found.push(path);
      }
    };
    walk(join(process.cwd(), 'views'));
    expect(found).toEqual([]);
  });
});

describe('cancel links look and read the same on every form', () => {
  it('every cancel link starts with 「やめて」 and is styled as a secondary button', () => {
    const links: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.eta'))
          for (const m of readFileSync(path, 'utf8').matchAll(/<a\b[^\n]*?>(やめて|キャンセル|取り消す)[^<]*<\/a>/g)) links.push(`${name}: ${m[0]}`);
      }
    };
    walk(join(process.cwd(), 'views'));
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((l) => !/class="button"/.test(l) || !/>やめて/.test(l))).toEqual([]);
  });
});
