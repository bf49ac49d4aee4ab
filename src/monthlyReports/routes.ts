import type { FastifyInstance, FastifyReply } from 'fastify';
import { authorize, type CurrentUser } from '../auth/access.js';
import type { Db } from '../db/index.js';
import { districtTarget, getDistrictByCode, type DistrictWithWard } from '../districts/repository.js';
import { addMonths, currentFiscalYear, fiscalYearOfMonth, isMonth, monthLabelLong, monthsOfFiscalYear, warekiLong } from '../domain/fiscalYear.js';
import { todayInJapan } from '../domain/due.js';
import { isDistrictActive } from '../domain/rollup.js';
import { loadScopeFigures } from '../figures/repository.js';
import { formatCount, parseCount, toHalfWidth } from '../domain/numbers.js';
import { ITEMS } from '../domain/items.js';
import { assertMonthOpen, isFiscalYearClosed } from '../fiscalYears/repository.js';
import { listDistrictHistory } from '../audit/repository.js';
import { getSettings } from '../settings/repository.js';
import { districtPath } from '../registers/routing.js';
import { NotFoundError, ValidationError } from '../errors.js';
import {
  COUNT_FIELDS,
  FIELD_LABELS,
  editorName,
  flaggedFieldsOf,
  getMonthlyReport,
  hasReportedCounts,
  listMonthlyReports,
  listReportsBefore,
  saveMonthlyReport,
  valuesOf,
  type CountField,
  type MonthlyReportRow,
  type MonthlyValues,
} from './repository.js';
import {
  districtParamsSchema,
  FORM_GROUPS,
  formatConfirmedValues,
  historyQuerySchema,
  isBlank,
  monthParamsSchema,
  parseMonthlyForm,
  parseParams,
  typedFromValues,
  UNITS,
  yearParamsSchema,
  type FormField,
  type MonthlyForm,
  type TypedValues,
} from './form.js';
import { findImplausible, type RecentRange } from './plausibility.js';
import { isFutureMonth, monthStatus, neighbours, STATUS_LABELS } from './status.js';
import { describeEvent, formatJapanDateTime } from './history.js';
import { RESUMED_MESSAGE, resumedFormBody } from '../auth/pendingForms.js';
import { reviewBox } from '../reviews/view.js';
import { warekiMonthToIso } from '../domain/dates.js';
import { successionBounds, successionMonthProblem, successionsOfDistrict } from '../successions/repository.js';

/** The result of a parser, or null when it throws (kept values that no longer read as this form). */
function tryParse<T>(parse: () => T): T | null {
  try {
    return parse();
  } catch {
    return null;
  }
}

/** Items that are year-end states: in a succession's year they belong to the successors (DESIGN §2). */
const YEAR_END_ITEMS: ReadonlySet<number> = new Set([1, 3, 6, 7]);

const STYLES = ['monthly.css'];
const WATCHED = ['watched_elderly', 'watched_disability', 'watched_single_parent', 'watched_other'] as const;

function yearPath(district: DistrictWithWard, fy: number): string {
  return `${districtPath(district)}/years/${fy}`;
}

function reportPath(district: DistrictWithWard, month: string): string {
  return `${districtPath(district)}/reports/${month}`;
}

/** Watched households in a month: the four categories added up, blank when none was reported (as in the rollup). */
function watchedTotal(values: MonthlyValues | null): number | null {
  if (!values || WATCHED.every((f) => values[f] === null)) return null;
  return WATCHED.reduce((s, f) => s + (values[f] ?? 0), 0);
}

function sumOf(values: readonly (number | null)[]): number | null {
  return values.reduce<number | null>((s, v) => (v === null ? s : (s ?? 0) + v), null);
}

/** Why a month cannot be entered, or null if it can. */
function entryRefusal(db: Db, district: DistrictWithWard, month: string, today: string): { kind: 'closed' | 'future' | 'inactive'; message: string } | null {
  const fy = fiscalYearOfMonth(month);
  if (isFiscalYearClosed(db, fy)) {
    return { kind: 'closed', message: `${warekiLong(fy)}は年度確定済みのため、この月の報告は変更できません。変更が必要な場合は、市社協に年度の再開を依頼してください。` };
  }
  if (isFutureMonth(month, today)) {
    return { kind: 'future', message: `${monthLabelLong(month)}はまだ始まっていないため、入力できません。月が始まってから入力してください。` };
  }
  if (!isDistrictActive(district, fy)) {
    return { kind: 'inactive', message: `${district.name}は${warekiLong(fy)}には活動していないため、この月の報告は入力できません。` };
  }
  // DESIGN §2: a predecessor reports up to the month before the succession, a successor from its first month.
  const succession = successionMonthProblem(db, district, month);
  if (succession) return { kind: 'inactive', message: succession };
  return null;
}

