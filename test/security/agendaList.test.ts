import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, seedSmallCity, signedIn, type Client, type TestContext } from '../support/app.js';

/*
 * Finding 13 of the production issue: the agenda list showed ward users the
 * headings of sheets whose tables show another ward, which they cannot open.
 * The list now holds exactly the sheets the user may open.
 */

let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

/** Creates a one-table sheet with the given heading and table scope, through the editor. */
async function createSheet(city: Client, heading: string, scope: string): Promise<number> {
  const fields: Record<string, string> = {
    heading,
    subheading: '',
    from: '2019',
    to: '2023',
    version: '0',
    tableCount: '1',
    sectionCount: '0',
    't0.kind': 'items',
    't0.scope': scope,
    't0.heading': '前年度までの推移',
    't0.basis': 'yoy',
    't0.flatPercent': '5',
    't0.strongPercent': '20',
    't0.headerStyle': 'short',
    't0.showTrend': '1',
    't0.note': '',
    op: 'save',
  };
  for (const k of ['1', '2', '3', '4', '5', '6', '7']) {
    fields[`t0.r.${k}.order`] = k;
    fields[`t0.r.${k}.arrow`] = '';
  }
  await city.get('/agendas/new');
  const res = await city.post('/agendas/new', fields);
  expect(res.statusCode).toBe(303);
  return Number(/^\/agendas\/(\d+)\/edit$/.exec(String(res.headers.location))![1]);
}

describe('the agenda list', () => {
  it('shows a ward user only the sheets they may open; the city sees every sheet', async () => {
    ctx = await createTestApp();
    await seedSmallCity(ctx.database);
    const city = await signedIn(ctx.app, 'city');
    const sheets = {
      city: await createSheet(city, '全市の状況シート', 'city'),
      west: await createSheet(city, '西区だけの極秘シート', 'ward:西区'),
      east: await createSheet(city, '東区のシート', 'ward:東区'),
      eastDistrict: await createSheet(city, '東二校区のシート', 'district:E02'),
      westDistrict: await createSheet(city, '西一校区の極秘シート', 'district:W01'),
    };
    const visible = async (client: Client) => {
      const res = await client.get('/agendas');
      expect(res.statusCode).toBe(200);
      return Object.entries(sheets)
        .filter(([, id]) => res.body.includes(`/agendas/${id}/print`))
        .map(([name]) => name)
        .sort();
    };
    expect(await visible(city)).toEqual(['city', 'east', 'eastDistrict', 'west', 'westDistrict']);

    const east = await signedIn(ctx.app, 'ward-east');
    expect(await visible(east)).toEqual(['city', 'east', 'eastDistrict']);
    const eastList = (await east.get('/agendas')).body;
    expect(eastList).not.toContain('西区だけの極秘シート');
    expect(eastList).not.toContain('西一校区の極秘シート');
    // Everything listed opens; what is hidden is refused.
    for (const name of ['city', 'east', 'eastDistrict'] as const) expect((await east.get(`/agendas/${sheets[name]}/print`)).statusCode).toBe(200);
    for (const name of ['west', 'westDistrict'] as const) expect((await east.get(`/agendas/${sheets[name]}/print`)).statusCode).toBe(403);

    const west = await signedIn(ctx.app, 'ward-west');
    expect(await visible(west)).toEqual(['city', 'west', 'westDistrict']);
    expect((await west.get('/agendas')).body).not.toContain('東区のシート');
  });
});
