import type { FastifyInstance } from 'fastify';
import { warekiLong } from '../domain/fiscalYear.js';
import { registerEntryRoutes } from '../registers/entryPages.js';
import {
  createPlanSchedule,
  deletePlanSchedule,
  DuplicatePlanScheduleError,
  getPlanSchedule,
  PLAN_SCHEDULE_NOT_FOUND,
  updatePlanSchedule,
  type PlanScheduleInput,
  type PlanScheduleRow,
} from './schedules.js';
import { parsePlanScheduleForm, PLAN_SCHEDULE_LABELS, planScheduleDisplay, planScheduleFormValues } from './scheduleForm.js';

/** How the pages name a 策定予定: 令和8年度の策定予定. */
const scheduleName = (schedule: Pick<PlanScheduleRow, 'scheduledFy'>) => `${warekiLong(schedule.scheduledFy)}の策定予定`;

/** 策定予定: the district's scheduled plans — add, change, delete (listed on the plans page). */
export function planScheduleRoutes(app: FastifyInstance): void {
  registerEntryRoutes<PlanScheduleRow, PlanScheduleInput>(app, {
    path: 'plans/schedules',
    returnPath: 'plans',
    view: 'plans/scheduleForm',
    entryKey: 'schedule',
    titles: { new: '策定予定の登録', edit: '策定予定の変更' },
    labels: PLAN_SCHEDULE_LABELS,
    notFoundMessage: PLAN_SCHEDULE_NOT_FOUND,
    find: getPlanSchedule,
    parse: parsePlanScheduleForm,
    formValues: planScheduleFormValues,
    display: planScheduleDisplay,
    newValues: () => ({ scheduled_fy: '', note: '' }),
    create: createPlanSchedule,
    update: updatePlanSchedule,
    remove: deletePlanSchedule,
    closedYearField: 'scheduled_fy',
    fieldRefusal: (err) => (err instanceof DuplicatePlanScheduleError ? { [err.field]: err.message } : null),
    name: scheduleName,
    createdVerb: '登録',
    deletion: {
      lines: ['削除すると、この予定は一覧からも、議題シートで引用する「策定予定」の数からも消えます。元に戻せません。'],
      conflictNotice: '削除する前に、ほかの方がこの予定を変更しました。いま保存されている内容を表示しています。確かめてから、もう一度削除してください。',
      cancelTo: 'edit',
    },
  });
}