interface FormState {
  typed: TypedValues;
  /** The parsed values, when every field was valid. */
  values: MonthlyValues | null;
  version: number;
  errors: Partial<Record<FormField, string>>;
  /** Fields far from the recent values that the user has not confirmed yet. */
  unusual: Map<CountField, RecentRange>;
  confirmUnusual: boolean;
}

/** Everything the form page shows around the fields: neighbours, last year, stored row, refusal. */
function formView(db: Db, district: DistrictWithWard, month: string, stored: MonthlyReportRow | undefined, state: FormState) {
  const settings = getSettings(db);
  const today = todayInJapan();
  const { previous, next } = neighbours(month);
  const lastYear = addMonths(month, -12);
  const around = new Map(listMonthlyReports(db, district.id, [lastYear, previous]).map((r) => [r.month, valuesOf(r)]));
  const previousValues = around.get(previous) ?? null;
  const lastYearValues = around.get(lastYear) ?? null;
  const refusal = entryRefusal(db, district, month, today);
  const flagged = new Set(flaggedFieldsOf(stored));
  const recentWords = (r: RecentRange) => (r.min === r.max ? formatCount(r.min) : `${formatCount(r.min)}〜${formatCount(r.max)}`);
  const warnings: Partial<Record<CountField, string>> = {};
  for (const [f, r] of state.unusual) {
    warnings[f] = `いつもの値（最近${settings.plausibilityMonths}か月: ${recentWords(r)}）と大きく違います。正しければ「この値で保存する」にチェックしてください。`;
  }
  const storedValues = stored ? valuesOf(stored) : null;
  return {
    title: `${monthLabelLong(month)}の報告（${district.name}）`,
    styles: STYLES,
    groups: FORM_GROUPS,
    labels: FIELD_LABELS,
    district,
    month,
    fiscalYear: fiscalYearOfMonth(month),
    action: reportPath(district, month),
    yearUrl: yearPath(district, fiscalYearOfMonth(month)),
    historyUrl: `${districtPath(district)}/history?month=${month}`,
    previousUrl: reportPath(district, previous),
    previousLabel: monthLabelLong(previous),
    nextUrl: isFutureMonth(next, today) ? null : reportPath(district, next),
    nextLabel: monthLabelLong(next),
    refusal,
    typed: state.typed,
    version: state.version,
    errors: state.errors,
    warnings,
    confirmedValues: formatConfirmedValues(new Map([...state.unusual.keys()].map((f) => [f, state.values?.[f] ?? 0]))),
    confirmUnusual: state.confirmUnusual,
    // A stored flag is shown while the field still holds the confirmed value.
    flagged: COUNT_FIELDS.filter((f) => flagged.has(f) && storedValues !== null && state.typed[f] === String(storedValues[f] ?? '')),
    asides: Object.fromEntries(COUNT_FIELDS.map((f) => [f, `先月 ${fmtReported(previousValues?.[f])} / 前年同月 ${fmtReported(lastYearValues?.[f])}`])),
    watchedAside: `先月 ${fmtReported(watchedTotal(previousValues))} / 前年同月 ${fmtReported(watchedTotal(lastYearValues))}`,
    watchedTotal: typedWatchedTotal(state.typed),
    stored: stored ? { correctedByWard: stored.correctedByWard, updatedAt: formatJapanDateTime(stored.updatedAt), editor: editorName(db, stored) } : null,
    storedValues,
    dueDay: settings.reportDueDay,
  };
}

function fmtReported(n: number | null | undefined): string {
  return n === null || n === undefined ? '未報告' : formatCount(n);
}

