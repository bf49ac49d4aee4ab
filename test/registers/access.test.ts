import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import type { Database$ } from '../../src/db/index.js';
import { createSalon } from '../../src/salons/repository.js';
import { createPlan } from '../../src/plans/repository.js';
import { createCaseStudy } from '../../src/caseStudies/repository.js';
import { allCaseStudies, allPlans, allSalons, registerAudit } from './helpers.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

/** What the scope tests need to know about each register. */
interface RegisterCase {
  name: string;
  path: string;
  entity: 'salon' | 'plan' | 'case_study';
  valid: Record<string, string>;
  add(database: Database$, districtId: number): number;
  rows(database: Database$): unknown[];
  /** Extra POST actions beyond edit and delete. */
  extraPosts: { action: string; fields: Record<string, string> }[];
}

const registers: RegisterCase[] = [
  {
    name: 'salons',
    path: 'salons',
    entity: 'salon',
    valid: { name: '新しいサロン', venue: '', opened_on: 'R6.4.1', closed_on: '', version: '1' },
    add: (database, districtId) =>
      createSalon(database.db, districtId, { name: '元のサロン', venue: '', openedOn: '2020-04-01', closedOn: null, subsidyApplied: false }, null).id,
    rows: allSalons,
    extraPosts: [{ action: 'close', fields: { closed_on: 'R7.3.31', version: '1' } }],
  },
  {
    name: 'plans',
    path: 'plans',
    entity: 'plan',
    valid: { generation: '2', formulated_fy: 'R6', first_fy: 'R7', last_fy: 'R11', version: '1' },
    add: (database, districtId) => createPlan(database.db, districtId, { generation: 1, formulatedFy: 2019, firstFy: 2020, lastFy: 2024 }, null).id,
    rows: allPlans,
    extraPosts: [],
  },
  {
    name: 'case studies',
    path: 'case-studies',
    entity: 'case_study',
    valid: { fiscal_year: 'R6', title: '新しい事例', body: '本文', version: '1' },
    add: (database, districtId) => createCaseStudy(database.db, districtId, { fiscalYear: 2023, title: '元の事例', body: '元の本文' }, null).id,
    rows: allCaseStudies,
    extraPosts: [],
  },
];

describe.each(registers)('$name: who may read and write', (reg) => {
  /** Every request a user could make against entry `id` of district `code`. */
  function attempts(code: string, id: number) {
    const base = `/districts/${code}/${reg.path}`;
    return {
      gets: [
        base,
        `${base}/new`,
        `${base}/${id}/edit`,
        ...(reg.path === 'salons' ? [`${base}/${id}/close`] : []),
        ...(reg.path === 'case-studies' ? [`${base}/${id}`] : []),
      ],
      posts: [
        { url: `${base}/new`, fields: reg.valid },
        { url: `${base}/${id}/edit`, fields: reg.valid },
        ...reg.extraPosts.map((p) => ({ url: `${base}/${id}/${p.action}`, fields: p.fields })),
        { url: `${base}/${id}/delete`, fields: { confirmed: '1', version: '1' } },
      ],
    };
  }

  async function expectRefused(client: Client, code: string, id: number, status: number) {
    const before = reg.rows(ctx.database);
    const auditBefore = registerAudit(ctx.database, reg.entity).length;
    const { gets, posts } = attempts(code, id);
    for (const url of gets) expect((await client.get(url)).statusCode, url).toBe(status);
    for (const p of posts) expect((await client.post(p.url, p.fields)).statusCode, p.url).toBe(status);
    expect(reg.rows(ctx.database)).toEqual(before);
    expect(registerAudit(ctx.database, reg.entity).length).toBe(auditBefore);
  }

  it('refuses a district user of another district (403) and changes nothing', async () => {
    const id = reg.add(ctx.database, ids.d1);
    await expectRefused(await signedIn(ctx.app, 'district-w01'), 'E01', id, 403);
  });

  it('refuses a ward user of another ward (403) and changes nothing', async () => {
    const id = reg.add(ctx.database, ids.d1);
    await expectRefused(await signedIn(ctx.app, 'ward-west'), 'E01', id, 403);
  });

  it('sends anonymous visitors to sign in', async () => {
    const res = await new Client(ctx.app).get(`/districts/E01/${reg.path}`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });

  it.each(['district-e01', 'ward-east', 'city'])('lets %s read and write the district', async (login) => {
    const id = reg.add(ctx.database, ids.d1);
    const client = await signedIn(ctx.app, login);
    const { gets, posts } = attempts('E01', id);
    for (const url of gets) expect((await client.get(url)).statusCode, url).toBe(200);
    const versionOf = () => String((reg.rows(ctx.database) as { id: number; version: number }[]).find((r) => r.id === id)?.version ?? 0);
    // new, edit, (close) and finally delete: each writes once, with the entry's current version.
    for (const p of posts) expect((await client.post(p.url, { ...p.fields, version: versionOf() })).statusCode, p.url).toBe(303);
    const events = registerAudit(ctx.database, reg.entity);
    expect(events.every((e) => e.districtId === ids.d1)).toBe(true);
    expect(events.length).toBe(1 + posts.length);
  });

  it('lets a ward user work on another district of the ward', async () => {
    const id = reg.add(ctx.database, ids.d2);
    const client = await signedIn(ctx.app, 'ward-east');
    expect((await client.get(`/districts/E02/${reg.path}/${id}/edit`)).statusCode).toBe(200);
    expect((await client.post(`/districts/E02/${reg.path}/${id}/edit`, reg.valid)).statusCode).toBe(303);
  });

  it("gives 404 for another district's entry under one's own district's URL, changing nothing", async () => {
    const foreign = reg.add(ctx.database, ids.d3);
    const client = await signedIn(ctx.app, 'district-e01');
    const before = reg.rows(ctx.database);
    const base = `/districts/E01/${reg.path}/${foreign}`;
    expect((await client.get(`${base}/edit`)).statusCode).toBe(404);
    expect((await client.post(`${base}/edit`, reg.valid)).statusCode).toBe(404);
    expect((await client.post(`${base}/delete`, { confirmed: '1', version: '1' })).statusCode).toBe(404);
    for (const p of reg.extraPosts) expect((await client.post(`${base}/${p.action}`, p.fields)).statusCode).toBe(404);
    expect(reg.rows(ctx.database)).toEqual(before);
    expect(registerAudit(ctx.database, reg.entity).length).toBe(1);
  });

  it('gives a clean 404 for unknown districts and malformed or unknown ids', async () => {
    const client = await signedIn(ctx.app, 'city');
    expect((await client.get(`/districts/NOPE/${reg.path}`)).statusCode).toBe(404);
    for (const id of ['abc', '0', '-1', '1.5', '99999999999999999999', '%00', '1e3', '999']) {
      const res = await client.get(`/districts/E01/${reg.path}/${id}/edit`);
      expect(res.statusCode, id).toBe(404);
      expect(res.body).toContain('見つかりません');
      expect((await client.post(`/districts/E01/${reg.path}/${id}/delete`, { confirmed: '1', version: '1' })).statusCode, id).toBe(404);
    }
  });
});
