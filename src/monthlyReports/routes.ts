import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CurrentUser } from '../auth/access.js';
import { guard, loadedDistrict } from '../guards/guard.js';
import type { Db } from '../db/index.js';
import { groupCommitOf } from '../db/groupCommit.js';
import { atomically } from '../db/atomic.js';
import type { DistrictWithWard } from '../districts/repository.js';
import { addMonths, currentFiscalYear, fiscalYearOfMonth, isMonth, monthLabelLong, monthsOfFiscalYear, warekiLong } from '../domain/fiscalYear.js';
import { todayInJapan } from '../domain/due.js';
import { isDistrictActive } from '../domain/rollup.js';
import { loadScopeFigures } from '../figures/repository.js';
import { takesPartInSuccession } from '../figures/fastRecompute.js';
import { toHalfWidth } from '../domain/numbers.js';
import { ITEMS } from '../domain/items.js';
import { assertMonthOpen, isFiscalYearClosed } from '../fiscalYears/repository.js';
import { listDistrictHistory } from '../audit/repository.js';
import { getSettings } from '../db/settings.js';
import { districtPath } from '../registers/routing.js';
import { ValidationError } from '../errors.js';
import {
  COUNT_FIELDS,
  FIELD_LABELS,
  editorName,
  flaggedFieldsOf,
  getMonthlyReport,
  hasReportedCounts,
  listMonthlyReports,
  recentValuesBefore,
  saveMonthlyReport,
  touchMonthlyReport,
  valuesOf,
  type CountField,
  type MonthlyReportRow,
  type MonthlyValues,
} from './repository.js';
import { FORM_GROUPS, historyQuerySchema, isBlank, parseMonthlyForm, typedFromValues, type MonthlyForm } from './form.js';
import { findImplausible, type RecentRange } from './plausibility.js';
import { neighbours } from './status.js';
import { monthNotStartedProblems } from '../domain/invariants.js';
import { describeHistory } from './history.js';
import { formatJapanDateTime } from '../web/japanTime.js';
import { districtMonthPathParams, districtYearPathParams } from '../web/params.js';
import { parsePath } from '../web/replies.js';
import { RESUMED_MESSAGE, resumedFormBody } from '../auth/pendingForms.js';
import { reviewBox } from '../reviews/view.js';
import { warekiMonthToIso } from '../domain/dates.js';
import { successionBounds, successionMonthProblem, successionsOfDistrict } from '../successions/repository.js';
import { COUNT_FIELD_DEFINITIONS } from '../domain/catalogue.js';
import { conflictView, MONTHLY_STYLES, monthlyFormView, reportPath, typedFormState, yearPath, yearView, type MonthlyFormState } from './view.js';
import { checkMonthlyIndicators, monthlyIndicatorSection, saveIndicatorCells, type EntryState } from '../indicators/form.js';
import { indicatorConflictRows } from '../indicators/conflict.js';
import { listIndicators, valuesAt } from '../indicators/repository.js';
import type { ActiveIndicator, EntryCheck } from '../indicators/values.js';

/** The result of a parser, or null when it throws (kept values that no longer read as this form). */
function tryParse<T>(parse: () => T): T | null {
  try {
    return parse();
  } catch {
    return null;
  }
}

const STYLES = MONTHLY_STYLES;

/** Why a month cannot be entered, or null if it can. */
function entryRefusal(db: Db, district: DistrictWithWard, month: string, today: string): { kind: 'closed' | 'future' | 'inactive'; message: string } | null {
  const fy = fiscalYearOfMonth(month);
  if (isFiscalYearClosed(db, fy)) {
    return {
      kind: 'closed',
      message: `${warekiLong(fy)}は年度確定済みのため、この月の報告は変更できません。変更が必要な場合は、市社協に年度の再開を依頼してください。`,
    };
  }
  // The same rule as imports (src/domain/invariants.ts).
  const notStarted = monthNotStartedProblems(month, today, 'entry')[0];
  if (notStarted) return { kind: 'future', message: notStarted.message };
  if (!isDistrictActive(district, fy)) {
    return { kind: 'inactive', message: `${district.name}は${warekiLong(fy)}には活動していないため、この月の報告は入力できません。` };
  }
  // DESIGN §2: a predecessor reports up to the month before the succession, a successor from its first month.
  const succession = takesPartInSuccession(db, district.id) ? successionMonthProblem(db, district, month) : null;
  if (succession) return { kind: 'inactive', message: succession };
  return null;
}

