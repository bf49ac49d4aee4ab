import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { and, desc, eq } from 'drizzle-orm';
import { caseStudies, districts, monthlyReports, salons, users } from '../../src/db/schema.js';
import { importCsv } from '../../src/imports/importCsv.js';
import { COUNT_FIELDS } from '../../src/monthlyReports/repository.js';
import { Client, createTestApp, signedIn, type TestContext } from '../support/app.js';
import { NAUGHTY_STRINGS } from './naughty-strings.js';
import { normaliseText } from '../../src/domain/text.js';
import { seedCityWithWestRecords } from './populate.js';

/*
 * Bad input everywhere: every form POST of the app (found in the route
 * registry) and the CSV importer get the naughty strings and random input.
 * Never a 5xx; text that is stored comes back as typed after the one
 * normaliser (src/domain/text.ts: NFC, one-line fields trimmed, CRLF → LF);
 * what it refuses (control, direction-override and invisible characters) is
 * refused with its Japanese message and shown back as typed.
 */

let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** What a browser actually sends: form encoding turns lone surrogates into U+FFFD. */
const sent = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

async function cityApp() {
  const context = await createTestApp();
  const ids = await seedCityWithWestRecords(context.database);
  const client = await signedIn(context.app, 'city');
  return { context, ids, client };
}

/** Fills :params so that a city user may use every form (W01 and id 1 exist; users: someone else, never the signed-in city user). */
function fillParams(url: string, otherUserId: number): string {
  return url.replace(/:(\w+)/g, (_m, name: string) => {
    if (name === 'code') return 'W01';
    if (name === 'month') return '2024-04';
    if (name === 'fy') return '2023';
    if (url.startsWith('/users/')) return String(otherUserId);
    return '1';
  });
}

/** Field names of the forms on a page (without the CSRF token). */
function fieldNames(html: string): string[] {
  const names = new Set<string>();
  for (const [, name] of html.matchAll(/<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"/g)) {
    if (name === undefined) throw new Error('field name not captured');
    if (name !== '_csrf') names.add(name);
  }
  return [...names];
}

const GENERIC_FIELDS = ['version', 'note', 'name', 'title', 'body', 'closed_on', 'confirm', 'fiscal_year', 'value'];
const SKIP = new Set(['POST /login', 'POST /logout']); // covered by their own tests below and in test/auth

describe('every form POST with the naughty strings and random input', () => {
  it('never answers 5xx (one fresh city per form, so one form cannot disturb another)', { timeout: 600_000 }, async () => {
    const probe = await createTestApp();
    const postRoutes = probe.app.registeredRoutes.filter((r) => r.method === 'POST' && !SKIP.has(`${r.method} ${r.url}`));
    const getRoutes = new Set(probe.app.registeredRoutes.filter((r) => r.method === 'GET').map((r) => r.url));
    await probe.close();
    expect(postRoutes.length).toBeGreaterThan(5);

    const failures: string[] = [];
    let requests = 0;
    for (const route of postRoutes) {
      const { context, client } = await cityApp();
      ctx = context;
      const otherUserId = context.database.db.select({ id: users.id }).from(users).where(eq(users.login, 'ward-west')).get()!.id;
      const url = fillParams(route.url, otherUserId);
      const page = getRoutes.has(route.url) ? await client.get(url) : await client.get('/');
      const fields = getRoutes.has(route.url) && page.statusCode === 200 ? fieldNames(page.body) : GENERIC_FIELDS;
      const post = async (body: Record<string, string | string[]>, label: string) => {
        const res = await client.post(url, body);
        requests++;
        if (res.statusCode >= 500) failures.push(`${route.url} ${label} → ${res.statusCode}`);
        // If the form signed us out or disabled us, sign in again so later inputs still reach the handler.
        if (res.statusCode === 303 && /^\/login/.test(String(res.headers.location))) await client.signIn('city');
      };
      for (const s of NAUGHTY_STRINGS) await post(Object.fromEntries(fields.map((f) => [f, s])), JSON.stringify(s.slice(0, 40)));
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(
            fc.constantFrom(...fields, 'unexpected_field'),
            fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 })),
            { maxKeys: fields.length + 1 },
          ),
          async (body) => {
            await post(body, `fast-check ${JSON.stringify(body).slice(0, 80)}`);
          },
        ),
        { numRuns: 15, seed: 20261123 },
      );
      await context.close();
      ctx = undefined;
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(postRoutes.length * NAUGHTY_STRINGS.length);
  });

  it('sign-in with naughty logins and passwords: 401 with the typed login shown back, never 5xx', async () => {
    ctx = await createTestApp();
    await seedCityWithWestRecords(ctx.database);
    const client = new Client(ctx.app);
    await client.get('/login');
    const cookie = () => [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let n = 0;
    for (const s of NAUGHTY_STRINGS) {
      // Each from its own address, so that the throttle (tested elsewhere) does not answer instead of the form.
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/login',
        remoteAddress: `10.9.${n >> 8}.${n++ & 255}`,
        headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: client.csrfToken, login: s, password: s }).toString(),
      });
      expect(res.statusCode, JSON.stringify(s)).toBe(401);
      const shown = sent(s).slice(0, 100).trim();
      if (shown !== '') expect(res.body).toContain(`value="${escapeHtml(shown)}"`);
      const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
      if (token) client.csrfToken = token;
    }
  });
});

