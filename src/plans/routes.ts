import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { guard, loadedDistrict } from '../auth/guards.js';
import { currentFiscalYear } from '../domain/fiscalYear.js';
import type { DistrictWithWard } from '../districts/repository.js';
import { isConfirmed, renderConfirmation } from '../confirmation.js';
import { RESUMED_MESSAGE, resumedFormBody } from '../auth/pendingForms.js';
import { conflictRows, formVersion, type ConflictRow, type FormValues } from '../registers/form.js';
import { canWriteDistrict, districtPath, entryOfRequest, renderRegisterPage } from '../registers/routing.js';
import { createPlan, deletePlan, getPlan, listPlans, PLAN_NOT_FOUND, updatePlan, type PlanRow } from './repository.js';
import { GENERATION_CHOICES, generationLabel, parsePlanForm, PLAN_LABELS, planDisplay, planFormValues } from './form.js';
import { listPlanSchedules } from './schedules.js';
import { ClosedFiscalYearError } from '../fiscalYears/repository.js';

/**
 * Runs a write; a year of a closed fiscal year comes back as the message for
 * that field (the form is shown again with what was typed), not as an error page.
 */
function refusedInClosedYear<T>(write: () => T, field: string): { ok: true; value: T } | { ok: false; errors: Record<string, string> } {
  try {
    return { ok: true, value: write() };
  } catch (err) {
    if (err instanceof ClosedFiscalYearError) return { ok: false, errors: { [err.field ?? field]: err.message } };
    throw err;
  }
}
import { planScheduleRoutes } from './scheduleRoutes.js';

interface FormPage {
  district: DistrictWithWard;
  plan: PlanRow | null;
  values: FormValues;
  errors?: Record<string, string>;
  version?: number;
  conflict?: ConflictRow[];
  notice?: string;
}

/** Where a plan stands in the current fiscal year. */
function planStatus(plan: PlanRow, fy: number): 'current' | 'past' | 'future' {
  if (plan.lastFy < fy) return 'past';
  if (plan.firstFy > fy) return 'future';
  return 'current';
}

