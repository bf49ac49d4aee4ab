import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { guard, loadedDistrict } from '../guards/guard.js';
import { currentFiscalYear, currentMonth, previousMonth, warekiLong } from '../domain/fiscalYear.js';
import { todayInJapan } from '../domain/due.js';
import { getSettings } from '../db/settings.js';
import { reportedDistrictMonths } from '../figures/reportedMonths.js';
import { blankToUndefined, wardIdParam } from '../web/params.js';
import { parseInput } from '../web/replies.js';
import { isConfirmed, renderConfirmation } from '../confirmation.js';
import { conflictRows, type ConflictRow, type FormValues } from '../web/forms.js';
import {
  createDistrict,
  DistrictEndRefused,
  endDistrict,
  endRefusal,
  findDistrictByCode,
  getDistrictByCode,
  listDistricts,
  listWards,
  openRegisterCounts,
  updateDistrict,
  type DistrictWithWard,
  type DistrictWriteResult,
} from './repository.js';
import { activeYearsText, districtListView } from './view.js';
import { DISTRICT_LABELS, districtDisplay, editFormValues, parseCreateForm, parseEditForm, parseEndForm } from './form.js';
import { districtUrl } from '../web/urls.js';

const listQuery = z.object({
  ward: z.preprocess(blankToUndefined, wardIdParam.optional()),
  q: z.preprocess(blankToUndefined, z.string().max(50).optional()),
});

/** Folds what people type for a search: full-width to half-width, katakana to hiragana, no spaces. */
export function searchKey(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
    .replace(/\s+/g, '')
    .toLowerCase();
}

/** True when a district's name, kana reading or code contains the search text. */
export function matchesSearch(d: Pick<DistrictWithWard, 'name' | 'kana' | 'code'>, q: string): boolean {
  const key = searchKey(q);
  if (key === '') return true;
  return [d.name, d.kana, d.code].some((s) => searchKey(s).includes(key));
}

// The list's view data (and the active-years words the forms share) live in view.ts.
export { activeYearsText };

/** 校(地)区一覧: every district in the user's scope with its latest report status. */
export function districtRoutes(app: FastifyInstance): void {
  const { db } = app.database;

  // District staff have one district: the guard takes them straight to it. Ward staff see their ward; city staff the city or one ward.
  app.get('/districts', { preHandler: guard.ward('read', { wholeCity: true, districtStaff: 'redirect' }) }, async (request, reply) => {
    const user = request.user!;
    const query = parseInput(listQuery, request.query);
    const ward = request.ward;
    const wardId = ward?.id;

    const all = listDistricts(db, wardId === undefined ? {} : { wardId });
    const shown = all.filter((d) => matchesSearch(d, query.q ?? ''));
    const thisMonth = currentMonth();
    const reported = reportedDistrictMonths(
      db,
      previousMonth(thisMonth),
      thisMonth,
      shown.map((d) => d.id),
    );
    const allWards = listWards(db);
    return reply.viewAsync('districts/index', {
      styles: ['admin.css'],
      ...districtListView({
        districts: shown,
        reported,
        today: todayInJapan(),
        thisMonth,
        dueDay: getSettings(db).reportDueDay,
        currentFiscalYear: currentFiscalYear(),
        scopeLabel: ward?.name ?? '全市',
        canManage: user.role === 'city',
        wards: allWards,
        filter: { ward: wardId ?? null, q: query.q ?? '' },
      }),
    });
  });
}

const FORM_STYLES = ['registers.css', 'districts.css'];

