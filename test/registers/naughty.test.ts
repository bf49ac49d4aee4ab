import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestApp, seedSmallCity, signedIn, type Client, type TestContext } from '../support/app.js';
import { allCaseStudies, allPlans, allSalons, escapeHtml, inputValue, textareaValue } from './helpers.js';
import { normaliseText } from '../../src/domain/text.js';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestApp();
  await seedSmallCity(ctx.database);
});
afterEach(async () => ctx.close());

/** A Big-List-of-Naughty-Strings sample: markup, quotes, SQL, templates, bidi, emoji, combining marks. */
const NAUGHTY = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR 1=1 --",
  "Robert'); DROP TABLE salons;--",
  '<%= it.csrfToken %> ${7*7} {{7*7}} #{7*7}',
  '&amp; &lt;b&gt; &#39; &quot;',
  '\u202Eサロン\u202C と \u200Fمرحبا\u200E と \u200Bゼロ幅',
  '😀 👨‍👩‍👧 🇯🇵 ❤️ ①②③ ㍻ ｶﾀｶﾅ',
  'Ｚ̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗͙',
  'null undefined NaN 0 -1 1e309 true',
  '..\\..\\etc\\passwd %s %d %n \\0',
  'ﾃｽﾄ　全角スペース　入り',
];

/** Every text field of every register, with the rest of a valid form. */
const TEXT_FIELDS = [
  { path: 'salons', field: 'name', base: { name: 'n', venue: '', opened_on: 'R6.4.1' }, stored: () => allSalons(ctx.database).map((r) => r.name) },
  { path: 'salons', field: 'venue', base: { name: 'n', venue: '', opened_on: 'R6.4.1' }, stored: () => allSalons(ctx.database).map((r) => r.venue) },
  { path: 'case-studies', field: 'title', base: { fiscal_year: 'R6', title: 't', body: 'b' }, stored: () => allCaseStudies(ctx.database).map((r) => r.title) },
  { path: 'case-studies', field: 'body', base: { fiscal_year: 'R6', title: 't', body: 'b' }, stored: () => allCaseStudies(ctx.database).map((r) => r.body) },
] as const;

async function expectEscapedEverywhere(client: Client, path: string, id: number, text: string) {
  const pages = [`/districts/E01/${path}`, `/districts/E01/${path}/${id}/edit`, ...(path === 'case-studies' ? [`/districts/E01/${path}/${id}`] : [])];
  for (const url of pages) {
    const res = await client.get(url);
    expect(res.statusCode, url).toBe(200);
    if (/[<>"'&]/.test(text)) expect(res.body, url).not.toContain(text);
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).not.toContain('<script>alert');
  }
}

describe.each(TEXT_FIELDS)('$path $field: naughty text', ({ path, field, base, stored }) => {
  it('round-trips every sample (as normalised: NFC) and escapes it in every page; direction overrides are refused with the text kept', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    let refused = 0;
    for (const typed of NAUGHTY) {
      const normalised = normaliseText(typed, field === 'body' ? 'multiline' : 'line');
      const res = await client.post(`/districts/E01/${path}/new`, { ...base, [field]: typed });
      if (!normalised.ok) {
        refused++;
        expect(res.statusCode, typed).toBe(422);
        expect(res.body).toContain(normalised.message);
        expect(field === 'body' ? textareaValue(res.body, field) : inputValue(res.body, field)).toBe(typed);
        continue;
      }
      const text = normalised.value;
      expect(res.statusCode, typed).toBe(303);
      expect(stored().at(-1), typed).toBe(text);
      const id = Math.max(...(path === 'salons' ? allSalons(ctx.database) : allCaseStudies(ctx.database)).map((r) => r.id));
      await expectEscapedEverywhere(client, path, id, text);
      const edit = await client.get(`/districts/E01/${path}/${id}/edit`);
      expect(field === 'body' ? textareaValue(edit.body, field) : inputValue(edit.body, field)).toBe(text);
      expect(edit.body).toContain(escapeHtml(text));
    }
    expect(refused).toBe(1); // the sample with U+202E
  });

  it('keeps naughty text typed into a failed form, escaped', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const text = NAUGHTY[1]!;
    // Break another field so the form fails.
    const broken: Record<string, string> = path === 'salons' ? { opened_on: 'R6.2.30' } : { fiscal_year: 'そのうち' };
    const res = await client.post(`/districts/E01/${path}/new`, { ...base, [field]: text, ...broken });
    expect(res.statusCode).toBe(422);
    expect(res.body).not.toContain(text);
    expect(field === 'body' ? textareaValue(res.body, field) : inputValue(res.body, field)).toBe(text);
    expect(stored()).toEqual([]);
  });
});