type FormState = MonthlyFormState & {
  /** The council-defined indicators as typed after a failed save (DESIGN §11); stored values otherwise. */
  indicators?: EntryState;
};

/** Everything the form page shows around the fields: neighbours, last year, stored row, refusal. */
function formView(db: Db, district: DistrictWithWard, month: string, stored: MonthlyReportRow | undefined, state: FormState) {
  const settings = getSettings(db);
  const indicators = monthlyIndicatorSection(db, district.id, month, state.indicators);
  const today = todayInJapan();
  const { previous } = neighbours(month);
  const lastYear = addMonths(month, -12);
  const around = new Map(listMonthlyReports(db, district.id, [lastYear, previous]).map((r) => [r.month, valuesOf(r)]));
  const view = monthlyFormView({
    district,
    month,
    today,
    groups: FORM_GROUPS,
    labels: FIELD_LABELS,
    countFields: COUNT_FIELDS,
    plausibilityMonths: settings.plausibilityMonths,
    dueDay: settings.reportDueDay,
    previousValues: around.get(previous) ?? null,
    lastYearValues: around.get(lastYear) ?? null,
    refusal: entryRefusal(db, district, month, today),
    stored: stored
      ? {
          values: valuesOf(stored),
          flagged: flaggedFieldsOf(stored),
          correctedByWard: stored.correctedByWard,
          updatedAt: formatJapanDateTime(stored.updatedAt),
          editor: editorName(db, stored),
        }
      : null,
    state,
  });
  return {
    ...view,
    labels: { ...view.labels, ...indicators.labels },
    indicators,
    errors: { ...view.errors, ...indicators.errors },
  };
}

