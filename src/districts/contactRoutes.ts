import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { guard, loadedDistrict } from '../guards/guard.js';
import type { FormValues } from '../web/forms.js';
import type { DistrictWithWard } from './repository.js';
import { CONTACT_LABELS, contactsFormValues, parseContactsForm, updateDistrictContacts } from './contacts.js';
import { districtContactsUrl } from '../web/urls.js';

/**
 * 連絡先 (担当者名・電話・メール) of a district: city staff, staff of the
 * district's ward, and the district's own staff may change them.
 */
export function districtContactRoutes(app: FastifyInstance): void {
  const { db } = app.database;

  function render(
    request: FastifyRequest,
    reply: FastifyReply,
    page: { district: DistrictWithWard; values: FormValues; errors?: Record<string, string> },
    status = 200,
  ) {
    reply.code(status);
    const role = request.user!.role;
    const back =
      role === 'district' ? { url: '/', label: 'ホームへ戻る' } : { url: `/completeness/overdue?ward=${page.district.wardId}`, label: '期限超過の一覧へ戻る' };
    return reply.viewAsync('districts/contacts', {
      title: `連絡先（${page.district.name}）`,
      styles: ['registers.css', 'districts.css'],
      district: page.district,
      action: districtContactsUrl(page.district),
      labels: CONTACT_LABELS,
      values: page.values,
      errors: page.errors ?? {},
      back,
    });
  }

  app.get('/districts/:code/contacts', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    return render(request, reply, { district, values: contactsFormValues(district) });
  });

  app.post('/districts/:code/contacts', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const form = parseContactsForm(request.body);
    if (!form.ok) return render(request, reply, { district, values: form.values, errors: form.errors }, 422);
    const changed = updateDistrictContacts(db, { id: district.id, input: form.data, userId: request.user!.id });
    request.session.flash = changed ? `${district.name}の連絡先を保存しました。` : '変更はありませんでした。';
    return reply.redirect(districtContactsUrl(district), 303);
  });
}
