import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { guard } from '../guards/guard.js';
import { NotFoundError, ConflictError } from '../errors.js';
import { parseCount } from '../domain/numbers.js';
import { characterCount, normaliseText } from '../domain/text.js';
import { warekiLong, warekiShort } from '../domain/fiscalYear.js';
import { HOUSEHOLD_ROWS, ITEMS, isHouseholdRowKey, isItemKey } from '../domain/items.js';
import { parseTrendQuery, pickerScopeChoices } from '../trends/query.js';
import { loadTrendTable, resolveScope, type Scope } from '../trends/repository.js';
import type { TableKind } from '../trends/table.js';
import { blankToUndefined, fiscalYearParam } from '../web/params.js';
import { parseInput } from '../web/replies.js';
import { formatJapanDateTime } from '../web/japanTime.js';
import { usersByIds } from '../users/repository.js';
import { findPendingForm, RESUMED_MESSAGE, resumedFormBody } from '../auth/pendingForms.js';
import { deletePublishedFigure, getPublishedFigure, upsertPublishedFigure, type PublishedFigureRow } from './repository.js';
import { publishedFiguresView } from './view.js';

const NOTE_MAX = 100;

/** Item keys a published figure may have: the items' and the household rows' keys. */
function isFigureItem(s: string): boolean {
  return isItemKey(s) || isHouseholdRowKey(s);
}

/** How an item is named on screen: ① ふれあい… or 見守り世帯の内訳：高齢者世帯. */
function itemTitle(item: string): string {
  const def = ITEMS.find((d) => String(d.item) === item);
  if (def) return `${def.circled} ${def.title}`;
  return `見守り世帯の内訳：${HOUSEHOLD_ROWS.find((r) => r.key === item)?.title ?? item}`;
}

const cellQuery = z.object({
  item: z.string().max(40).refine(isFigureItem, { message: '項目の指定が正しくありません。' }),
  fy: fiscalYearParam,
  scope: z.string().min(1).max(120),
  // Where to return to: the window of the grid the user came from.
  from: z.preprocess(blankToUndefined, fiscalYearParam.optional()),
  to: z.preprocess(blankToUndefined, fiscalYearParam.optional()),
});
type CellQuery = z.infer<typeof cellQuery>;

const editBody = z.object({
  action: z.enum(['save', 'delete']).default('save'),
  kind: z.string().max(40).default(''),
  value: z.string().max(100).default(''),
  note: z.string().max(2000).default(''),
  /** updatedAt of the figure the user saw ('' when there was none), to notice someone else's change. */
  expected: z.string().max(40).default(''),
});

interface EditForm {
  kind: string;
  value: string;
  note: string;
}

function listUrl(q: Pick<CellQuery, 'scope' | 'from' | 'to'>): string {
  const p = new URLSearchParams({ scope: q.scope });
  if (q.from !== undefined) p.set('from', String(q.from));
  if (q.to !== undefined) p.set('to', String(q.to));
  return `/published-figures?${p.toString()}`;
}

function editUrl(q: CellQuery): string {
  const p = new URLSearchParams({ item: q.item, fy: String(q.fy), scope: q.scope });
  if (q.from !== undefined) p.set('from', String(q.from));
  if (q.to !== undefined) p.set('to', String(q.to));
  return `/published-figures/edit?${p.toString()}`;
}

function formOf(figure: PublishedFigureRow | undefined): EditForm {
  if (!figure) return { kind: '', value: '', note: '' };
  return figure.value === null ? { kind: 'not_available', value: '', note: figure.note ?? '' } : { kind: 'value', value: String(figure.value), note: '' };
}

