import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { guard, loadedDistrict } from '../auth/guards.js';
import { currentFiscalYear } from '../domain/fiscalYear.js';
import { formatDateLong } from '../domain/dates.js';
import type { DistrictWithWard } from '../districts/repository.js';
import { isConfirmed, renderConfirmation } from '../confirmation.js';
import { RESUMED_MESSAGE, resumedFormBody } from '../auth/pendingForms.js';
import { conflictRows, formVersion, type ConflictRow, type FormValues } from '../registers/form.js';
import { canWriteDistrict, districtPath, entryOfRequest, renderRegisterPage } from '../registers/routing.js';
import { closeSalon, createSalon, deleteSalon, getSalon, listSalons, SALON_NOT_FOUND, updateSalon, type SalonRow } from './repository.js';
import { parseClosingForm, parseSalonForm, SALON_LABELS, salonDisplay, salonFormValues, salonsOpenAtYearEnd } from './form.js';
import { ClosedFiscalYearError } from '../fiscalYears/repository.js';

/**
 * Runs a write; a date in a closed fiscal year comes back as the message for
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

/** How many fiscal years of "open on March 31" counts the list shows. */
const YEAR_END_COLUMNS = 5;

interface FormPage {
  district: DistrictWithWard;
  salon: SalonRow | null;
  values: FormValues;
  errors?: Record<string, string>;
  version?: number;
  conflict?: ConflictRow[];
  notice?: string;
}