/** 活動計画: the district's small-area welfare activity plans — list, add, change, delete. */
export async function planRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.database;
  await planScheduleRoutes(app);

  const listUrl = (d: DistrictWithWard) => `${districtPath(d)}/plans`;

  /** The URL's plan, which must belong to the URL's district (else 404). */
  function planOf(request: FastifyRequest, district: DistrictWithWard): PlanRow {
    return entryOfRequest(request, district, (id) => getPlan(db, id), PLAN_NOT_FOUND);
  }

  function renderForm(reply: FastifyReply, page: FormPage, status = 200) {
    const { district, plan } = page;
    // A stored generation beyond the usual choices (from a CSV import) stays selectable.
    const stored = Number(page.values.generation);
    const generations: number[] = [...GENERATION_CHOICES];
    if (Number.isInteger(stored) && stored > 0 && !generations.includes(stored)) generations.push(stored);
    return renderRegisterPage(
      reply,
      'plans/form',
      {
        title: `${plan ? '活動計画の変更' : '活動計画の登録'}（${district.name}）`,
        district,
        plan,
        action: plan ? `${listUrl(district)}/${plan.id}/edit` : `${listUrl(district)}/new`,
        listUrl: listUrl(district),
        labels: PLAN_LABELS,
        generations: generations.map((n) => ({ value: n, label: generationLabel(n) })),
        planName: plan ? `${generationLabel(plan.generation)}計画` : '',
        values: page.values,
        errors: page.errors ?? {},
        version: page.version ?? plan?.version ?? 0,
        conflict: page.conflict ?? null,
        notice: page.notice ?? null,
      },
      status,
    );
  }

  app.get('/districts/:code/plans', { preHandler: guard.district('read') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const fy = currentFiscalYear();
    const plans = listPlans(db, district.id).map((p) => ({ ...p, name: `${generationLabel(p.generation)}計画`, status: planStatus(p, fy) }));
    return renderRegisterPage(reply, 'plans/index', {
      title: `小地域福祉活動計画（${district.name}）`,
      district,
      plans,
      // 策定予定 (DESIGN §3): their own table, below the plans.
      schedules: listPlanSchedules(db, district.id).map((s) => ({ ...s, formulated: plans.some((p) => p.formulatedFy === s.scheduledFy) })),
      currentFy: fy,
      listUrl: listUrl(district),
      canWrite: canWriteDistrict(request, district),
    });
  });

  app.get('/districts/:code/plans/new', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    // Usually the next plan after the ones already registered.
    const next = Math.max(0, ...listPlans(db, district.id).map((p) => p.generation)) + 1;
    const resumed = resumedFormBody(db, request);
    if (resumed) return renderForm(reply, { district, plan: null, values: parsePlanForm(resumed).values, notice: RESUMED_MESSAGE });
    return renderForm(reply, { district, plan: null, values: { generation: String(next) } });
  });

  app.post('/districts/:code/plans/new', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const form = parsePlanForm(request.body);
    if (!form.ok) return renderForm(reply, { district, plan: null, values: form.values, errors: form.errors }, 422);
    const created = refusedInClosedYear(() => createPlan(db, district.id, form.data, request.user!.id), 'formulated_fy');
    if (!created.ok) return renderForm(reply, { district, plan: null, values: form.values, errors: created.errors }, 409);
    const plan = created.value;
    request.session.flash = `${generationLabel(plan.generation)}計画を登録しました。`;
    return reply.redirect(listUrl(district), 303);
  });

  app.get('/districts/:code/plans/:id/edit', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const plan = planOf(request, district);
    const resumed = resumedFormBody(db, request);
    if (resumed) return renderForm(reply, { district, plan, values: parsePlanForm(resumed).values, version: formVersion(resumed), notice: RESUMED_MESSAGE });
    return renderForm(reply, { district, plan, values: planFormValues(plan) });
  });

  app.post('/districts/:code/plans/:id/edit', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const plan = planOf(request, district);
    const version = formVersion(request.body);
    const form = parsePlanForm(request.body);
    if (!form.ok) return renderForm(reply, { district, plan, values: form.values, errors: form.errors, version }, 422);
    const written = refusedInClosedYear(
      () => updatePlan(db, { districtId: district.id, id: plan.id, expectedVersion: version, input: form.data, userId: request.user!.id }),
      'formulated_fy',
    );
    if (!written.ok) return renderForm(reply, { district, plan, values: form.values, errors: written.errors, version }, 409);
    const result = written.value;
    if (result.status === 'conflict') {
      const conflict = conflictRows(PLAN_LABELS, planDisplay(result.stored), planDisplay(form.data));
      return renderForm(reply, { district, plan: result.stored, values: form.values, version: result.stored.version, conflict }, 409);
    }
    request.session.flash = result.status === 'unchanged' ? '変更はありませんでした。' : `${generationLabel(result.row.generation)}計画の変更を保存しました。`;
    return reply.redirect(listUrl(district), 303);
  });

  app.post('/districts/:code/plans/:id/delete', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const plan = planOf(request, district);
    if (!isConfirmed(request.body)) {
      return renderConfirmation(reply, {
        heading: `${generationLabel(plan.generation)}計画を削除しますか`,
        lines: ['削除すると、この計画は一覧からも、計画の策定・計画期間の集計からも消えます。元に戻せません。'],
        button: '削除する',
        action: `${listUrl(district)}/${plan.id}/delete`,
        cancelUrl: `${listUrl(district)}/${plan.id}/edit`,
        hidden: { version: String(formVersion(request.body)) },
      });
    }
    const result = deletePlan(db, { districtId: district.id, id: plan.id, expectedVersion: formVersion(request.body), userId: request.user!.id });
    if (result.status === 'conflict') {
      const notice = '削除する前に、ほかの方がこの計画の内容を変更しました。いま保存されている内容を表示しています。確かめてから、もう一度削除してください。';
      return renderForm(reply, { district, plan: result.stored, values: planFormValues(result.stored), notice }, 409);
    }
    request.session.flash = `${generationLabel(plan.generation)}計画を削除しました。`;
    return reply.redirect(listUrl(district), 303);
  });
}
