import type { FastifyInstance } from 'fastify';
import { guard, loadedDistrict } from '../guards/guard.js';
import { currentFiscalYear } from '../domain/fiscalYear.js';
import { registerEntryRoutes } from '../registers/entryPages.js';
import { canWriteDistrict, renderRegisterPage } from '../registers/routing.js';
import { createPlan, deletePlan, getPlan, listPlans, PLAN_NOT_FOUND, updatePlan, type PlanInput, type PlanRow } from './repository.js';
import { GENERATION_CHOICES, generationLabel, parsePlanForm, PLAN_LABELS, planDisplay, planFormValues } from './form.js';
import { listPlanSchedules } from './schedules.js';
import { planScheduleRoutes } from './scheduleRoutes.js';

/** Where a plan stands in the current fiscal year. */
function planStatus(plan: PlanRow, fy: number): 'current' | 'past' | 'future' {
  if (plan.lastFy < fy) return 'past';
  if (plan.firstFy > fy) return 'future';
  return 'current';
}

/** How the pages name a plan: 第二次計画. */
const planName = (plan: Pick<PlanRow, 'generation'>) => `${generationLabel(plan.generation)}計画`;

/** 活動計画: the district's small-area welfare activity plans — list, add, change, delete. */
export function planRoutes(app: FastifyInstance): void {
  const { db } = app.database;
  planScheduleRoutes(app);

  const { entriesUrl } = registerEntryRoutes<PlanRow, PlanInput>(app, {
    path: 'plans',
    view: 'plans/form',
    entryKey: 'plan',
    titles: { new: '活動計画の登録', edit: '活動計画の変更' },
    labels: PLAN_LABELS,
    notFoundMessage: PLAN_NOT_FOUND,
    find: getPlan,
    parse: parsePlanForm,
    formValues: planFormValues,
    display: planDisplay,
    // Usually the next plan after the ones already registered.
    newValues: (district) => ({ generation: String(Math.max(0, ...listPlans(db, district.id).map((p) => p.generation)) + 1) }),
    formExtras: ({ values }) => {
      // A stored generation beyond the usual choices (from a CSV import) stays selectable.
      const stored = Number(values.generation);
      const generations: number[] = [...GENERATION_CHOICES];
      if (Number.isInteger(stored) && stored > 0 && !generations.includes(stored)) generations.push(stored);
      return { generations: generations.map((n) => ({ value: n, label: generationLabel(n) })) };
    },
    create: createPlan,
    update: updatePlan,
    remove: deletePlan,
    closedYearField: 'formulated_fy',
    name: planName,
    createdVerb: '登録',
    deletion: {
      lines: ['削除すると、この計画は一覧からも、計画の策定・計画期間の集計からも消えます。元に戻せません。'],
      conflictNotice: '削除する前に、ほかの方がこの計画の内容を変更しました。いま保存されている内容を表示しています。確かめてから、もう一度削除してください。',
      cancelTo: 'edit',
    },
  });

  app.get('/districts/:code/plans', { preHandler: guard.district('read') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const fy = currentFiscalYear();
    const plans = listPlans(db, district.id).map((p) => ({ ...p, name: planName(p), status: planStatus(p, fy) }));
    return renderRegisterPage(reply, 'plans/index', {
      title: `小地域福祉活動計画（${district.name}）`,
      district,
      plans,
      // 策定予定 (DESIGN §3): their own table, below the plans.
      schedules: listPlanSchedules(db, district.id).map((s) => ({ ...s, formulated: plans.some((p) => p.formulatedFy === s.scheduledFy) })),
      currentFy: fy,
      listUrl: entriesUrl(district),
      canWrite: canWriteDistrict(request, district),
    });
  });
}