/** 月次報告: a district's year view, the monthly form with conflicts and plausibility, and its history. */
export function monthlyReportRoutes(app: FastifyInstance): void {
  const { db } = app.database;
  const saves = groupCommitOf(app.database);

  app.get('/districts/:code', { preHandler: guard.district('read') }, async (request, reply) => {
    const district = loadedDistrict(request);
    return reply.redirect(yearPath(district, currentFiscalYear()), 303);
  });

  app.get('/districts/:code/years/:fy', { preHandler: guard.district('read') }, async (request, reply) => {
    const { fy } = parsePath(districtYearPathParams, request.params);
    const district = loadedDistrict(request);
    const settings = getSettings(db);
    const months = monthsOfFiscalYear(fy);
    const reports = new Map(
      listMonthlyReports(db, district.id, months).map((r) => [
        r.month,
        { values: valuesOf(r), reported: hasReportedCounts(r), correctedByWard: r.correctedByWard, flagged: flaggedFieldsOf(r), hasNote: !!r.note },
      ]),
    );
    return reply.viewAsync(
      'monthlyReports/year',
      yearView({
        district,
        fiscalYear: fy,
        currentFiscalYear: currentFiscalYear(),
        today: todayInJapan(),
        dueDay: settings.reportDueDay,
        regularMeetingMonths: settings.regularMeetingMonths,
        groups: FORM_GROUPS,
        flowFields: COUNT_FIELD_DEFINITIONS.filter((f) => f.flow === 'flow').map((f) => f.name),
        months,
        reports,
        bounds: successionBounds(db, [district.id]).get(district.id),
        items: ITEMS,
        // The district's figures of record (stored on write, frozen while the year is closed).
        yearly: loadScopeFigures(db, 'district', district.id, fy, fy).get(fy)!.items,
        successions: successionsOfDistrict(db, district.id),
        closed: isFiscalYearClosed(db, fy),
        active: isDistrictActive(district, fy),
      }),
    );
  });

  app.get('/districts/:code/reports/:month', { preHandler: guard.district('read') }, async (request, reply) => {
    const { month } = parsePath(districtMonthPathParams, request.params);
    const user = request.user!;
    const district = loadedDistrict(request);
    const stored = getMonthlyReport(db, district.id, month);
    // Back from signing in again after a timeout: the values typed before, not yet saved.
    const resumed = resumedFormBody(db, request);
    if (resumed) {
      const form = tryParse(() => parseMonthlyForm(resumed));
      if (form) {
        return reply.viewAsync('monthlyReports/form', {
          ...formView(db, district, month, stored, typedFormState(form)),
          flash: RESUMED_MESSAGE,
        });
      }
    }
    return renderReportPage(reply, db, user, district, month);
  });

  app.post('/districts/:code/reports/:month', { preHandler: guard.district('write') }, async (request, reply) => {
    const { month } = parsePath(districtMonthPathParams, request.params);
    const user = request.user!;
    const district = loadedDistrict(request);
    const form = parseMonthlyForm(request.body);
    // The checks read in one read transaction: one snapshot, and one lock of the WAL instead of one per statement.
    const { stored, indicators, flaggedFields } = atomically(db, () => {
      // A closed year is a 409 whatever was typed; the write path checks again inside its transaction.
      assertMonthOpen(db, month);
      const refusal = entryRefusal(db, district, month, todayInJapan());
      if (refusal) throw new ValidationError({ month: refusal.message }, refusal.message);
      const row = getMonthlyReport(db, district.id, month);
      return {
        stored: row,
        indicators: checkMonthlyIndicators(db, month, request.body, form.values),
        flaggedFields: form.values ? plausibilityFlags(db, district.id, month, form, form.values, row) : null,
      };
    });
    if (!form.values || !flaggedFields || Object.keys(indicators.errors).length > 0)
      return renderForm(reply, 422, db, user, district, month, stored, form, new Map(), indicators);

    if ((stored?.version ?? 0) !== form.version) return renderConflict(reply, db, district, month, form, stored, indicators);

    // Nothing typed: a month never reported stays 未報告 without writing anything; clearing a
    // saved month takes a confirmation first.
    if (isBlank(form.values) && !indicators.anyTyped) {
      // Indicator values count too: clearing them is a change, never silently dropped.
      const storedHasValues = hasReportedCounts(stored) || !!stored?.note || hasStoredIndicatorValues(db, district.id, month, indicators.active);
      if (!storedHasValues) {
        request.session.flash = `${monthLabelLong(month)}は、空欄のため未報告のままです。`;
        return reply.redirect(yearPath(district, fiscalYearOfMonth(month)), 303);
      }
      if (!form.confirmClear) {
        reply.code(200);
        return reply.viewAsync('monthlyReports/form', {
          // The indicator section as posted (blank), so that confirming clears it as well.
          ...formView(db, district, month, stored, { ...typedFormState(form, new Map(), {}), indicators: { typed: indicators.typed, errors: {} } }),
          title: `${monthLabelLong(month)}の報告をすべて消しますか（${district.name}）`,
          confirmClear: true,
        });
      }
    }

    if (flaggedFields.unconfirmed.size > 0) return renderForm(reply, 422, db, user, district, month, stored, form, flaggedFields.warn, indicators);

    // The month and its indicator values (DESIGN §11) are saved in one transaction, which saves
    // arriving together share (one synced commit); the reply waits for the commit.
    let indicatorsChanged = false;
    const result = await saves.run((tx) => {
      const saved = saveMonthlyReport(tx, {
        districtId: district.id,
        month,
        values: form.values!,
        expectedVersion: form.version,
        userId: user.id,
        // Ward staff correcting a district is marked; city staff's edits are not (DESIGN §1).
        correctedByWard: user.role === 'ward' ? true : undefined,
        flaggedFields: flaggedFields.flagged,
      });
      if (saved.status === 'conflict') return saved;
      indicatorsChanged = saveIndicatorCells(tx, indicators.active, { kind: 'district', districtId: district.id, month }, indicators.cells, user.id);
      // An indicator-only change is a change of the month: a new version, so a form opened before it is stale.
      if (indicatorsChanged && saved.status === 'unchanged')
        return { status: 'saved', report: touchMonthlyReport(tx, saved.report, user.id), created: false } as const;
      return saved;
    });
    if (result.status === 'conflict') return renderConflict(reply, db, district, month, form, result.stored, indicators);
    request.session.flash =
      result.status === 'unchanged' && !indicatorsChanged
        ? `${monthLabelLong(month)}の報告は変更されていません。`
        : `${monthLabelLong(month)}の報告を保存しました。`;
    return reply.redirect(yearPath(district, fiscalYearOfMonth(month)), 303);
  });

  app.get('/districts/:code/history', { preHandler: guard.district('read') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const query = historyQuerySchema.safeParse(request.query ?? {});
    const typedMonth = query.success ? (query.data.month ?? '') : '';
    // As every other date field: 2024-04, 令和6年4月, R6.4, full-width digits.
    const month = warekiMonthToIso(toHalfWidth(typedMonth));
    let error: string | null = null;
    if (!query.success || (month !== '' && !isMonth(month))) error = '月は 2024-04 または 令和6年4月 のように入力してください。';
    // Indicator values at their indicator's decimal places (DESIGN §11).
    const places = new Map(listIndicators(db).map((i) => [i.key, i.decimals]));
    const entries = error ? [] : describeHistory(listDistrictHistory(db, district.id, { month: month || undefined }), places);
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
      action: `${districtPath(district)}/history`,
    });
  });
}

