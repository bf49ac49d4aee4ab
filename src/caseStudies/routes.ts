import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { guard, loadedDistrict } from '../auth/guards.js';
import { currentFiscalYear, warekiLong } from '../domain/fiscalYear.js';
import type { DistrictWithWard } from '../districts/repository.js';
import { isConfirmed, renderConfirmation } from '../confirmation.js';
import { RESUMED_MESSAGE, resumedFormBody } from '../auth/pendingForms.js';
import { conflictRows, formVersion, type ConflictRow, type FormValues } from '../registers/form.js';
import { canWriteDistrict, districtPath, entryOfRequest, renderRegisterPage } from '../registers/routing.js';
import { CASE_STUDY_NOT_FOUND, createCaseStudy, deleteCaseStudy, getCaseStudy, listCaseStudies, updateCaseStudy, type CaseStudyRow } from './repository.js';
import { BODY_MAX, CASE_STUDY_LABELS, caseStudyDisplay, caseStudyFormValues, excerpt, parseCaseStudyForm, TITLE_MAX } from './form.js';

interface FormPage {
  district: DistrictWithWard;
  caseStudy: CaseStudyRow | null;
  values: FormValues;
  errors?: Record<string, string>;
  version?: number;
  conflict?: ConflictRow[];
  notice?: string;
}

/** 取組事例: the district's case studies — list, read, write, change, delete. */
export async function caseStudyRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.database;

  const listUrl = (d: DistrictWithWard) => `${districtPath(d)}/case-studies`;

  /** The URL's case study, which must belong to the URL's district (else 404). */
  function caseStudyOf(request: FastifyRequest, district: DistrictWithWard): CaseStudyRow {
    return entryOfRequest(request, district, (id) => getCaseStudy(db, id), CASE_STUDY_NOT_FOUND);
  }

  function renderForm(reply: FastifyReply, page: FormPage, status = 200) {
    const { district, caseStudy } = page;
    return renderRegisterPage(
      reply,
      'caseStudies/form',
      {
        title: `${caseStudy ? '取組事例の変更' : '取組事例を書く'}（${district.name}）`,
        district,
        caseStudy,
        action: caseStudy ? `${listUrl(district)}/${caseStudy.id}/edit` : `${listUrl(district)}/new`,
        listUrl: listUrl(district),
        labels: CASE_STUDY_LABELS,
        limits: { title: TITLE_MAX, body: BODY_MAX },
        values: page.values,
        errors: page.errors ?? {},
        version: page.version ?? caseStudy?.version ?? 0,
        conflict: page.conflict ?? null,
        notice: page.notice ?? null,
      },
      status,
    );
  }

  app.get('/districts/:code/case-studies', { preHandler: guard.district('read') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const years: { fiscalYear: number; label: string; entries: (CaseStudyRow & { excerpt: string })[] }[] = [];
    for (const row of listCaseStudies(db, district.id)) {
      let year = years[years.length - 1];
      if (!year || year.fiscalYear !== row.fiscalYear) years.push((year = { fiscalYear: row.fiscalYear, label: warekiLong(row.fiscalYear), entries: [] }));
      year.entries.push({ ...row, excerpt: excerpt(row.body) });
    }
    return renderRegisterPage(reply, 'caseStudies/index', {
      title: `取組事例（${district.name}）`,
      district,
      years,
      listUrl: listUrl(district),
      canWrite: canWriteDistrict(request, district),
    });
  });

  app.get('/districts/:code/case-studies/new', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const resumed = resumedFormBody(db, request);
    if (resumed) return renderForm(reply, { district, caseStudy: null, values: parseCaseStudyForm(resumed).values, notice: RESUMED_MESSAGE });
    return renderForm(reply, { district, caseStudy: null, values: { fiscal_year: warekiLong(currentFiscalYear()) } });
  });

  app.post('/districts/:code/case-studies/new', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const form = parseCaseStudyForm(request.body);
    if (!form.ok) return renderForm(reply, { district, caseStudy: null, values: form.values, errors: form.errors }, 422);
    const row = createCaseStudy(db, district.id, form.data, request.user!.id);
    request.session.flash = `取組事例「${row.title}」を保存しました。`;
    return reply.redirect(listUrl(district), 303);
  });

  app.get('/districts/:code/case-studies/:id', { preHandler: guard.district('read') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const caseStudy = caseStudyOf(request, district);
    return renderRegisterPage(reply, 'caseStudies/show', {
      title: `${caseStudy.title}（取組事例）`,
      district,
      caseStudy,
      listUrl: listUrl(district),
      canWrite: canWriteDistrict(request, district),
    });
  });

  app.get('/districts/:code/case-studies/:id/edit', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const caseStudy = caseStudyOf(request, district);
    const resumed = resumedFormBody(db, request);
    if (resumed) {
      return renderForm(reply, { district, caseStudy, values: parseCaseStudyForm(resumed).values, version: formVersion(resumed), notice: RESUMED_MESSAGE });
    }
    return renderForm(reply, { district, caseStudy, values: caseStudyFormValues(caseStudy) });
  });

  app.post('/districts/:code/case-studies/:id/edit', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const caseStudy = caseStudyOf(request, district);
    const version = formVersion(request.body);
    const form = parseCaseStudyForm(request.body);
    if (!form.ok) return renderForm(reply, { district, caseStudy, values: form.values, errors: form.errors, version }, 422);
    const result = updateCaseStudy(db, { districtId: district.id, id: caseStudy.id, expectedVersion: version, input: form.data, userId: request.user!.id });
    if (result.status === 'conflict') {
      const conflict = conflictRows(CASE_STUDY_LABELS, caseStudyDisplay(result.stored), caseStudyDisplay(form.data));
      return renderForm(reply, { district, caseStudy: result.stored, values: form.values, version: result.stored.version, conflict }, 409);
    }
    request.session.flash = result.status === 'unchanged' ? '変更はありませんでした。' : `取組事例「${result.row.title}」の変更を保存しました。`;
    return reply.redirect(listUrl(district), 303);
  });

  app.post('/districts/:code/case-studies/:id/delete', { preHandler: guard.district('write') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const caseStudy = caseStudyOf(request, district);
    if (!isConfirmed(request.body)) {
      return renderConfirmation(reply, {
        heading: `取組事例「${caseStudy.title}」を削除しますか`,
        lines: ['削除すると、この取組事例は一覧から消え、議題シートにも載せられなくなります。元に戻せません。'],
        button: '削除する',
        action: `${listUrl(district)}/${caseStudy.id}/delete`,
        cancelUrl: `${listUrl(district)}/${caseStudy.id}`,
        hidden: { version: String(formVersion(request.body)) },
      });
    }
    const result = deleteCaseStudy(db, { districtId: district.id, id: caseStudy.id, expectedVersion: formVersion(request.body), userId: request.user!.id });
    if (result.status === 'conflict') {
      const notice = '削除する前に、ほかの方がこの取組事例を変更しました。いま保存されている内容を表示しています。確かめてから、もう一度削除してください。';
      return renderForm(reply, { district, caseStudy: result.stored, values: caseStudyFormValues(result.stored), notice }, 409);
    }
    request.session.flash = `取組事例「${caseStudy.title}」を削除しました。`;
    return reply.redirect(listUrl(district), 303);
  });
}