/** Checks the edit form; returns what to store, or a message per field. */
export function validateFigureForm(form: EditForm): { ok: true; value: number | null; note: string | null } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (form.kind === 'value') {
    const parsed = parseCount(form.value);
    if (!parsed.ok) errors.value = parsed.message;
    else if (parsed.value === null) errors.value = '公表値を入力してください（例：125,407 または １２５４０７）。';
    else return { ok: true, value: parsed.value, note: null };
  } else if (form.kind === 'not_available') {
    // The reason is printed in the table cell, so it must be there and short.
    const typed = form.note.replace(/\r\n?/g, '\n');
    const checked = normaliseText(typed, 'line');
    const note = checked.ok ? checked.value : typed.trim();
    if (note === '') errors.note = '表に表示する理由を入力してください（例：コロナ禍で正確な統計不可）。';
    else if (characterCount(note) > NOTE_MAX) errors.note = `理由は${NOTE_MAX}文字以内で入力してください。`;
    else if (note.includes('\n')) errors.note = '理由は1行で入力してください。';
    else if (!checked.ok) errors.note = `理由に${checked.message}`;
    else return { ok: true, value: null, note };
  } else {
    errors.kind = '「数値を入力する」か「公表値なし」のどちらかを選んでください。';
  }
  return { ok: false, errors };
}

