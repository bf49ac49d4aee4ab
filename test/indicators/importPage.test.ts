/**
 * The import page tells what an indicators file may hold besides the documented columns
 * (issue 13, DESIGN §8, §11): the optional trailing columns decimals,numerator,denominator and
 * the rollup `ratio`, in plain Japanese; a ward user (monthly reports only) is not shown it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { pageText } from '../imports/pageSupport.js';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestApp();
  await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

describe('the import page’s hint on indicator definition files', () => {
  it('names the optional columns and the rollup words, ratio included, for a city user', async () => {
    const city = await signedIn(ctx.app, 'city');
    const page = await city.get('/imports');
    expect(page.statusCode).toBe(200);
    const text = pageText(page.body);
    expect(text).toMatch(/指標の定義 key, name, unit, entered_by, rollup, threshold, categories, first_fy, last_fy 指標の値/);
    expect(text).toContain('見出しの最後に decimals,numerator,denominator の列を足すこともできます（省略できます）');
    expect(text).toContain('decimals は小数点以下の桁数（0〜2、空欄は 0）');
    expect(text).toContain('numerator と denominator は ratio の指標の分子と分母にする指標の記号です');
    expect(text).toContain('ratio（割合：分子の指標 ÷ 分母の指標 × 100）');
    expect(text).toContain('districts_at_least（基準の値以上の校(地)区の数）');
  });

  it('is not shown to a ward user, who imports monthly reports only', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    const page = await ward.get('/imports');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('decimals,numerator,denominator');
  });
});
