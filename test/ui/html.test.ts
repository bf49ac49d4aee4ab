/**
 * The HTML of every page of every demo role, and of the error states, has 0 errors under
 * html-validate's recommended rules (.htmlvalidate.json). JSON holds no comments, so the
 * reasons for the rules switched off there are given here:
 * - prefer-native-element: the scroll boxes around the wide tables are a <div role="region">
 *   with a label (so keyboard users can scroll them, axe-core's scrollable-region-focusable);
 *   there is no native element for a labelled scroll area.
 * - valid-id (relaxed, as HTML5 itself): the agenda editor's field ids are its field names
 *   (「t0.r.1.text」), so that the error summary links land on them; HTML allows any id
 *   without spaces, only the strict mode of this rule wants letters, digits, - and _.
 * - no-trailing-whitespace: a formatting rule; Eta's control tags leave spaces at line ends
 *   in the output, which is not markup and does not reach the user.
 * - form-dup-name (checkboxes may share a name): a group of checkboxes with one name is how
 *   HTML posts a list (the succession form's 元の校(地)区); only the default list of shared
 *   types is widened, duplicated text fields are still errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/browser.js';
import { Client } from '../support/app.js';
import { DEMO_PASSWORD } from '../../src/demo/demoCity.js';
import { DEMO_DISTRICT, DEMO_LOGINS, formStatesOf, hiddenInputsOf, pagesOf, type DemoRole } from './pages.js';
import { currentMonth, previousMonth } from '../../src/domain/fiscalYear.js';

const validator = new HtmlValidate(new FileSystemConfigLoader());

/** Validates one page's HTML; one line per error, prefixed with the page's name. */
async function htmlErrors(name: string, html: string): Promise<string[]> {
  const report = await validator.validateString(html, join(process.cwd(), `${name}.html`));
  return report.results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${name} ${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
}

describe('the HTML of every page passes html-validate (recommended rules)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ demo: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  for (const role of ['district', 'ward', 'city'] as DemoRole[]) {
    it(`every page of the ${role} user`, { timeout: 60_000 }, async () => {
      const client = new Client(server.app);
      expect((await client.signIn(DEMO_LOGINS[role], DEMO_PASSWORD)).statusCode).toBe(303);
      const pages = await pagesOf(role, async (url) => (await client.get(url)).body);
      expect(pages.length).toBeGreaterThan(10);
      const errors: string[] = [];
      for (const p of pages) {
        let res = await client.get(p.url);
        for (let hops = 0; hops < 3 && res.statusCode === 303; hops++) res = await client.get(String(res.headers.location));
        expect(res.statusCode, p.url).toBe(200);
        errors.push(...(await htmlErrors(`${role}-${p.name}`, res.body)));
      }
      expect(errors).toEqual([]);
    });
  }

  for (const role of ['district', 'ward', 'city'] as DemoRole[]) {
    it(`the error states and confirmation pages of the ${role} user`, { timeout: 60_000 }, async () => {
      const client = new Client(server.app);
      expect((await client.signIn(DEMO_LOGINS[role], DEMO_PASSWORD)).statusCode).toBe(303);
      const states = await formStatesOf(role, async (url) => (await client.get(url)).body);
      expect(states.length).toBeGreaterThanOrEqual(role === 'city' ? 8 : 4);
      const errors: string[] = [];
      for (const state of states) {
        const page = await client.get(state.page);
        const res = await client.post(state.action, { ...hiddenInputsOf(page.body, state.action), ...state.fields });
        expect(res.statusCode, `${role} ${state.name}`).toBe(state.status);
        errors.push(...(await htmlErrors(`${role}-${state.name}`, res.body)));
      }
      expect(errors).toEqual([]);
    });
  }

  it('the error states: the sign-in page and a monthly form with an error', async () => {
    const client = new Client(server.app);
    await client.get('/login');
    const login = await client.post('/login', { login: 'demo-district', password: 'not-the-password' });
    expect(login.statusCode).toBeGreaterThanOrEqual(400);
    const errors = await htmlErrors('login-error', login.body);

    expect((await client.signIn(DEMO_LOGINS.district, DEMO_PASSWORD)).statusCode).toBe(303);
    const url = `/districts/${DEMO_DISTRICT}/reports/${previousMonth(currentMonth())}`;
    const form = await client.get(url);
    const version = /name="version" value="([^"]*)"/.exec(form.body)?.[1] ?? '';
    const failed = await client.post(url, { version, watched_elderly: 'たくさん' });
    expect(failed.statusCode).toBe(422);
    errors.push(...(await htmlErrors('monthly-form-error', failed.body)));
    expect(errors).toEqual([]);
  });
});