/** サロン: the district's salon register — list, add, change, close, delete. */
export async function salonRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.database;

  const listUrl = (d: DistrictWithWard) => `${districtPath(d)}/salons`;

  /** The URL's salon, which must belong to the URL's district (else 404, never another district's entry). */
  function salonOf(request: FastifyRequest, district: DistrictWithWard): SalonRow {
    return entryOfRequest(request, district, (id) => getSalon(db, id), SALON_NOT_FOUND);
  }

  function renderForm(reply: FastifyReply, page: FormPage, status = 200) {
    const { district, salon } = page;
    return renderRegisterPage(
      reply,
      'salons/form',
      {
        title: `${salon ? 'サロンの変更' : 'サロンの登録'}（${district.name}）`,
        district,
        salon,
        action: salon ? `${listUrl(district)}/${salon.id}/edit` : `${listUrl(district)}/new`,
        listUrl: listUrl(district),
        labels: SALON_LABELS,
        values: page.values,
        errors: page.errors ?? {},
        version: page.version ?? salon?.version ?? 0,
        conflict: page.conflict ?? null,
        notice: page.notice ?? null,
      },
      status,
    );
  }

  function renderClosing(reply: FastifyReply, page: Omit<FormPage, 'salon'> & { salon: SalonRow }, status = 200) {
    const { district, salon } = page;
    return renderRegisterPage(
      reply,
      'salons/close',
      {
        title: `サロンの閉鎖（${district.name}）`,
        district,
        salon,
        action: `${listUrl(district)}/${salon.id}/close`,
        listUrl: listUrl(district),
        labels: SALON_LABELS,
        values: page.values,
        errors: page.errors ?? {},
        version: page.version ?? salon.version,
        conflict: page.conflict ?? null,
        notice: page.notice ?? null,
      },
      status,
    );
  }

  app.get('/districts/:code/salons', { preHandler: guard.district('read') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const salons = listSalons(db, district.id);
    const lastFy = currentFiscalYear();
    const fiscalYears = Array.from({ length: YEAR_END_COLUMNS }, (_, i) => lastFy - YEAR_END_COLUMNS + 1 + i);
    return renderRegisterPage(reply, 'salons/index', {
      title: `サロン（${district.name}）`,
      district,
      salons,
      openCount: salons.filter((s) => s.closedOn === null).length,
      yearEnds: salonsOpenAtYearEnd(salons, fiscalYears),
      currentFy: lastFy,
      listUrl: listUrl(district),
      canWrite: canWriteDistrict(request, district),
    });
  });

  app.get('/districts/:code/salons/new', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const resumed = resumedFormBody(db, request);
    if (resumed) return renderForm(reply, { district, salon: null, values: parseSalonForm(resumed).values, notice: RESUMED_MESSAGE });
    return renderForm(reply, { district, salon: null, values: {} });
  });

  app.post('/districts/:code/salons/new', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const form = parseSalonForm(request.body);
    if (!form.ok) return renderForm(reply, { district, salon: null, values: form.values, errors: form.errors }, 422);
    const created = refusedInClosedYear(() => createSalon(db, district.id, form.data, request.user!.id), 'opened_on');
    if (!created.ok) return renderForm(reply, { district, salon: null, values: form.values, errors: created.errors }, 409);
    const salon = created.value;
    request.session.flash = `サロン「${salon.name}」を登録しました。`;
    return reply.redirect(listUrl(district), 303);
  });

  app.get('/districts/:code/salons/:id/edit', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const salon = salonOf(request, district);
    const resumed = resumedFormBody(db, request);
    if (resumed) return renderForm(reply, { district, salon, values: parseSalonForm(resumed).values, version: formVersion(resumed), notice: RESUMED_MESSAGE });
    return renderForm(reply, { district, salon, values: salonFormValues(salon) });
  });

  app.post('/districts/:code/salons/:id/edit', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const salon = salonOf(request, district);
    const version = formVersion(request.body);
    const form = parseSalonForm(request.body);
    if (!form.ok) return renderForm(reply, { district, salon, values: form.values, errors: form.errors, version }, 422);
    const written = refusedInClosedYear(
      () => updateSalon(db, { districtId: district.id, id: salon.id, expectedVersion: version, input: form.data, userId: request.user!.id }),
      'opened_on',
    );
    if (!written.ok) return renderForm(reply, { district, salon, values: form.values, errors: written.errors, version }, 409);
    const result = written.value;
    if (result.status === 'conflict') {
      const conflict = conflictRows(SALON_LABELS, salonDisplay(result.stored), salonDisplay(form.data));
      return renderForm(reply, { district, salon: result.stored, values: form.values, version: result.stored.version, conflict }, 409);
    }
    request.session.flash = result.status === 'unchanged' ? '変更はありませんでした。' : `サロン「${result.row.name}」の変更を保存しました。`;
    return reply.redirect(listUrl(district), 303);
  });

  app.get('/districts/:code/salons/:id/close', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const salon = salonOf(request, district);
    const resumed = resumedFormBody(db, request);
    if (resumed) {
      return renderClosing(reply, {
        district,
        salon,
        values: parseClosingForm(resumed, salon.openedOn).values,
        version: formVersion(resumed),
        notice: RESUMED_MESSAGE,
      });
    }
    return renderClosing(reply, { district, salon, values: { closed_on: salon.closedOn ? formatDateLong(salon.closedOn) : '' } });
  });

  app.post('/districts/:code/salons/:id/close', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const salon = salonOf(request, district);
    const version = formVersion(request.body);
    const form = parseClosingForm(request.body, salon.openedOn);
    // The typed version goes back into the form, so a later save still notices someone else's change.
    if (!form.ok) return renderClosing(reply, { district, salon, values: form.values, errors: form.errors, version }, 422);
    const written = refusedInClosedYear(
      () => closeSalon(db, { districtId: district.id, id: salon.id, expectedVersion: version, closedOn: form.data.closedOn, userId: request.user!.id }),
      'closed_on',
    );
    if (!written.ok) return renderClosing(reply, { district, salon, values: form.values, errors: written.errors, version }, 409);
    const result = written.value;
    if (result.status === 'conflict') {
      const stored = result.stored;
      const conflict = conflictRows(SALON_LABELS, salonDisplay(stored), salonDisplay({ ...stored, closedOn: form.data.closedOn }));
      return renderClosing(reply, { district, salon: stored, values: form.values, conflict }, 409);
    }
    request.session.flash =
      result.status === 'unchanged'
        ? '変更はありませんでした。'
        : `サロン「${result.row.name}」を${formatDateLong(form.data.closedOn)}で閉鎖として記録しました。`;
    return reply.redirect(listUrl(district), 303);
  });

  app.post('/districts/:code/salons/:id/delete', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const salon = salonOf(request, district);
    if (!isConfirmed(request.body)) {
      return renderConfirmation(reply, {
        heading: `サロン「${salon.name}」を削除しますか`,
        lines: [
          '削除すると、このサロンは一覧からも過去の年度の数からも消えます。元に戻せません。',
          '活動を終えたサロンは、削除せずに「閉鎖を記録する」で閉鎖日を記録してください。',
        ],
        button: '削除する',
        action: `${listUrl(district)}/${salon.id}/delete`,
        cancelUrl: `${listUrl(district)}/${salon.id}/edit`,
        hidden: { version: String(formVersion(request.body)) },
      });
    }
    const result = deleteSalon(db, { districtId: district.id, id: salon.id, expectedVersion: formVersion(request.body), userId: request.user!.id });
    if (result.status === 'conflict') {
      const notice = '削除する前に、ほかの方がこのサロンの内容を変更しました。いま保存されている内容を表示しています。確かめてから、もう一度削除してください。';
      return renderForm(reply, { district, salon: result.stored, values: salonFormValues(result.stored), notice }, 409);
    }
    request.session.flash = `サロン「${salon.name}」を削除しました。`;
    return reply.redirect(listUrl(district), 303);
  });
}