/** The watched total of what was typed, for the page without JavaScript; '—' when it cannot be added up. */
function typedWatchedTotal(typed: TypedValues): string {
  let total = 0;
  let any = false;
  for (const f of WATCHED) {
    // The same rules as saving (and as the live total in public/app.js).
    const parsed = parseCount(typed[f], { units: [UNITS[f]] });
    if (!parsed.ok) return '（数字を確認してください）';
    if (parsed.value === null) continue;
    total += parsed.value;
    any = true;
  }
  return any ? formatCount(total) : '—';
}

function loadDistrict(db: Db, user: CurrentUser | null, code: string, action: 'read' | 'write'): DistrictWithWard {
  const district = getDistrictByCode(db, code);
  authorize(user, action, districtTarget(district));
  return district;
}

/** 月次報告: a district's year view, the monthly form with conflicts and plausibility, and its history. */
export async function monthlyReportRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.database;

  app.get('/districts/:code', async (request, reply) => {
    const { code } = parseParams(districtParamsSchema, request.params);
    const district = loadDistrict(db, request.user, code, 'read');
    return reply.redirect(yearPath(district, currentFiscalYear()), 303);
  });

  app.get('/districts/:code/years/:fy', async (request, reply) => {
    const { code, fy } = parseParams(yearParamsSchema, request.params);
    const district = loadDistrict(db, request.user, code, 'read');
    const settings = getSettings(db);
    const today = todayInJapan();
    const months = monthsOfFiscalYear(fy);
    const byMonth = new Map(listMonthlyReports(db, district.id, months).map((r) => [r.month, r]));
    const bounds = successionBounds(db, [district.id]).get(district.id);
    const rows = months.map((month) => {
      const row = byMonth.get(month);
      const values = row ? valuesOf(row) : null;
      const status = monthStatus(month, hasReportedCounts(row), today, settings.reportDueDay, bounds);
      return {
        month,
        url: reportPath(district, month),
        values,
        watchedTotal: watchedTotal(values),
        status,
        statusLabel: STATUS_LABELS[status.kind],
        correctedByWard: row?.correctedByWard ?? false,
        flagged: flaggedFieldsOf(row),
        hasNote: !!row?.note,
      };
    });
    const flowTotals = Object.fromEntries(
      (['mutual_aid_cases', 'coordination_meetings', 'well_club_participants'] as const).map((f) => [f, sumOf(rows.map((r) => r.values?.[f] ?? null))]),
    );
    // The district's figures of record (stored on write, frozen while the year is closed).
    const yearly = loadScopeFigures(db, 'district', district.id, fy, fy).get(fy)!.items;
    const successions = successionsOfDistrict(db, district.id);
    // A predecessor in its event's year: ①③⑥⑦ are year-end states counted under its successors (DESIGN §2).
    const succeededThisYear = successions.successors.filter((s) => fiscalYearOfMonth(s.firstMonth) === fy);
    const currentFy = currentFiscalYear();
    return reply.viewAsync('monthlyReports/year', {
      title: `${warekiLong(fy)}の報告（${district.name}）`,
      styles: STYLES,
      district,
      groups: FORM_GROUPS,
      fiscalYear: fy,
      rows,
      flowTotals,
      yearly: ITEMS.map((item) => ({
        ...item,
        value: yearly[item.item].value,
        countedUnder: succeededThisYear.length > 0 && YEAR_END_ITEMS.has(item.item) ? succeededThisYear : null,
      })),
      regularMeetingMonths: settings.regularMeetingMonths,
      dueDay: settings.reportDueDay,
      closed: isFiscalYearClosed(db, fy),
      active: isDistrictActive(district, fy),
      previousUrl: yearPath(district, fy - 1),
      nextUrl: fy < currentFy ? yearPath(district, fy + 1) : null,
      exportBase: `${yearPath(district, fy)}/export`,
      historyUrl: `${districtPath(district)}/history`,
      // 前身・後継の校(地)区 (DESIGN §2), linked from the district's page.
      successions,
      counts: {
        reported: rows.filter((r) => r.status.kind === 'reported').length,
        overdue: rows.filter((r) => r.status.kind === 'overdue').length,
      },
    });
  });

  app.get('/districts/:code/reports/:month', async (request, reply) => {
    const { code, month } = parseParams(monthParamsSchema, request.params);
    const user = request.user!;
    const district = loadDistrict(db, user, code, 'read');
    const stored = getMonthlyReport(db, district.id, month);
    // Back from signing in again after a timeout: the values typed before, not yet saved.
    const resumed = resumedFormBody(db, request);
    if (resumed) {
      const form = tryParse(() => parseMonthlyForm(resumed));
      if (form) {
        return reply.viewAsync('monthlyReports/form', {
          ...formView(db, district, month, stored, { typed: form.typed, values: form.values, version: form.version, errors: form.errors, unusual: new Map(), confirmUnusual: false }),
          flash: RESUMED_MESSAGE,
        });
      }
    }
    return renderReportPage(reply, db, user, district, month);
  });

  app.post('/districts/:code/reports/:month', async (request, reply) => {
    const { code, month } = parseParams(monthParamsSchema, request.params);
    const user = request.user!;
    const district = loadDistrict(db, user, code, 'write');
    const form = parseMonthlyForm(request.body);
    // A closed year is a 409 whatever was typed; the write path checks again inside its transaction.
    assertMonthOpen(db, month);
    const refusal = entryRefusal(db, district, month, todayInJapan());
    if (refusal) throw new ValidationError({ month: refusal.message }, refusal.message);
    const stored = getMonthlyReport(db, district.id, month);
    if (!form.values) return renderForm(reply, 422, db, user, district, month, stored, form, new Map());

    if ((stored?.version ?? 0) !== form.version) return renderConflict(reply, db, district, month, form, stored);

    // Nothing typed: a month never reported stays 未報告 without writing anything; clearing a
    // saved month takes a confirmation first.
    if (isBlank(form.values)) {
      const storedHasValues = hasReportedCounts(stored) || !!stored?.note;
      if (!storedHasValues) {
        request.session.flash = `${monthLabelLong(month)}は、空欄のため未報告のままです。`;
        return reply.redirect(yearPath(district, fiscalYearOfMonth(month)), 303);
      }
      if (!form.confirmClear) {
        reply.code(200);
        return reply.viewAsync('monthlyReports/form', {
          ...formView(db, district, month, stored, { typed: form.typed, values: form.values, version: form.version, errors: {}, unusual: new Map(), confirmUnusual: false }),
          title: `${monthLabelLong(month)}の報告をすべて消しますか（${district.name}）`,
          confirmClear: true,
        });
      }
    }

    const flaggedFields = plausibilityFlags(db, district.id, month, form, form.values, stored);
    if (flaggedFields.unconfirmed.size > 0) return renderForm(reply, 422, db, user, district, month, stored, form, flaggedFields.warn);

    const result = saveMonthlyReport(db, {
      districtId: district.id,
      month,
      values: form.values,
      expectedVersion: form.version,
      userId: user.id,
      // Ward staff correcting a district is marked; city staff's edits are not (DESIGN §1).
      correctedByWard: user.role === 'ward' ? true : undefined,
      flaggedFields: flaggedFields.flagged,
    });
    if (result.status === 'conflict') return renderConflict(reply, db, district, month, form, result.stored);
    request.session.flash =
      result.status === 'unchanged' ? `${monthLabelLong(month)}の報告は変更されていません。` : `${monthLabelLong(month)}の報告を保存しました。`;
    return reply.redirect(yearPath(district, fiscalYearOfMonth(month)), 303);
  });

  app.get('/districts/:code/history', async (request, reply) => {
    const { code } = parseParams(districtParamsSchema, request.params);
    const district = loadDistrict(db, request.user, code, 'read');
    const query = historyQuerySchema.safeParse(request.query ?? {});
    const typedMonth = query.success ? (query.data.month ?? '') : '';
    // As every other date field: 2024-04, 令和6年4月, R6.4, full-width digits.
    const month = warekiMonthToIso(toHalfWidth(typedMonth));
    let error: string | null = null;
    if (!query.success || (month !== '' && !isMonth(month))) error = '月は 2024-04 または 令和6年4月 のように入力してください。';
    const entries = error ? [] : listDistrictHistory(db, district.id, { month: month || undefined }).map(describeEvent);
    if (error) reply.code(422);
    return reply.viewAsync('monthlyReports/history', {
      title: `変更履歴（${district.name}）`,
      styles: STYLES,
      district,
      month: error ? typedMonth : month,
      monthLabel: !error && month ? monthLabelLong(month) : null,
      error,
      entries,
      yearUrl: yearPath(district, month && !error ? fiscalYearOfMonth(month) : currentFiscalYear()),
      formUrl: month && !error ? reportPath(district, month) : null,
    });
  });
}

