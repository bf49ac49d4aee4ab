/**
 * Every state of the import pages passes html-validate's recommended rules
 * (.htmlvalidate.json, as test/ui/html.test.ts): the upload form fresh and with
 * errors, the dry run with rows to change, with errors and with the ward box
 * unticked, the result, and the used and expired notices. (The page lists of
 * test/ui open GET pages only; these states need an upload first.)
 */
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import { pendingUploads } from '../../src/db/schema.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';
import { csv, HEADERS } from './support.js';
import { dryRunUrl, uploadFile } from './pageSupport.js';

const validator = new HtmlValidate(new FileSystemConfigLoader());

async function htmlErrors(name: string, html: string): Promise<string[]> {
  const report = await validator.validateString(html, join(process.cwd(), `${name}.html`));
  return report.results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${name} ${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
}

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestApp();
  await seedSmallCity(ctx.database);
});
afterEach(async () => {
  await ctx.close();
});

it('the upload form, dry run, result and notices are valid HTML', { timeout: 60_000 }, async () => {
  const city = await signedIn(ctx.app, 'city');
  const ward = await signedIn(ctx.app, 'ward-east');
  importCsv(ctx.database.db, 'monthly', csv([HEADERS.monthly, 'E01,2024-04,10,,,,,,,,']), { userId: null });
  const pages: [string, string][] = [];
  pages.push(['upload-city', (await city.get('/imports')).body]);
  pages.push(['upload-ward', (await ward.get('/imports')).body]);
  const refused = await uploadFile(ctx.app, city, '', null);
  expect(refused.statusCode).toBe(422);
  pages.push(['upload-errors', refused.body]);
  pages.push([
    'upload-ward-errors',
    (await uploadFile(ctx.app, ward, 'monthly', { name: 'x.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]) })).body,
  ]);

  const changes = dryRunUrl(
    await uploadFile(ctx.app, city, 'monthly', { name: 'a.csv', content: csv([HEADERS.monthly, 'E01,2024-04,12,,,,,,,,', 'E02,2024-04,3,,,,,,,,メモ']) }),
  );
  pages.push(['dry-run-changes', (await city.get(changes)).body]);
  const errors = dryRunUrl(
    await uploadFile(ctx.app, city, 'monthly', { name: 'b.csv', content: csv([HEADERS.monthly, 'E01,2024-04,-1,,,,,,,,', 'X9,2024-04,1,,,,,,,,']) }),
  );
  pages.push(['dry-run-errors', (await city.get(errors)).body]);
  const wards = dryRunUrl(await uploadFile(ctx.app, city, 'districts', { name: 'd.csv', content: csv([HEADERS.districts, 'N01,北一校区,きたいち,北区,,']) }));
  pages.push(['dry-run-new-ward', (await city.get(wards)).body]);
  const unticked = await city.post(wards);
  expect(unticked.statusCode).toBe(422);
  pages.push(['dry-run-new-ward-error', unticked.body]);

  const done = await city.post(changes);
  expect(done.statusCode).toBe(200);
  pages.push(['result', done.body]);
  pages.push(['used', (await city.post(changes)).body]);
  ctx.database.db
    .update(pendingUploads)
    .set({ expiresAt: Date.now() - 1 })
    .run();
  pages.push(['expired', (await city.get(errors)).body]);

  const problems: string[] = [];
  for (const [name, html] of pages) problems.push(...(await htmlErrors(`imports-${name}`, html)));
  expect(problems).toEqual([]);
  // Failed forms: the title says so (「エラー：」), and the error summary is there to take focus.
  expect(unticked.body).toMatch(/<title>エラー：/);
  expect(refused.body).toMatch(/<title>エラー：/);
  expect(refused.body).toContain('id="error-summary"');
});