/** 公表値: published and historical figures that win over the rollup (DESIGN §4). */
export function publishedFigureRoutes(app: FastifyInstance): void {
  const { db } = app.database;

  app.get('/published-figures', { preHandler: guard.city('admin') }, async (request, reply) => {
    const user = request.user!;
    const q = parseTrendQuery(db, user, request.query);
    // Published figures are for the seven items and the household rows, not council-defined indicators.
    const tables = (['items', 'households'] as TableKind[])
      .map((kind) => loadTrendTable(db, q.scope, { kind, fromFy: q.fromFy, toFy: q.toFy, basis: q.basis, thresholds: q.thresholds }))
      .map((t) => ({ ...t, rows: t.rows.filter((r) => !r.indicator) }));
    const cellUrl = (item: string, fy: number) => editUrl({ item, fy, scope: q.scope.key, from: q.fromFy, to: q.toFy });
    return reply.viewAsync('publishedFigures/index', {
      styles: ['admin.css'],
      mainClass: 'wide',
      ...publishedFiguresView({
        scope: q.scope,
        fromFy: q.fromFy,
        toFy: q.toFy,
        // A national city's 20,000 districts come by ward, around the scope shown.
        scopeChoices: pickerScopeChoices(db, user, [q.scope]),
        tables,
        editUrl: cellUrl,
      }),
    });
  });

  async function renderEdit(
    reply: FastifyReply,
    q: CellQuery,
    scope: Scope,
    figure: PublishedFigureRow | undefined,
    form: EditForm,
    errors: Record<string, string>,
    conflict = false,
    resumed: { expected: string; notice: string } | null = null,
  ) {
    const kind: TableKind = isItemKey(q.item) ? 'items' : 'households';
    const table = loadTrendTable(db, scope, { kind, fromFy: q.fy, toFy: q.fy, basis: 'yoy' });
    const cell = table.rows.find((r) => r.key === q.item)?.values[0] ?? { rollupValue: null, districtsReported: 0 };
    const updater = figure?.updatedBy ? usersByIds(db, [figure.updatedBy]).get(figure.updatedBy) : undefined;
    return reply.viewAsync('publishedFigures/edit', {
      title: `公表値の入力（${itemTitle(q.item)}・${warekiShort(q.fy)}）`,
      styles: ['admin.css'],
      q,
      scope,
      itemTitle: itemTitle(q.item),
      fyLabel: `${warekiLong(q.fy)}（${q.fy}年度）`,
      figure,
      updatedBy: updater ? `${updater.displayName}（${updater.login}）` : '',
      updatedAt: formatJapanDateTime(figure?.updatedAt),
      rollup: { value: cell.rollupValue, districtsReported: cell.districtsReported, districts: table.districtCounts.get(q.fy) ?? 0 },
      form,
      errors,
      conflict,
      expected: resumed ? resumed.expected : (figure?.updatedAt ?? ''),
      notice: resumed?.notice ?? null,
      cell: new URL(editUrl(q), 'http://x.invalid').search.slice(1),
      action: editUrl(q),
      backUrl: listUrl(q),
      noteMax: NOTE_MAX,
    });
  }

  /** Reads the cell named in the query string and checks the user may edit it. */
  function cellOf(request: FastifyRequest) {
    const q = parseInput(cellQuery, request.query);
    const scope = resolveScope(db, q.scope);
    if (!scope) throw new NotFoundError('指定された区・校(地)区が見つかりません。');
    const figure = getPublishedFigure(db, { item: q.item, fiscalYear: q.fy, scopeType: scope.type, scopeId: scope.id });
    return { q, scope, figure };
  }

  app.get('/published-figures/edit', { preHandler: guard.city('admin') }, async (request, reply) => {
    // Back from signing in after a timeout (DESIGN §7): only the path was kept, so the cell comes from the kept form.
    const query = request.query as Record<string, unknown>;
    if (typeof query.resume === 'string' && query.item === undefined) {
      const kept = findPendingForm(db, query.resume, request.user!.id);
      const cell =
        kept?.path === '/published-figures/edit' && typeof kept.body.cell === 'string'
          ? cellQuery.safeParse(Object.fromEntries(new URLSearchParams(kept.body.cell)))
          : null;
      if (cell?.success) return reply.redirect(`${editUrl(cell.data)}&resume=${encodeURIComponent(query.resume)}`, 303);
    }
    const { q, scope, figure } = cellOf(request);
    const resumed = resumedFormBody(db, request);
    const typed = resumed ? editBody.safeParse(resumed) : null;
    if (typed?.success) {
      const form: EditForm = { kind: typed.data.kind, value: typed.data.value, note: typed.data.note };
      return renderEdit(reply, q, scope, figure, form, {}, false, { expected: typed.data.expected, notice: RESUMED_MESSAGE });
    }
    return renderEdit(reply, q, scope, figure, formOf(figure), {});
  });

  app.post('/published-figures/edit', { preHandler: guard.city('admin') }, async (request, reply) => {
    const { q, scope, figure } = cellOf(request);
    const body = parseInput(editBody, request.body);
    const user = request.user!;
    const form: EditForm = { kind: body.kind, value: body.value, note: body.note };
    const cellName = `${warekiShort(q.fy)}・${itemTitle(q.item)}（${scope.label}）`;

    if (body.action === 'delete') {
      if (!figure) throw new ConflictError('この公表値はすでに削除されています。集計値が表示されます。');
      if (figure.updatedAt !== body.expected) {
        reply.code(409);
        return renderEdit(reply, q, scope, figure, form, {}, true);
      }
      deletePublishedFigure(db, figure.id, user.id);
      request.session.flash = `${cellName}の公表値を削除しました。集計値を表示します。`;
      return reply.redirect(listUrl(q), 303);
    }

    const checked = validateFigureForm(form);
    if (!checked.ok) {
      reply.code(422);
      return renderEdit(reply, q, scope, figure, form, checked.errors);
    }
    // Someone changed the cell since the form was opened: show theirs beside what was typed.
    if ((figure?.updatedAt ?? '') !== body.expected) {
      reply.code(409);
      return renderEdit(reply, q, scope, figure, form, {}, true);
    }
    if (figure && figure.value === checked.value && (figure.note ?? null) === checked.note) {
      request.session.flash = `${cellName}は変更されていません。`;
      return reply.redirect(listUrl(q), 303);
    }
    upsertPublishedFigure(db, { item: q.item, fiscalYear: q.fy, scopeType: scope.type, scopeId: scope.id, value: checked.value, note: checked.note }, user.id);
    request.session.flash = `${cellName}の公表値を保存しました。`;
    return reply.redirect(listUrl(q), 303);
  });
}
