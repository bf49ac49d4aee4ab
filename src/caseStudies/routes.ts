import type { FastifyInstance } from 'fastify';
import { guard, loadedDistrict } from '../guards/guard.js';
import { currentFiscalYear, warekiLong } from '../domain/fiscalYear.js';
import { registerEntryRoutes } from '../registers/entryPages.js';
import { canWriteDistrict, renderRegisterPage } from '../registers/routing.js';
import {
  CASE_STUDY_NOT_FOUND,
  createCaseStudy,
  deleteCaseStudy,
  getCaseStudy,
  listCaseStudies,
  updateCaseStudy,
  type CaseStudyInput,
  type CaseStudyRow,
} from './repository.js';
import { BODY_MAX, CASE_STUDY_LABELS, caseStudyDisplay, caseStudyFormValues, excerpt, parseCaseStudyForm, TITLE_MAX } from './form.js';

/** How the pages name a case study: 取組事例「…」. */
const caseStudyName = (caseStudy: Pick<CaseStudyRow, 'title'>) => `取組事例「${caseStudy.title}」`;

/** 取組事例: the district's case studies — list, read, write, change, delete. */
export function caseStudyRoutes(app: FastifyInstance): void {
  const { db } = app.database;

  const { entriesUrl, entryOf } = registerEntryRoutes<CaseStudyRow, CaseStudyInput>(app, {
    path: 'case-studies',
    view: 'caseStudies/form',
    entryKey: 'caseStudy',
    titles: { new: '取組事例を書く', edit: '取組事例の変更' },
    labels: CASE_STUDY_LABELS,
    notFoundMessage: CASE_STUDY_NOT_FOUND,
    find: getCaseStudy,
    parse: parseCaseStudyForm,
    formValues: caseStudyFormValues,
    display: caseStudyDisplay,
    newValues: () => ({ fiscal_year: warekiLong(currentFiscalYear()) }),
    formExtras: () => ({ limits: { title: TITLE_MAX, body: BODY_MAX } }),
    create: createCaseStudy,
    update: updateCaseStudy,
    remove: deleteCaseStudy,
    name: caseStudyName,
    createdVerb: '保存',
    deletion: {
      lines: ['削除すると、この取組事例は一覧から消え、議題シートにも載せられなくなります。元に戻せません。'],
      conflictNotice: '削除する前に、ほかの方がこの取組事例を変更しました。いま保存されている内容を表示しています。確かめてから、もう一度削除してください。',
      cancelTo: 'entry',
    },
  });

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
      listUrl: entriesUrl(district),
      canWrite: canWriteDistrict(request, district),
    });
  });

  app.get('/districts/:code/case-studies/:id', { preHandler: guard.district('read') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const caseStudy = entryOf(request, district);
    return renderRegisterPage(reply, 'caseStudies/show', {
      title: `${caseStudy.title}（取組事例）`,
      district,
      caseStudy,
      listUrl: entriesUrl(district),
      canWrite: canWriteDistrict(request, district),
    });
  });
}
