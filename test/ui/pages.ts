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
  for (const m of html.matchAll(/href="([^"]+)"/g)) {
    const href = m[1].replaceAll('&amp;', '&');
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
    if (caseStudy) pages.push({ name: 'case-study-edit', url: `${caseStudy}/edit` });
  }
  return pages;
}

async function agendaPages(fetchHtml: FetchHtml, canCompose: boolean): Promise<PageToVisit[]> {
  const pages: PageToVisit[] = [{ name: 'agendas', url: '/agendas' }];
  const sheet = await firstLink(fetchHtml, '/agendas', /^\/agendas\/\d+(\/edit)?$/);
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
  const common: PageToVisit[] = [{ name: 'home', url: '/' }, { name: 'account-password', url: '/account/password' }];
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
    ...(await districtPages(fetchHtml, DEMO_DISTRICT, true)),
    ...(await agendaPages(fetchHtml, role === 'city')),
  ];
  if (role === 'ward') pages.push({ name: 'trends-citywide', url: '/trends?scope=city' }, { name: 'households-citywide', url: '/trends/households?scope=city' });
  if (role === 'city') {
    pages.push(
      { name: 'published-figures', url: '/published-figures' },
      { name: 'fiscal-years', url: '/fiscal-years' },
      { name: 'users', url: '/users' },
      { name: 'user-new', url: '/users/new' },
      { name: 'settings', url: '/settings' },
    );
    const figure = await firstLink(fetchHtml, '/published-figures', /^\/published-figures\/edit\?/);
    if (figure) pages.push({ name: 'published-figures-edit', url: figure });
    const password = await firstLink(fetchHtml, '/users', /^\/users\/\d+\/password$/);
    if (password) pages.push({ name: 'user-password', url: password });
  }
  return pages;
}