describe('text round-trips exactly where it is stored', () => {
  it(
    'monthly report note: every naughty string and random text is stored as normalised (NFC, CRLF → LF) and shown back escaped, or refused with the typed note kept',
    { timeout: 300_000 },
    async () => {
      const { context, ids, client } = await cityApp();
      ctx = context;
      let monthIndex = 0;
      const nextMonth = () => {
        const total = 2012 * 12 + 3 + monthIndex++;
        return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
      };
      const counts = Object.fromEntries(COUNT_FIELDS.map((f) => [f, '10']));
      const check = async (note: string) => {
        const month = nextMonth();
        const res = await client.post(`/districts/W01/reports/${month}`, { ...counts, note, version: '0' });
        const normalised = normaliseText(sent(note), 'multiline');
        if (!normalised.ok) {
          expect(res.statusCode, JSON.stringify(note)).toBe(422);
          expect(res.body).toContain(`備考に${normalised.message}`);
          expect(res.body).toContain(`${escapeHtml(sent(note).replace(/\r\n/g, '\n'))}</textarea>`);
          return;
        }
        const expected = normalised.value;
        if ([...expected].length > 2000) {
          expect(res.statusCode).toBe(422);
          return;
        }
        expect(res.statusCode, JSON.stringify(note)).toBe(303);
        const row = context.database.db
          .select()
          .from(monthlyReports)
          .where(and(eq(monthlyReports.districtId, ids.d3), eq(monthlyReports.month, month)))
          .get()!;
        expect(row.note).toBe(expected === '' ? null : expected);
        const form = await client.get(`/districts/W01/reports/${month}`);
        expect(form.statusCode).toBe(200);
        expect(form.body).toContain(`${escapeHtml(expected)}</textarea>`);
      };
      for (const s of NAUGHTY_STRINGS) await check(s);
      await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), check), { numRuns: 40, seed: 5 });
    },
  );

  it(
    'salon name and venue, case study title and body: stored as typed (one-line fields trimmed), or refused with the typed text kept',
    { timeout: 300_000 },
    async () => {
      const { context, ids, client } = await cityApp();
      ctx = context;
      const { db } = context.database;
      const latestSalon = () => db.select().from(salons).where(eq(salons.districtId, ids.d3)).orderBy(desc(salons.id)).get()!;
      const latestCase = () => db.select().from(caseStudies).where(eq(caseStudies.districtId, ids.d3)).orderBy(desc(caseStudies.id)).get()!;
      const check = async (s: string) => {
        const typed = sent(s);
        await client.get('/districts/W01/salons/new');
        const salonRes = await client.post('/districts/W01/salons/new', { name: s, venue: s, opened_on: '2024-04-01', closed_on: '' });
        expect(salonRes.statusCode, `salon ${JSON.stringify(s)}`).toBeLessThan(500);
        const line = normaliseText(typed, 'line');
        if (salonRes.statusCode === 303) {
          expect(line.ok, `salon ${JSON.stringify(s)} accepted`).toBe(true);
          const row = latestSalon();
          expect(row.name).toBe(line.ok ? line.value : null);
          expect(row.venue).toBe(line.ok ? line.value : null);
        } else {
          if (!line.ok) expect(salonRes.body).toContain(line.message);
          expect(salonRes.statusCode).toBe(422);
          expect(salonRes.body).toContain(`value="${escapeHtml(typed)}"`);
        }

        await client.get('/districts/W01/case-studies/new');
        const caseRes = await client.post('/districts/W01/case-studies/new', { fiscal_year: '2024', title: s, body: s });
        expect(caseRes.statusCode, `case study ${JSON.stringify(s)}`).toBeLessThan(500);
        const body = normaliseText(typed, 'multiline');
        if (caseRes.statusCode === 303) {
          expect(line.ok && body.ok, `case study ${JSON.stringify(s)} accepted`).toBe(true);
          const row = latestCase();
          expect(row.title).toBe(line.ok ? line.value : null);
          expect(row.body).toBe(body.ok ? body.value : null);
        } else {
          expect(caseRes.statusCode).toBe(422);
          const shown = caseRes.body.includes(escapeHtml(typed)) || caseRes.body.includes(escapeHtml(typed.replace(/\r\n?/g, '\n')));
          expect(shown, `typed body shown back: ${JSON.stringify(s.slice(0, 40))}`).toBe(true);
        }
      };
      for (const s of NAUGHTY_STRINGS) await check(s);
      await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 120 }), check), { numRuns: 30, seed: 7 });
    },
  );
});

