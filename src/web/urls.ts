/**
 * The app's URLs that several features link to, built in one place: a district's pages and the
 * trend pages' shared query. Route files and view builders call these instead of writing the
 * strings by hand, so a changed path is changed once.
 */

/** What a district URL needs of a district. */
export interface HasDistrictCode {
  code: string;
}

/** `/districts/:code`: the district's own pages start here. */
export function districtUrl(district: HasDistrictCode): string {
  return `/districts/${encodeURIComponent(district.code)}`;
}

/** `/districts/:code/years/:fy`: the year view (年間の報告). */
export function districtYearUrl(district: HasDistrictCode, fiscalYear: number): string {
  return `${districtUrl(district)}/years/${fiscalYear}`;
}

/** `/districts/:code/reports/:month`: the monthly form of one month (`YYYY-MM`). */
export function districtReportUrl(district: HasDistrictCode, month: string): string {
  return `${districtUrl(district)}/reports/${month}`;
}

/** `/districts/:code/history`: the district's change history. */
export function districtHistoryUrl(district: HasDistrictCode): string {
  return `${districtUrl(district)}/history`;
}

/** `/districts/:code/contacts`: the district's contact details. */
export function districtContactsUrl(district: HasDistrictCode): string {
  return `${districtUrl(district)}/contacts`;
}

/** What a trend link needs of a trend request (the TrendQuery of src/trends/query.ts). */
export interface TrendLinkQuery {
  scope: { key: string };
  fromFy: number;
  toFy: number;
  basis: string;
  thresholds: { flat: number; strong: number };
}

/** Query string of a trend request, for links between trend pages, charts and exports. */
export function trendQueryString(q: TrendLinkQuery, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    scope: q.scope.key,
    from: String(q.fromFy),
    to: String(q.toFy),
    basis: q.basis,
    flat: String(q.thresholds.flat),
    strong: String(q.thresholds.strong),
    ...extra,
  }).toString();
}

/** Link to the chart page of a trend row. */
export function chartHref(q: TrendLinkQuery, rowKey: string): string {
  return `/charts/trend?${trendQueryString(q, { item: rowKey })}`;
}
