import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { guard, loadedDistrict } from '../auth/guards.js';
import { warekiLong } from '../domain/fiscalYear.js';
import type { DistrictWithWard } from '../districts/repository.js';
import { isConfirmed, renderConfirmation } from '../confirmation.js';
import { RESUMED_MESSAGE, resumedFormBody } from '../auth/pendingForms.js';
import { ClosedFiscalYearError } from '../fiscalYears/repository.js';
import { conflictRows, formVersion, type ConflictRow, type FormValues } from '../registers/form.js';
import { districtPath, entryOfRequest, renderRegisterPage } from '../registers/routing.js';
import {
  createPlanSchedule,
  deletePlanSchedule,
  DuplicatePlanScheduleError,
  getPlanSchedule,
  PLAN_SCHEDULE_NOT_FOUND,
  updatePlanSchedule,
  type PlanScheduleRow,
} from './schedules.js';
import { parsePlanScheduleForm, PLAN_SCHEDULE_LABELS, planScheduleDisplay, planScheduleFormValues } from './scheduleForm.js';

interface FormPage {
  district: DistrictWithWard;
  schedule: PlanScheduleRow | null;
  values: FormValues;
  errors?: Record<string, string>;
  version?: number;
  conflict?: ConflictRow[];
  notice?: string;
}

/** A refusal that belongs beside a field (closed year, year already scheduled), or null for any other error. */
function fieldErrorOf(err: unknown): Record<string, string> | null {
  if (err instanceof ClosedFiscalYearError) return { [err.field ?? 'scheduled_fy']: err.message };
  if (err instanceof DuplicatePlanScheduleError) return { [err.field]: err.message };
  return null;
}

/** 策定予定: the district's scheduled plans — add, change, delete (listed on the plans page). */
export async function planScheduleRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.database;

  const plansUrl = (d: DistrictWithWard) => `${districtPath(d)}/plans`;
  const baseUrl = (d: DistrictWithWard) => `${districtPath(d)}/plans/schedules`;

  function scheduleOf(request: FastifyRequest, district: DistrictWithWard): PlanScheduleRow {
    return entryOfRequest(request, district, (id) => getPlanSchedule(db, id), PLAN_SCHEDULE_NOT_FOUND);
  }

  function renderForm(reply: FastifyReply, page: FormPage, status = 200) {
    const { district, schedule } = page;
    return renderRegisterPage(
      reply,
      'plans/scheduleForm',
      {
        title: `${schedule ? '策定予定の変更' : '策定予定の登録'}（${district.name}）`,
        district,
        schedule,
        scheduleName: schedule ? `${warekiLong(schedule.scheduledFy)}の策定予定` : '',
        action: schedule ? `${baseUrl(district)}/${schedule.id}/edit` : `${baseUrl(district)}/new`,
        baseUrl: baseUrl(district),
        listUrl: plansUrl(district),
        labels: PLAN_SCHEDULE_LABELS,
        values: page.values,
        errors: page.errors ?? {},
        version: page.version ?? schedule?.version ?? 0,
        conflict: page.conflict ?? null,
        notice: page.notice ?? null,
      },
      status,
    );
  }

  app.get('/districts/:code/plans/schedules/new', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const resumed = resumedFormBody(db, request);
    if (resumed) return renderForm(reply, { district, schedule: null, values: parsePlanScheduleForm(resumed).values, notice: RESUMED_MESSAGE });
    return renderForm(reply, { district, schedule: null, values: { scheduled_fy: '', note: '' } });
  });

  app.post('/districts/:code/plans/schedules/new', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const form = parsePlanScheduleForm(request.body);
    if (!form.ok) return renderForm(reply, { district, schedule: null, values: form.values, errors: form.errors }, 422);
    try {
      const row = createPlanSchedule(db, district.id, form.data, request.user!.id);
      request.session.flash = `${warekiLong(row.scheduledFy)}の策定予定を登録しました。`;
    } catch (err) {
      const errors = fieldErrorOf(err);
      if (!errors) throw err;
      return renderForm(reply, { district, schedule: null, values: form.values, errors }, 409);
    }
    return reply.redirect(plansUrl(district), 303);
  });

  app.get('/districts/:code/plans/schedules/:id/edit', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const schedule = scheduleOf(request, district);
    const resumed = resumedFormBody(db, request);
    if (resumed) {
      return renderForm(reply, { district, schedule, values: parsePlanScheduleForm(resumed).values, version: formVersion(resumed), notice: RESUMED_MESSAGE });
    }
    return renderForm(reply, { district, schedule, values: planScheduleFormValues(schedule) });
  });

  app.post('/districts/:code/plans/schedules/:id/edit', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const schedule = scheduleOf(request, district);
    const version = formVersion(request.body);
    const form = parsePlanScheduleForm(request.body);
    if (!form.ok) return renderForm(reply, { district, schedule, values: form.values, errors: form.errors, version }, 422);
    let result;
    try {
      result = updatePlanSchedule(db, { districtId: district.id, id: schedule.id, expectedVersion: version, input: form.data, userId: request.user!.id });
    } catch (err) {
      const errors = fieldErrorOf(err);
      if (!errors) throw err;
      return renderForm(reply, { district, schedule, values: form.values, errors, version }, 409);
    }
    if (result.status === 'conflict') {
      const conflict = conflictRows(PLAN_SCHEDULE_LABELS, planScheduleDisplay(result.stored), planScheduleDisplay(form.data));
      return renderForm(reply, { district, schedule: result.stored, values: form.values, version: result.stored.version, conflict }, 409);
    }
    request.session.flash =
      result.status === 'unchanged' ? '変更はありませんでした。' : `${warekiLong(result.row.scheduledFy)}の策定予定の変更を保存しました。`;
    return reply.redirect(plansUrl(district), 303);
  });

  app.post('/districts/:code/plans/schedules/:id/delete', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const schedule = scheduleOf(request, district);
    const name = `${warekiLong(schedule.scheduledFy)}の策定予定`;
    if (!isConfirmed(request.body)) {
      return renderConfirmation(reply, {
        heading: `${name}を削除しますか`,
        lines: ['削除すると、この予定は一覧からも、議題シートで引用する「策定予定」の数からも消えます。元に戻せません。'],
        button: '削除する',
        action: `${baseUrl(district)}/${schedule.id}/delete`,
        cancelUrl: `${baseUrl(district)}/${schedule.id}/edit`,
        hidden: { version: String(formVersion(request.body)) },
      });
    }
    let result;
    try {
      result = deletePlanSchedule(db, { districtId: district.id, id: schedule.id, expectedVersion: formVersion(request.body), userId: request.user!.id });
    } catch (err) {
      const errors = fieldErrorOf(err);
      if (!errors) throw err;
      return renderForm(reply, { district, schedule, values: planScheduleFormValues(schedule), errors }, 409);
    }
    if (result.status === 'conflict') {
      const notice = '削除する前に、ほかの方がこの予定を変更しました。いま保存されている内容を表示しています。確かめてから、もう一度削除してください。';
      return renderForm(reply, { district, schedule: result.stored, values: planScheduleFormValues(result.stored), notice }, 409);
    }
    request.session.flash = `${name}を削除しました。`;
    return reply.redirect(plansUrl(district), 303);
  });
}
