/**
 * Every page of every demo role, for the layout, accessibility and HTML checks in this folder.
 * Ids (salons, plans, case studies, agenda sheets, users) are found by following the app's own
 * links, so the list needs no knowledge of the demo data beyond the three demo logins.
 */
import { currentFiscalYear, currentMonth, previousMonth } from '../../src/domain/fiscalYear.js';

export type DemoRole = 'city' | 'ward' | 'district';

export const DEMO_LOGINS: Record<DemoRole, string> = { city: 'demo-city', ward: 'demo-ward', district: 'demo-district' };

/** The demo district user's district (田野浦校区). */
export const DEMO_DISTRICT = '101';

export interface PageToVisit {
  /** A short name for messages and screenshot files. */
  name: string;
  url: string;
}

/** Reads a page's HTML as the signed-in user (app.inject or the browser's request context). */
export type FetchHtml = (url: string) => Promise<string>;

/** The first link on a page whose href matches the pattern (the whole href), or null. */
export async function firstLink(fetchHtml: FetchHtml, url: string, pattern: RegExp): Promise<string | null> {
  const html = await fetchHtml(url);
  for (const [, raw] of html.matchAll(/href="([^"]+)"/g)) {
    if (raw === undefined) throw new Error('href not captured');
    const href = raw.replaceAll('&amp;', '&');
    if (pattern.test(href)) return href;
  }
  return null;
}

async function districtPages(fetchHtml: FetchHtml, code: string, canWrite: boolean): Promise<PageToVisit[]> {
  const base = `/districts/${code}`;
  const fy = currentFiscalYear();
  const month = previousMonth(currentMonth());
  const pages: PageToVisit[] = [
    { name: 'district', url: base },
    { name: 'district-year', url: `${base}/years/${fy}` },
    { name: 'district-year-previous', url: `${base}/years/${fy - 1}` },
    { name: 'monthly-form', url: `${base}/reports/${month}` },
    { name: 'history', url: `${base}/history` },
    { name: 'district-contacts', url: `${base}/contacts` },
    { name: 'salons', url: `${base}/salons` },
    { name: 'plans', url: `${base}/plans` },
    { name: 'case-studies', url: `${base}/case-studies` },
  ];
  const salon = await firstLink(fetchHtml, `${base}/salons`, /\/salons\/\d+\/edit$/);
  const plan = await firstLink(fetchHtml, `${base}/plans`, /\/plans\/\d+\/edit$/);
  const caseStudy = await firstLink(fetchHtml, `${base}/case-studies`, /\/case-studies\/\d+$/);
  if (caseStudy) pages.push({ name: 'case-study', url: caseStudy });
  if (canWrite) {
    pages.push(
      { name: 'salon-new', url: `${base}/salons/new` },
      { name: 'plan-new', url: `${base}/plans/new` },
      { name: 'case-study-new', url: `${base}/case-studies/new` },
    );
    if (salon) pages.push({ name: 'salon-edit', url: salon }, { name: 'salon-close', url: salon.replace(/\/edit$/, '/close') });
    if (plan) pages.push({ name: 'plan-edit', url: plan });
    pages.push({ name: 'plan-schedule-new', url: `${base}/plans/schedules/new` });
    const schedule = await firstLink(fetchHtml, `${base}/plans`, /\/plans\/schedules\/\d+\/edit$/);
    if (schedule) pages.push({ name: 'plan-schedule-edit', url: schedule });
    if (caseStudy) pages.push({ name: 'case-study-edit', url: `${caseStudy}/edit` });
  }
  return pages;
}

async function agendaPages(fetchHtml: FetchHtml, canCompose: boolean): Promise<PageToVisit[]> {
  const pages: PageToVisit[] = [{ name: 'agendas', url: '/agendas' }];
  const sheet = await firstLink(fetchHtml, '/agendas', /^\/agendas\/\d+(\/edit|\/print)?$/);
  if (sheet) {
    const id = /\d+/.exec(sheet)![0];
    pages.push({ name: 'agenda', url: `/agendas/${id}` }, { name: 'agenda-print', url: `/agendas/${id}/print` });
    if (canCompose) pages.push({ name: 'agenda-edit', url: `/agendas/${id}/edit` });
  }
  if (canCompose) pages.push({ name: 'agenda-new', url: '/agendas/new' });
  return pages;
}