describe('long text at and beyond the limits', () => {
  it('stores a 100-character salon name and a 20,000-character body exactly; one more is refused without a 5xx', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const name = '𠮷'.repeat(100); // outside the BMP: 200 UTF-16 units, 100 characters
    expect((await client.post('/districts/E01/salons/new', { name, opened_on: 'R6.4.1' })).statusCode).toBe(303);
    expect(allSalons(ctx.database)[0]!.name).toBe(name);
    expect((await client.post('/districts/E01/salons/new', { name: `${name}あ`, opened_on: 'R6.4.1' })).statusCode).toBe(422);

    const unit = 'あ<b>\n"\'&😀 ';
    const body = unit.repeat(Math.floor(20_000 / [...unit].length));
    expect([...body].length).toBeLessThanOrEqual(20_000);
    expect((await client.post('/districts/E01/case-studies/new', { fiscal_year: 'R6', title: 'long', body })).statusCode).toBe(303);
    expect(allCaseStudies(ctx.database)[0]!.body).toBe(body);
    const tooLong = await client.post('/districts/E01/case-studies/new', {
      fiscal_year: 'R6',
      title: 'long',
      body: `${body}${'x'.repeat(20_001 - [...body].length)}`,
    });
    expect(tooLong.statusCode).toBe(422);
    const huge = await client.post('/districts/E01/case-studies/new', { fiscal_year: 'R6', title: 'x'.repeat(50_000), body: 'y'.repeat(200_000) });
    expect(huge.statusCode).toBe(422);
    expect(allCaseStudies(ctx.database)).toHaveLength(1);
  });

  it('refuses repeated or odd-typed fields cleanly (4xx, nothing written)', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    const res = await client.post('/districts/E01/salons/new', { name: ['a', 'b'], opened_on: ['R6.4.1', 'R6.4.2'] });
    expect(res.statusCode).toBe(422);
    const plan = await client.post('/districts/E01/plans/new', { generation: ['1', '2'], formulated_fy: 'R6', first_fy: 'R6', last_fy: 'R6' });
    expect(plan.statusCode).toBe(422);
    expect(allSalons(ctx.database)).toEqual([]);
    expect(allPlans(ctx.database)).toEqual([]);
  });
});

describe('any printable text', () => {
  it('round-trips through the case study form (property)', async () => {
    const client = await signedIn(ctx.app, 'district-e01');
    // Controls other than tab and line ends, and direction overrides, are refused by design (src/domain/text.ts);
    // everything else must survive, in NFC.
    const printable = fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }).filter((s) => normaliseText(s, 'multiline').ok && s.trim() !== '');
    await fc.assert(
      fc.asyncProperty(printable, async (text) => {
        const res = await client.post('/districts/E01/case-studies/new', { fiscal_year: 'R6', title: 'p', body: text });
        expect(res.statusCode).toBe(303);
        expect(allCaseStudies(ctx.database).at(-1)!.body).toBe(text.replace(/\r\n?/g, '\n').normalize('NFC'));
      }),
      { numRuns: 40 },
    );
  });
});