/** True when any of the posted indicators has a value stored for the district-month. */
function hasStoredIndicatorValues(db: Db, districtId: number, month: string, active: readonly ActiveIndicator[]): boolean {
  if (active.length === 0) return false;
  const stored = valuesAt(db, { kind: 'district', districtId, month });
  return active.some((a) => (stored.get(a.indicator.id)?.size ?? 0) > 0);
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
  const recent = recentValuesBefore(db, districtId, month, settings.plausibilityMonths);
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
  indicators?: EntryState,
) {
  reply.code(status);
  // The review box stays: a district correcting a returned month keeps the ward's comment in view.
  return reply.viewAsync('monthlyReports/form', {
    ...formView(db, district, month, stored, { ...typedFormState(form, unusual), indicators }),
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
async function renderConflict(
  reply: FastifyReply,
  db: Db,
  district: DistrictWithWard,
  month: string,
  form: MonthlyForm,
  stored: MonthlyReportRow | undefined,
  /** The council indicators as posted: shown beside the stored ones and carried to the overwrite, so nothing typed is lost. */
  indicators: Pick<EntryCheck, 'typed' | 'cells'> & { active: readonly ActiveIndicator[] },
) {
  reply.code(409);
  const storedIndicators =
    indicators.active.length > 0 ? valuesAt(db, { kind: 'district', districtId: district.id, month }) : new Map<number, Map<number, number>>();
  const view = conflictView({
    district,
    month,
    labels: FIELD_LABELS,
    fields: [...COUNT_FIELDS, 'note'],
    stored: stored
      ? {
          values: valuesOf(stored),
          editor: editorName(db, stored),
          updatedAt: formatJapanDateTime(stored.updatedAt),
          version: stored.version,
          correctedByWard: stored.correctedByWard,
        }
      : null,
    typedValues: form.values!,
    typed: { ...form.typed, ...indicators.typed },
    confirmUnusual: form.confirmUnusual,
    confirmedValues: form.confirmedValues,
  });
  return reply.viewAsync('monthlyReports/conflict', {
    ...view,
    rows: [...view.rows, ...indicatorConflictRows(indicators.active, indicators.cells, storedIndicators)],
    // Posted back by the overwrite: what was typed, and the plausibility confirmation given with it.
    hidden: {
      ...view.typed,
      ...(view.confirmUnusual ? { confirm_unusual: '1' } : {}),
      ...(view.confirmedValues !== null ? { confirmed_values: view.confirmedValues } : {}),
    },
  });
}