/** Every page the demo user of a role can open (GET), in a stable order. */
export async function pagesOf(role: DemoRole, fetchHtml: FetchHtml): Promise<PageToVisit[]> {
  const common: PageToVisit[] = [
    { name: 'home', url: '/' },
    { name: 'account-password', url: '/account/password' },
  ];
  if (role === 'district') {
    return [
      ...common,
      ...(await districtPages(fetchHtml, DEMO_DISTRICT, true)),
      { name: 'trends', url: `/trends?scope=district:${DEMO_DISTRICT}` },
      { name: 'chart', url: `/charts/trend?scope=district:${DEMO_DISTRICT}&item=1` },
    ];
  }
  const pages: PageToVisit[] = [
    ...common,
    { name: 'trends', url: '/trends' },
    { name: 'trends-r1-r5', url: '/trends?scope=city&from=2019&to=2023' },
    { name: 'households', url: '/trends/households' },
    { name: 'districts', url: '/districts' },
    { name: 'completeness', url: '/completeness' },
    { name: 'overdue', url: '/completeness/overdue' },
    { name: 'overdue-previous', url: `/completeness/overdue?fy=${currentFiscalYear() - 1}` },
    { name: 'imports', url: '/imports' },
    ...(await districtPages(fetchHtml, DEMO_DISTRICT, true)),
    ...(await agendaPages(fetchHtml, role === 'city')),
  ];
  if (role === 'ward')
    pages.push({ name: 'trends-citywide', url: '/trends?scope=city' }, { name: 'households-citywide', url: '/trends/households?scope=city' });
  pages.push({ name: 'imports', url: '/imports' });
  const imported = await firstLink(fetchHtml, '/imports', /^\/imports\/\d+$/);
  if (imported) pages.push({ name: 'import', url: imported });
  if (role === 'city') {
    pages.push(
      { name: 'published-figures', url: '/published-figures' },
      { name: 'fiscal-years', url: '/fiscal-years' },
      { name: 'users', url: '/users' },
      { name: 'user-new', url: '/users/new' },
      { name: 'settings', url: '/settings' },
      { name: 'district-new', url: '/districts/new' },
      { name: 'district-edit', url: `/districts/${DEMO_DISTRICT}/edit` },
      { name: 'district-end', url: `/districts/${DEMO_DISTRICT}/end` },
      { name: 'successions', url: '/successions' },
      { name: 'succession-new', url: '/successions/new' },
    );
    const figure = await firstLink(fetchHtml, '/published-figures', /^\/published-figures\/edit\?/);
    if (figure) pages.push({ name: 'published-figures-edit', url: figure });
    // The succession form with one ward's districts as checkboxes (the ward list is a <select>, not links).
    const ward = /<option value="(\d+)"/.exec(await fetchHtml('/successions/new'))?.[1];
    if (ward) pages.push({ name: 'succession-new-ward', url: `/successions/new?ward=${ward}` });
    const password = await firstLink(fetchHtml, '/users', /^\/users\/\d+\/password$/);
    if (password) pages.push({ name: 'user-password', url: password });
  }
  return pages;
}

/**
 * A form submitted into an error or a confirmation page, for the accessibility and HTML checks:
 * `page` is opened, `fields` are typed into the form whose action is `action` (its hidden inputs,
 * such as the CSRF token and version, are sent as they are), and the answer must have `status`.
 */
export interface FormState {
  name: string;
  page: string;
  action: string;
  fields: Record<string, string>;
  status: 200 | 409 | 422;
}

/** The first form action on a page that matches the pattern (the whole action), or null. */
export async function firstAction(fetchHtml: FetchHtml, url: string, pattern: RegExp): Promise<string | null> {
  const html = await fetchHtml(url);
  for (const [, raw] of html.matchAll(/<form\b[^>]*\saction="([^"]+)"/g)) {
    if (raw === undefined) throw new Error('form action not captured');
    const action = raw.replaceAll('&amp;', '&');
    if (pattern.test(action)) return action;
  }
  return null;
}