/** 校(地)区の追加・変更・活動終了: city users only (DESIGN §2). */
export function districtEditRoutes(app: FastifyInstance): void {
  const { db } = app.database;

  function renderCreate(reply: FastifyReply, page: { values: FormValues; errors?: Record<string, string> }, status = 200) {
    reply.code(status);
    return reply.viewAsync('districts/form', {
      title: '校(地)区の追加',
      styles: FORM_STYLES,
      district: null,
      action: '/districts/new',
      wards: listWards(db),
      labels: DISTRICT_LABELS,
      values: page.values,
      errors: page.errors ?? {},
      conflict: null,
    });
  }

  function renderEdit(
    reply: FastifyReply,
    page: { district: DistrictWithWard; values: FormValues; errors?: Record<string, string>; conflict?: ConflictRow[] },
    status = 200,
  ) {
    reply.code(status);
    const path = districtUrl(page.district);
    return reply.viewAsync('districts/form', {
      title: `校(地)区の変更（${page.district.name}）`,
      styles: FORM_STYLES,
      district: page.district,
      activeYears: activeYearsText(page.district),
      action: `${path}/edit`,
      endUrl: `${path}/end`,
      wards: listWards(db),
      labels: DISTRICT_LABELS,
      values: page.values,
      errors: page.errors ?? {},
      conflict: page.conflict ?? null,
    });
  }

  function renderEnd(
    reply: FastifyReply,
    page: { district: DistrictWithWard; values: FormValues; errors?: Record<string, string>; notice?: string },
    status = 200,
  ) {
    reply.code(status);
    const path = districtUrl(page.district);
    return reply.viewAsync('districts/end', {
      title: `活動終了（${page.district.name}）`,
      styles: FORM_STYLES,
      district: page.district,
      activeYears: activeYearsText(page.district),
      action: `${path}/end`,
      editUrl: `${path}/edit`,
      labels: DISTRICT_LABELS,
      values: page.values,
      errors: page.errors ?? {},
      notice: page.notice ?? null,
    });
  }

  app.get('/districts/new', { preHandler: guard.city('admin') }, async (_request, reply) => renderCreate(reply, { values: {} }));

  app.post('/districts/new', { preHandler: guard.city('admin') }, async (request, reply) => {
    const form = parseCreateForm(request.body, listWards(db));
    const errors = form.ok ? {} : { ...form.errors };
    const code = form.ok ? form.data.code : undefined;
    const taken = code === undefined ? undefined : findDistrictByCode(db, code);
    if (taken) errors.code = `校(地)区コード「${taken.code}」はすでに「${taken.name}」で使われています。別のコードにしてください。`;
    if (!form.ok || Object.keys(errors).length > 0) return renderCreate(reply, { values: form.values, errors }, 422);
    const row = createDistrict(db, form.data, request.user!.id);
    request.session.flash = `校(地)区「${row.name}」（${row.code}）を追加しました。`;
    return reply.redirect(`/districts?ward=${row.wardId}`, 303);
  });

  app.get('/districts/:code/edit', { preHandler: guard.district('admin') }, async (request, reply) => {
    const district = loadedDistrict(request);
    return renderEdit(reply, { district, values: editFormValues(district) });
  });

  app.post('/districts/:code/edit', { preHandler: guard.district('admin') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const wards = listWards(db);
    const form = parseEditForm(request.body, wards);
    if (!form.ok) return renderEdit(reply, { district, values: form.values, errors: form.errors }, 422);
    const result = updateDistrict(db, { id: district.id, expected: form.data.expected, input: form.data.input, userId: request.user!.id });
    if (result.status === 'conflict') {
      const stored = getDistrictByCode(db, district.code);
      const conflict = conflictRows(DISTRICT_LABELS_EDIT, districtDisplay(result.stored, wards), districtDisplay(form.data.input, wards));
      // The typed values stay; the before-values become what is stored now, so saving again is a deliberate choice.
      const values = { ...form.values, ...Object.fromEntries(Object.entries(editFormValues(result.stored)).filter(([k]) => k.startsWith('before_'))) };
      return renderEdit(reply, { district: stored, values, conflict }, 409);
    }
    request.session.flash = result.status === 'unchanged' ? '変更はありませんでした。' : `校(地)区「${result.row.name}」の変更を保存しました。`;
    return reply.redirect(`/districts?ward=${result.row.wardId}`, 303);
  });

  app.get('/districts/:code/end', { preHandler: guard.district('admin') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const lastFy = district.activeTo ?? currentFiscalYear();
    return renderEnd(reply, {
      district,
      values: { last_fy: warekiLong(lastFy), before_active_to: district.activeTo === null ? '' : String(district.activeTo) },
    });
  });

  app.post('/districts/:code/end', { preHandler: guard.district('admin') }, async (request, reply) => {
    const district = loadedDistrict(request);
    const form = parseEndForm(request.body);
    if (!form.ok) return renderEnd(reply, { district, values: form.values, errors: form.errors }, 422);
    const { lastFy, expectedActiveTo } = form.data;
    const path = districtUrl(district);
    const stale = () => {
      const notice = 'この画面を開いている間に、ほかの方がこの校(地)区の活動年度を変更しました。いまの内容を確かめてから、もう一度入力してください。';
      const values = { last_fy: form.values.last_fy ?? '', before_active_to: district.activeTo === null ? '' : String(district.activeTo) };
      return renderEnd(reply, { district, values, notice }, 409);
    };
    if (district.activeTo !== expectedActiveTo) return stale();
    const refusal = endRefusal(db, district, lastFy);
    if (refusal) return renderEnd(reply, { district, values: form.values, errors: { last_fy: refusal } }, 422);
    if (!isConfirmed(request.body)) {
      const movable = openRegisterCounts(db, district.id, lastFy);
      return renderConfirmation(reply, {
        heading: `${district.name}の活動を${warekiLong(lastFy)}で終了にしますか`,
        lines: [
          `${warekiLong(lastFy + 1)}からは、${district.name}は月次報告の対象にも集計にも入りません。${warekiLong(lastFy)}までの記録はそのまま残ります。`,
          ...(movable.length > 0
            ? [
                `${movable.join('、')}があります。終了後の年度には数えられません。ほかの校(地)区に引き継ぐときは、終了ではなく「統合・分割の記録」を使ってください。`,
              ]
            : []),
          'あとで終了の年度を変えることもできます。',
        ],
        button: `${warekiLong(lastFy)}で活動を終了する`,
        action: `${path}/end`,
        cancelUrl: `${path}/edit`,
        hidden: { last_fy: String(lastFy), before_active_to: expectedActiveTo === null ? '' : String(expectedActiveTo) },
        styles: FORM_STYLES,
      });
    }
    let result: DistrictWriteResult;
    try {
      result = endDistrict(db, { id: district.id, expectedActiveTo, lastFy, userId: request.user!.id });
    } catch (err) {
      if (err instanceof DistrictEndRefused) return renderEnd(reply, { district, values: form.values, errors: { last_fy: err.message } }, 422);
      throw err;
    }
    if (result.status === 'conflict') return stale();
    request.session.flash = result.status === 'unchanged' ? '変更はありませんでした。' : `${district.name}の活動を${warekiLong(lastFy)}で終了にしました。`;
    return reply.redirect(`/districts?ward=${district.wardId}`, 303);
  });
}

const DISTRICT_LABELS_EDIT = {
  name: DISTRICT_LABELS.name,
  kana: DISTRICT_LABELS.kana,
  ward: DISTRICT_LABELS.ward,
  contact_name: DISTRICT_LABELS.contact_name,
  contact_phone: DISTRICT_LABELS.contact_phone,
  contact_email: DISTRICT_LABELS.contact_email,
};
