import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestApp();
  await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

describe('sign-in and trend page', () => {
  it('redirects anonymous users to the sign-in page', async () => {
    const res = await new Client(ctx.app).get('/trends');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Ftrends');
  });

  it('shows the trend table to a city user', async () => {
    const client = await signedIn(ctx.app, 'city');
    const res = await client.get('/trends?from=2019&to=2023');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('ふれあいネットワーク活動の見守り世帯数');
    expect(res.body).toContain('R1');
  });
});