/**
 * Which fields need confirmation, and which stay flagged once saved. Only
 * changed values are checked: an unchanged value was accepted before and
 * keeps its flag.
 */
function plausibilityFlags(db: Db, districtId: number, month: string, form: MonthlyForm, values: MonthlyValues, stored: MonthlyReportRow | undefined) {
  const settings = getSettings(db);
  const before = stored ? valuesOf(stored) : null;
  const changed = COUNT_FIELDS.filter((f) => before === null || before[f] !== values[f]);
  const recent = listReportsBefore(db, districtId, month, settings.plausibilityMonths).map(valuesOf);
  const warn = findImplausible(changed, values, recent, { factor: settings.plausibilityFactor });
  const unconfirmed = new Map(
    [...warn].filter(([f]) => !(form.confirmUnusual && (form.confirmedValues === null || form.confirmedValues.get(f) === values[f]))),
  );
  const kept = new Set(flaggedFieldsOf(stored).filter((f) => !changed.includes(f)));
  const flagged = COUNT_FIELDS.filter((f) => kept.has(f) || warn.has(f));
  return { warn, unconfirmed, flagged };
}

async function renderForm(
  reply: FastifyReply,
  status: number,
  db: Db,
  user: CurrentUser,
  district: DistrictWithWard,
  month: string,
  stored: MonthlyReportRow | undefined,
  form: MonthlyForm,
  unusual: Map<CountField, RecentRange>,
) {
  reply.code(status);
  // The review box stays: a district correcting a returned month keeps the ward's comment in view.
  return reply.viewAsync('monthlyReports/form', {
    ...formView(db, district, month, stored, { typed: form.typed, values: form.values, version: form.version, errors: form.errors, unusual, confirmUnusual: false }),
    review: reviewBox(db, user, district, month, reportPath(district, month)),
  });
}