describe('the CSV importer with naughty input', () => {
  const csv = (rows: string[][]) => new TextEncoder().encode(stringify(rows));

  it('stores naughty notes and salon names as normalised (NFC, trimmed), or refuses the file with line and column; never throws', async () => {
    const { context, ids } = await cityApp();
    ctx = context;
    const { db } = context.database;
    let m = 0;
    for (const s of NAUGHTY_STRINGS) {
      const month = `${2000 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      m++;
      const result = importCsv(
        db,
        'monthly',
        csv([
          ['district_code', 'month', ...COUNT_FIELDS, 'note'],
          ['W01', month, ...COUNT_FIELDS.map(() => '5'), s],
        ]),
      );
      // The importer reads line breaks inside a quoted cell as LF, whatever the file used.
      const note = normaliseText(sent(s), 'multiline');
      const expected = note.ok ? note.value.trim() : null;
      if (note.ok && [...note.value.trim()].length <= 1000) expect(result.ok, JSON.stringify(s)).toBe(true);
      if (!note.ok) expect(result.ok ? [] : result.errors, JSON.stringify(s)).toContainEqual({ line: 2, column: 'note', message: note.message });
      if (result.ok) {
        const row = db
          .select()
          .from(monthlyReports)
          .where(and(eq(monthlyReports.districtId, ids.d3), eq(monthlyReports.month, month)))
          .get()!;
        expect(row.note, JSON.stringify(s)).toBe(expected === '' ? null : expected);
      } else {
        expect(result.errors.length).toBeGreaterThan(0);
        for (const e of result.errors) expect(e.line).toBeGreaterThanOrEqual(1);
      }

      const salonResult = importCsv(
        db,
        'salons',
        csv([
          ['district_code', 'name', 'venue', 'opened_on', 'closed_on', 'subsidy_applied'],
          ['W01', s, s, '2024/4/1', '', 'はい'],
        ]),
      );
      const name = normaliseText(sent(s), 'line');
      if (salonResult.ok) {
        const row = db.select().from(salons).where(eq(salons.districtId, ids.d3)).orderBy(desc(salons.id)).get()!;
        expect(name.ok).toBe(true);
        expect(row.name).toBe(name.ok ? name.value : null);
      } else {
        expect(salonResult.errors.length).toBeGreaterThan(0);
      }
    }
  });

  it('naughty strings in every column and random bytes: errors by line and column, nothing written, never a throw', async () => {
    const { context } = await cityApp();
    ctx = context;
    const { db } = context.database;
    const countsBefore = db.select().from(districts).all().length;
    for (const s of NAUGHTY_STRINGS) {
      const result = importCsv(
        db,
        'districts',
        csv([
          ['code', 'name', 'kana', 'ward', 'active_from', 'active_to'],
          [s, s, s, s, s, s],
        ]),
      );
      if (!result.ok) {
        expect(result.errors.length).toBeGreaterThan(0);
        for (const e of result.errors) expect(e.line === 1 || e.line === 2, JSON.stringify(e)).toBe(true);
      }
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom('districts', 'monthly', 'salons', 'plans', 'published'), (bytes, kind) => {
        const result = importCsv(db, kind, bytes);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 200, seed: 11 },
    );
    // Random bytes never make a valid file with a header, so nothing was added.
    expect(db.select().from(districts).all().length).toBeLessThanOrEqual(countsBefore + NAUGHTY_STRINGS.length);
  });
});

describe('oversized bodies', () => {
  it('get 413 with a Japanese page, signed in or not, and change nothing', async () => {
    const { context, client } = await cityApp();
    ctx = context;
    const huge = 'あ'.repeat(700_000); // > 1 MiB as UTF-8
    const before = context.database.db.select().from(monthlyReports).all();
    const signedInRes = await client.post('/districts/W01/reports/2024-05', { note: huge, version: '0' });
    expect(signedInRes.statusCode).toBe(413);
    expect(signedInRes.headers['content-type']).toMatch(/text\/html/);
    expect(signedInRes.body).toContain('送信された内容が大きすぎます');
    const anonymous = await context.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `login=${'x'.repeat(2 * 1024 * 1024)}`,
    });
    expect(anonymous.statusCode).toBe(413);
    expect(anonymous.body).toContain('送信された内容が大きすぎます');
    expect(context.database.db.select().from(monthlyReports).all()).toEqual(before);
  });

  it('unknown content types and malformed bodies are a clean 4xx', async () => {
    const { context, client } = await cityApp();
    ctx = context;
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    for (const [type, payload] of [
      ['application/json', '{"note": '],
      ['application/json', '[1,2,3]'],
      ['text/plain', 'note=x'],
      ['multipart/form-data; boundary=x', '--x\r\n'],
      ['application/x-www-form-urlencoded', '%E0%A4%A'],
    ] as const) {
      const res = await context.app.inject({ method: 'POST', url: '/districts/W01/reports/2024-05', headers: { cookie, 'content-type': type }, payload });
      expect(res.statusCode, `${type} ${payload}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${type} ${payload}`).toBeLessThan(500);
    }
  });
});
