import type { FastifyInstance, FastifyReply } from 'fastify';
import { guard, loadedDistrict } from '../guards/guard.js';
import { currentFiscalYear } from '../domain/fiscalYear.js';
import { formatDateLong } from '../domain/dates.js';
import { RESUMED_MESSAGE, resumedFormBody } from '../auth/pendingForms.js';
import { conflictRows, formVersion } from '../web/forms.js';
import { registerEntryRoutes, type EntryFormPage } from '../registers/entryPages.js';
import { canWriteDistrict, renderRegisterPage } from '../registers/routing.js';
import { closeSalon, createSalon, deleteSalon, getSalon, listSalons, SALON_NOT_FOUND, updateSalon, type SalonInput, type SalonRow } from './repository.js';
import { parseClosingForm, parseSalonForm, SALON_LABELS, salonDisplay, salonFormValues, salonsOpenAtYearEnd } from './form.js';

/** How many fiscal years of "open on March 31" counts the list shows. */
const YEAR_END_COLUMNS = 5;

/** How the pages name a salon: サロン「…」. */
const salonName = (salon: Pick<SalonRow, 'name'>) => `サロン「${salon.name}」`;

/** サロン: the district's salon register — list, add, change, close, delete. */
export function salonRoutes(app: FastifyInstance): void {
  const { db } = app.database;

  const { entriesUrl, entryOf, refusedBesideField, formData } = registerEntryRoutes<SalonRow, SalonInput>(app, {
    path: 'salons',
    view: 'salons/form',
    entryKey: 'salon',
    titles: { new: 'サロンの登録', edit: 'サロンの変更' },
    labels: SALON_LABELS,
    notFoundMessage: SALON_NOT_FOUND,
    find: getSalon,
    parse: parseSalonForm,
    formValues: salonFormValues,
    display: salonDisplay,
    newValues: () => ({}),
    create: createSalon,
    update: updateSalon,
    remove: deleteSalon,
    closedYearField: 'opened_on',
    name: salonName,
    createdVerb: '登録',
    deletion: {
      lines: [
        '削除すると、このサロンは一覧からも過去の年度の数からも消えます。元に戻せません。',
        '活動を終えたサロンは、削除せずに「閉鎖を記録する」で閉鎖日を記録してください。',
      ],
      conflictNotice:
        '削除する前に、ほかの方がこのサロンの内容を変更しました。いま保存されている内容を表示しています。確かめてから、もう一度削除してください。',
      cancelTo: 'edit',
    },
  });

  /** The closing form (閉鎖日 only), on its own page. */
  function renderClosing(reply: FastifyReply, page: EntryFormPage<SalonRow> & { row: SalonRow }, status = 200) {
    const action = `${entriesUrl(page.district)}/${page.row.id}/close`;
    return renderRegisterPage(reply, 'salons/close', formData(page, { title: 'サロンの閉鎖', action }), status);
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
      listUrl: entriesUrl(district),
      canWrite: canWriteDistrict(request, district),
    });
  });

  app.get('/districts/:code/salons/:id/close', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const salon = entryOf(request, district);
    const resumed = resumedFormBody(db, request);
    if (resumed) {
      return renderClosing(reply, {
        district,
        row: salon,
        values: parseClosingForm(resumed, salon.openedOn).values,
        version: formVersion(resumed),
        notice: RESUMED_MESSAGE,
      });
    }
    return renderClosing(reply, { district, row: salon, values: { closed_on: salon.closedOn ? formatDateLong(salon.closedOn) : '' } });
  });

  app.post('/districts/:code/salons/:id/close', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const salon = entryOf(request, district);
    const version = formVersion(request.body);
    const form = parseClosingForm(request.body, salon.openedOn);
    // The typed version goes back into the form, so a later save still notices someone else's change.
    if (!form.ok) return renderClosing(reply, { district, row: salon, values: form.values, errors: form.errors, version }, 422);
    const written = refusedBesideField(
      () => closeSalon(db, { districtId: district.id, id: salon.id, expectedVersion: version, closedOn: form.data.closedOn, userId: request.user!.id }),
      'closed_on',
    );
    if (!written.ok) return renderClosing(reply, { district, row: salon, values: form.values, errors: written.errors, version }, 409);
    const result = written.value;
    if (result.status === 'conflict') {
      const stored = result.stored;
      const conflict = conflictRows(SALON_LABELS, salonDisplay(stored), salonDisplay({ ...stored, closedOn: form.data.closedOn }));
      return renderClosing(reply, { district, row: stored, values: form.values, conflict }, 409);
    }
    request.session.flash =
      result.status === 'unchanged' ? '変更はありませんでした。' : `${salonName(result.row)}を${formatDateLong(form.data.closedOn)}で閉鎖として記録しました。`;
    return reply.redirect(entriesUrl(district), 303);
  });
}
