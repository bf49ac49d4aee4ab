/** The ward yearly indicator form never overwrites values saved since it was opened (issue 13, DESIGN §11). */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import { auditEvents, wardIndicatorValues } from '../../src/db/schema.js';
import { addUser, createTestApp, seedSmallCity, signedIn, type Client, type TestContext } from '../support/app.js';
import { valuesAt } from '../../src/indicators/repository.js';
import type { DefinitionText } from '../../src/indicators/definitions.js';
import { defineIndicator } from './helpers.js';
import { currentFiscalYear } from '../../src/domain/fiscalYear.js';
import { valuesVersion } from '../../src/indicators/conflict.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;
beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
  await addUser(ctx.database, { login: 'ward-east-2', role: 'ward', wardId: ids.wardA });
});
afterEach(async () => ctx.close());

const fy = currentFiscalYear();

const define = (text: Partial<DefinitionText>, categories: string[] = []) =>
  defineIndicator(ctx.database.db, fy, { unit: '回', entered_by: 'ward_yearly', ...text }, categories);

const url = () => `/wards/${ids.wardA}/indicators/${fy}`;

/** The stored values of ward A, by indicator then category. */
function stored(): number[] {
  return ctx.database.db
    .select({ value: wardIndicatorValues.value, indicatorId: wardIndicatorValues.indicatorId, categoryId: wardIndicatorValues.categoryId })
    .from(wardIndicatorValues)
    .where(eq(wardIndicatorValues.wardId, ids.wardA))
    .all()
    .sort((a, b) => a.indicatorId - b.indicatorId || a.categoryId - b.categoryId)
    .map((v) => v.value);
}

const valueAudits = () => ctx.database.db.select().from(auditEvents).where(eq(auditEvents.entity, 'indicator_value')).all().length;