/** The monthly report page as stored, with the review box (区社協の確認) kept as posted when `review` is given. */
export async function renderReportPage(
  reply: FastifyReply,
  db: Db,
  user: CurrentUser,
  district: DistrictWithWard,
  month: string,
  review: { comment?: string; error?: string | null } = {},
) {
  const stored = getMonthlyReport(db, district.id, month);
  return reply.viewAsync('monthlyReports/form', {
    ...formView(db, district, month, stored, {
      typed: typedFromValues(stored ? valuesOf(stored) : null),
      values: null,
      version: stored?.version ?? 0,
      errors: {},
      unusual: new Map(),
      confirmUnusual: false,
    }),
    review: reviewBox(db, user, district, month, reportPath(district, month), review),
  });
}

/** 409: the stored report beside what was typed, with the choice to keep the stored one or overwrite it. */
async function renderConflict(reply: FastifyReply, db: Db, district: DistrictWithWard, month: string, form: MonthlyForm, stored: MonthlyReportRow | undefined) {
  const storedValues = stored ? valuesOf(stored) : null;
  const typedValues = form.values!;
  const fields = [...COUNT_FIELDS, 'note'] as const;
  reply.code(409);
  return reply.viewAsync('monthlyReports/conflict', {
    title: `${monthLabelLong(month)}の報告：ほかの人が先に保存しました`,
    styles: STYLES,
    labels: FIELD_LABELS,
    district,
    month,
    action: reportPath(district, month),
    formUrl: reportPath(district, month),
    stored: stored
      ? { editor: editorName(db, stored), updatedAt: formatJapanDateTime(stored.updatedAt), version: stored.version, correctedByWard: stored.correctedByWard }
      : null,
    currentVersion: stored?.version ?? 0,
    rows: fields.map((f) => {
      const s = storedValues ? storedValues[f] : null;
      const t = typedValues[f];
      return {
        field: f,
        stored: storedValues ? display(f, s) : '（保存されている報告はありません）',
        typed: display(f, t),
        differs: (s ?? null) !== (t ?? null),
      };
    }),
    typed: form.typed,
    confirmUnusual: form.confirmUnusual,
    confirmedValues: form.confirmedValues ? formatConfirmedValues(form.confirmedValues) : null,
  });
}

function display(field: FormField, value: number | string | null): string {
  if (value === null) return field === 'note' ? '（なし）' : '未報告';
  return typeof value === 'number' ? formatCount(value) : value;
}