/** The hidden inputs (name → value) of the form on the page whose action is `action`. */
export function hiddenInputsOf(html: string, action: string): Record<string, string> {
  const escaped = action.replaceAll('&', '&amp;');
  const start = html.indexOf(`action="${escaped}"`);
  if (start < 0) throw new Error(`no form with action ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input\b[^>]*type="hidden"[^>]*>/g)) {
    const name = /\sname="([^"]*)"/.exec(m[0])?.[1];
    const value = /\svalue="([^"]*)"/.exec(m[0])?.[1] ?? '';
    if (name) out[name] = value.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  return out;
}

/** Error states and server-side confirmation pages each role reaches, in a stable order. */
export async function formStatesOf(role: DemoRole, fetchHtml: FetchHtml): Promise<FormState[]> {
  const base = `/districts/${DEMO_DISTRICT}`;
  const monthly = `${base}/reports/${previousMonth(currentMonth())}`;
  const states: FormState[] = [
    { name: 'monthly-form-error', page: monthly, action: monthly, fields: { watched_elderly: 'たくさん' }, status: 422 },
    { name: 'salon-new-error', page: `${base}/salons/new`, action: `${base}/salons/new`, fields: { name: '', opened_on: 'あした' }, status: 422 },
    {
      name: 'district-contacts-error',
      page: `${base}/contacts`,
      action: `${base}/contacts`,
      fields: { contact_phone: 'でんわ', contact_email: 'x@' },
      status: 422,
    },
  ];
  // Saved by someone else meanwhile (a stale version): the conflict pages (409).
  states.push({ name: 'monthly-conflict', page: monthly, action: monthly, fields: { version: '999' }, status: 409 });
  const wardIndicators = await firstLink(fetchHtml, '/', /^\/wards\/\d+\/indicators$/);
  if (wardIndicators) {
    const wardForm = `${wardIndicators}/${currentFiscalYear()}`;
    const field = /name="(ind-[^"]+)"/.exec(await fetchHtml(wardForm))?.[1];
    if (field)
      states.push({ name: 'ward-indicators-conflict', page: wardForm, action: wardForm, fields: { version: 'stale', [field]: '999999' }, status: 409 });
  }
  const salon = await firstLink(fetchHtml, `${base}/salons`, /\/salons\/\d+\/edit$/);
  if (salon) {
    const close = salon.replace(/\/edit$/, '/close');
    states.push({ name: 'salon-close-error', page: close, action: close, fields: { closed_on: 'むかし' }, status: 422 });
    const del = await firstAction(fetchHtml, salon, /\/salons\/\d+\/delete$/);
    if (del) states.push({ name: 'salon-delete-confirm', page: salon, action: del, fields: {}, status: 200 });
  }
  if (role === 'district') {
    states.push(
      { name: 'plan-new-error', page: `${base}/plans/new`, action: `${base}/plans/new`, fields: { formulated_fy: 'いつか' }, status: 422 },
      { name: 'case-study-new-error', page: `${base}/case-studies/new`, action: `${base}/case-studies/new`, fields: { title: '', body: '' }, status: 422 },
    );
  }
  if (role === 'city') {
    states.push(
      { name: 'settings-error', page: '/settings', action: '/settings', fields: { reportDueDay: '40' }, status: 422 },
      { name: 'user-new-error', page: '/users/new', action: '/users/new', fields: { login: 'a', display_name: '' }, status: 422 },
      { name: 'agenda-new-error', page: '/agendas/new', action: '/agendas/new', fields: { heading: '', from: 'むかし' }, status: 422 },
      { name: 'district-new-error', page: '/districts/new', action: '/districts/new', fields: { code: 'ｘ ｘ', name: '' }, status: 422 },
      {
        name: 'district-edit-error',
        page: `/districts/${DEMO_DISTRICT}/edit`,
        action: `/districts/${DEMO_DISTRICT}/edit`,
        fields: { name: '', kana: '' },
        status: 422,
      },
      {
        name: 'district-end-confirm',
        page: `/districts/${DEMO_DISTRICT}/end`,
        action: `/districts/${DEMO_DISTRICT}/end`,
        fields: { last_fy: String(currentFiscalYear()) },
        status: 200,
      },
      {
        name: 'succession-new-error',
        page: '/successions/new',
        action: '/successions/new',
        fields: { label: '', first_month: 'いつか', predecessor_codes: 'ZZZ' },
        status: 422,
      },
    );
    const figure = await firstLink(fetchHtml, '/published-figures', /^\/published-figures\/edit\?/);
    if (figure) states.push({ name: 'published-figures-edit-error', page: figure, action: figure, fields: { value: 'たくさん' }, status: 422 });
    const disable = await firstAction(fetchHtml, '/users', /^\/users\/\d+\/disable$/);
    if (disable) states.push({ name: 'user-disable-confirm', page: '/users', action: disable, fields: {}, status: 200 });
    const close = await firstAction(fetchHtml, '/fiscal-years', /^\/fiscal-years\/\d+\/close$/);
    if (close) states.push({ name: 'fiscal-year-close-confirm', page: '/fiscal-years', action: close, fields: {}, status: 200 });
  }
  return states;
}