function decode(v: string): string {
  return v
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The hidden fields of the form posting to `action` (as a browser would post them back). */
function hiddenFields(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`<form method="post" action="${action}"`);
  if (start === -1) throw new Error(`no form posting to ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) out[m[1]!] = decode(m[2]!);
  return out;
}

/** The form as a user opened it: its hidden fields (CSRF token, version), to post with what they type. */
async function open(client: Client): Promise<Record<string, string>> {
  const page = await client.get(url());
  expect(page.statusCode).toBe(200);
  return hiddenFields(page.body, url());
}

/** The conflict table's row of a field. */
function row(html: string, field: string): string {
  const start = html.indexOf(`data-field="${field}"`);
  if (start === -1) return '';
  return html.slice(start, html.indexOf('</tr>', start));
}

describe('two ward users save the same year’s indicators', () => {
  it('the later save, based on what was stored before, is a 409 showing both; nothing is overwritten until the user chooses to', async () => {
    define({ key: 'learning', name: '見守り学習の回数' });
    const a = await signedIn(ctx.app, 'ward-east');
    const b = await signedIn(ctx.app, 'ward-east-2');
    const formA = await open(a);
    const formB = await open(b);
    expect(formA.version).toBe(''); // nothing stored yet

    expect((await a.post(url(), { ...formA, 'ind-learning': '10' })).statusCode).toBe(303);
    expect(stored()).toEqual([10]);
    const audits = valueAudits();

    const conflict = await b.post(url(), { ...formB, 'ind-learning': '１２回' });
    expect(conflict.statusCode).toBe(409);
    expect(stored()).toEqual([10]);
    expect(valueAudits()).toBe(audits);
    expect(conflict.body).toContain('ほかの人がこの年度の指標を保存しました');
    expect(conflict.body).toContain('（ward-east）に保存'); // who saved the values stored now
    const r = row(conflict.body, 'ind-learning');
    expect(r).toContain('10 回'); // stored now
    expect(r).toContain('12 回'); // typed
    expect(r).toContain('違い');
    expect(conflict.body).toContain(`href="${url()}"`); // keep the stored values
    expect(conflict.body).toContain('入力した内容で上書きする');

    // Overwriting knowingly: the typed values as typed, based on what is stored now.
    const hidden = hiddenFields(conflict.body, url());
    expect(hidden['ind-learning']).toBe('１２回');
    expect(hidden.version).toBe(valuesVersion(valuesAt(ctx.database.db, { kind: 'ward', wardId: ids.wardA, fiscalYear: fy })));
    expect(hidden.version).not.toBe(formB.version);
    const overwrite = await b.post(url(), hidden);
    expect(overwrite.statusCode, overwrite.body).toBe(303);
    expect(stored()).toEqual([12]);
    expect(valueAudits()).toBe(audits + 1);
  });

  it('a change to another indicator is also a conflict: the stale form would clear what the other user entered', async () => {
    define({ key: 'learning', name: '見守り学習の回数' });
    define({ key: 'places', name: '居場所の数', unit: 'か所' });
    const a = await signedIn(ctx.app, 'ward-east');
    const b = await signedIn(ctx.app, 'ward-east-2');
    const formA = await open(a);
    const formB = await open(b);
    expect((await a.post(url(), { ...formA, 'ind-learning': '10', 'ind-places': '' })).statusCode).toBe(303);
    const conflict = await b.post(url(), { ...formB, 'ind-learning': '', 'ind-places': '3' });
    expect(conflict.statusCode).toBe(409);
    expect(stored()).toEqual([10]);
    expect(row(conflict.body, 'ind-learning')).toContain('違い');
    expect(row(conflict.body, 'ind-learning')).toContain('未入力');
    expect(row(conflict.body, 'ind-places')).toContain('3 か所');
  });

  it('a save based on the values stored now is no conflict, also after another user’s save', async () => {
    define({ key: 'learning', name: '見守り学習の回数' });
    const a = await signedIn(ctx.app, 'ward-east');
    const b = await signedIn(ctx.app, 'ward-east-2');
    expect((await a.post(url(), { ...(await open(a)), 'ind-learning': '10' })).statusCode).toBe(303);
    const formB = await open(b);
    expect(formB.version).not.toBe('');
    expect((await b.post(url(), { ...formB, 'ind-learning': '11' })).statusCode).toBe(303);
    expect((await a.post(url(), { ...(await open(a)), 'ind-learning': '12' })).statusCode).toBe(303);
    expect(stored()).toEqual([12]);
  });

  it('after a failed save (422) the form keeps the version it was based on, so the corrected save still notices the other user', async () => {
    define({ key: 'learning', name: '見守り学習の回数' });
    const a = await signedIn(ctx.app, 'ward-east');
    const b = await signedIn(ctx.app, 'ward-east-2');
    const formB = await open(b);
    expect((await a.post(url(), { ...(await open(a)), 'ind-learning': '10' })).statusCode).toBe(303);
    const bad = await b.post(url(), { ...formB, 'ind-learning': 'たくさん' });
    expect(bad.statusCode).toBe(422);
    const again = hiddenFields(bad.body, url());
    expect(again.version).toBe(formB.version);
    const conflict = await b.post(url(), { ...again, 'ind-learning': '12' });
    expect(conflict.statusCode).toBe(409);
    expect(stored()).toEqual([10]);
  });
});

describe('a conflict on an indicator with decimal places', () => {
  it('shows both values at the indicator’s places', async () => {
    define({ key: 'hours', name: 'ボランティア活動時間', unit: '時間', decimals: '1' });
    const a = await signedIn(ctx.app, 'ward-east');
    const b = await signedIn(ctx.app, 'ward-east-2');
    const formB = await open(b);
    expect((await a.post(url(), { ...(await open(a)), 'ind-hours': '97' })).statusCode).toBe(303);
    const conflict = await b.post(url(), { ...formB, 'ind-hours': '97.5' });
    expect(conflict.statusCode).toBe(409);
    expect(row(conflict.body, 'ind-hours')).toContain('97.0 時間');
    expect(row(conflict.body, 'ind-hours')).toContain('97.5 時間');
  });
});

describe('the same form saved twice (a double click)', () => {
  it('does not conflict with itself: the second save finds its own values stored and changes nothing', async () => {
    const ind = define({ key: 'learning', name: '見守り学習・声かけ訓練の回数' }, ['見守り学習', '声かけ訓練']);
    const a = await signedIn(ctx.app, 'ward-east');
    const form = { ...(await open(a)), 'ind-learning': '10', 'ind-learning-c1': '4', 'ind-learning-c2': '6' };
    const first = await a.post(url(), form);
    const second = await a.post(url(), form);
    expect(first.statusCode).toBe(303);
    expect(second.statusCode, second.body).toBe(303);
    expect(stored()).toEqual([10, 4, 6]);
    expect(valueAudits()).toBe(1);
    const page = await a.get(String(second.headers.location));
    expect(page.body).toContain('指標を保存しました');
    expect(ind.categories).toHaveLength(2);
  });

  it('but a second save with other values on the same stale form is a conflict', async () => {
    define({ key: 'learning', name: '見守り学習の回数' });
    const a = await signedIn(ctx.app, 'ward-east');
    const form = await open(a);
    expect((await a.post(url(), { ...form, 'ind-learning': '10' })).statusCode).toBe(303);
    expect((await a.post(url(), { ...form, 'ind-learning': '11' })).statusCode).toBe(409);
    expect(stored()).toEqual([10]);
  });
});

describe('the version of a ward-year’s values', () => {
  it('is empty when nothing is stored, does not depend on the order read, and changes with any value', () => {
    expect(valuesVersion(new Map())).toBe('');
    const v = valuesVersion(
      new Map([
        [1, new Map([[0, 10]])],
        [
          2,
          new Map([
            [5, 1],
            [0, 3],
          ]),
        ],
      ]),
    );
    expect(v).not.toBe('');
    expect(
      valuesVersion(
        new Map([
          [
            2,
            new Map([
              [0, 3],
              [5, 1],
            ]),
          ],
          [1, new Map([[0, 10]])],
        ]),
      ),
    ).toBe(v);
    expect(valuesVersion(new Map([[1, new Map([[0, 10]])]]))).not.toBe(v);
    expect(
      valuesVersion(
        new Map([
          [1, new Map([[0, 10]])],
          [
            2,
            new Map([
              [5, 1],
              [0, 4],
            ]),
          ],
        ]),
      ),
    ).not.toBe(v);
  });
});

describe('the ward conflict page', () => {
  it('is valid HTML', async () => {
    define({ key: 'learning', name: '見守り学習・声かけ訓練の回数' }, ['見守り学習', '声かけ訓練']);
    const a = await signedIn(ctx.app, 'ward-east');
    const b = await signedIn(ctx.app, 'ward-east-2');
    const formB = await open(b);
    expect((await a.post(url(), { ...(await open(a)), 'ind-learning': '10', 'ind-learning-c1': '4', 'ind-learning-c2': '6' })).statusCode).toBe(303);
    const conflict = await b.post(url(), { ...formB, 'ind-learning': '"3" <b>', 'ind-learning-c1': '', 'ind-learning-c2': '' });
    // Not a number: the form again (422) with what was typed; typed as a number: the conflict page.
    expect(conflict.statusCode).toBe(422);
    const page = await b.post(url(), { ...hiddenFields(conflict.body, url()), 'ind-learning': '3', 'ind-learning-c1': '1', 'ind-learning-c2': '2' });
    expect(page.statusCode).toBe(409);
    const validator = new HtmlValidate(new FileSystemConfigLoader());
    const report = await validator.validateString(page.body, join(process.cwd(), 'ward-conflict.html'));
    const errors = report.results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
    expect(errors).toEqual([]);
  });
});
