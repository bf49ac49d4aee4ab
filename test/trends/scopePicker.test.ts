import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDistrict, addWard, createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';

let ctx: TestContext;

beforeEach(async () => {
  ctx = await createTestApp();
  await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

/** The values of the <option>s inside a <select>'s HTML, in order. */
function optionValues(select: string): string[] {
  return [...select.matchAll(/<option value="([^"]*)"/g)].map(([, value]) => {
    if (value === undefined) throw new Error('option value not captured');
    return value;
  });
}

/** The values of the scope picker's options, in order. */
function options(html: string): string[] {
  const select = /<select id="scope" name="scope"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1];
  if (select === undefined) throw new Error('no scope picker on the page');
  return optionValues(select);
}

describe('the scope picker of the trend pages', () => {
  it('offers city staff the wards, then the districts of the ward being shown', async () => {
    const city = await signedIn(ctx.app, 'city');
    const cityPage = (await city.get('/trends?scope=city&from=2023&to=2024')).body;
    expect(options(cityPage)).toEqual(['city', 'ward:東区', 'ward:西区']);
    expect(cityPage).toContain('区を選んで表示すると');
    expect(options((await city.get(`/trends?scope=${encodeURIComponent('ward:東区')}&from=2023&to=2024`)).body)).toEqual([
      'city',
      'ward:東区',
      'ward:西区',
      'district:E01',
      'district:E02',
    ]);
    // A district shown: the districts of its ward, itself selected.
    const districtPage = (await city.get('/trends/households?scope=district:W01&from=2023&to=2024')).body;
    expect(options(districtPage)).toEqual(['city', 'ward:東区', 'ward:西区', 'district:W01']);
    expect(districtPage).toContain('<option value="district:W01" selected>');
  });

  it('offers ward staff their ward and its districts, and district staff their district', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    expect(options((await ward.get('/trends?from=2023&to=2024')).body)).toEqual(['city', 'ward:東区', 'district:E01', 'district:E02']);
    const district = await signedIn(ctx.app, 'district-w01');
    expect(options((await district.get('/trends?from=2023&to=2024')).body)).toEqual(['district:W01']);
  });
});

describe('the scope pickers of the other pages in a large city', () => {
  /** The options of the first <select> whose id ends with `scope`. */
  function firstPicker(html: string): string[] {
    const select = /<select id="[^"]*scope" name="[^"]*scope"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1];
    if (select === undefined) throw new Error('no scope picker on the page');
    return optionValues(select);
  }

  it("lists every district in a small city, and only the shown ward's districts above 300", async () => {
    const city = await signedIn(ctx.app, 'city');
    // The small city: every district, as before.
    expect(firstPicker((await city.get('/published-figures?scope=city&from=2023&to=2024')).body)).toEqual([
      'city',
      'ward:東区',
      'ward:西区',
      'district:E01',
      'district:E02',
      'district:W01',
    ]);
    expect(firstPicker((await city.get('/agendas/new')).body)).toContain('district:W01');
    // A large city: 300 more districts in a third ward.
    const wardId = addWard(ctx.database, '北区', 3);
    for (let i = 0; i < 300; i++) addDistrict(ctx.database, { code: `N${String(i).padStart(3, '0')}`, name: `北${i}校区`, wardId });
    expect(firstPicker((await city.get('/published-figures?scope=city&from=2023&to=2024')).body)).toEqual(['city', 'ward:東区', 'ward:西区', 'ward:北区']);
    const shown = firstPicker((await city.get('/published-figures?scope=district:W01&from=2023&to=2024')).body);
    expect(shown).toEqual(['city', 'ward:東区', 'ward:西区', 'ward:北区', 'district:W01']);
    const editor = firstPicker((await city.get('/agendas/new')).body);
    expect(editor.filter((k) => k.startsWith('district:'))).toEqual([]);
    expect(editor).toContain('ward:北区');
  });
});
