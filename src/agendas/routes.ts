import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { can, type CurrentUser } from '../auth/access.js';
import { guard, loadedAgendaSheet } from '../guards/guard.js';
import type { Db } from '../db/index.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { isConfirmed, renderConfirmation, type Confirmation } from '../confirmation.js';
import { RESUMED_MESSAGE, resumedFormBody } from '../auth/pendingForms.js';
import { currentFiscalYear, parseFiscalYear } from '../domain/fiscalYear.js';
import { formatJapanDateTime } from '../web/japanTime.js';
import { DEFAULT_THRESHOLDS, parseBasis } from '../domain/trend.js';
import { defaultWindow, loadTrendTable, resolveScope } from '../trends/repository.js';
import { pickerScopeChoices } from '../trends/query.js';
import { MAX_SHEET_YEARS, defaultContent, type AgendaTable, type PrintModel, type PrintTable } from './content.js';
import { applyOp, draftFromBody, draftFromContent, opSchema, validateDraft, type Draft, type FieldErrors } from './form.js';
import {
  contentOf,
  createAgendaSheet,
  deleteAgendaSheet,
  duplicateAgendaSheet,
  finalizeAgendaSheet,
  listAgendaSheets,
  listCaseStudyChoices,
  liveModel,
  printedModel,
  unfinalizeAgendaSheet,
  updateAgendaSheet,
  userDisplayName,
  type AgendaSheetRow,
  type CaseStudyChoice,
} from './repository.js';
import { canReadSheet } from './access.js';
import { buildPrintTable, cellKey, compareModels, paragraphs, parenthesised, titleSegments } from './sheet.js';
import { editorNarrativePanel } from './narrative.js';
import { agendaEditorView } from './editView.js';
import { indicatorRowKeys, indicatorRowTitles } from './indicatorRows.js';

const EDITOR_STYLES = ['agenda-editor.css'];
const PRINT_STYLES = ['agenda-print.css'];

const versionBody = z.object({
  version: z
    .string()
    .regex(/^\d{1,9}$/)
    .transform(Number),
});

/** The confirmation page of a sheet's irreversible action, carrying the version the user saw. */
function confirmSheetAction(reply: FastifyReply, request: FastifyRequest, db: Db, action: 'delete' | 'finalize' | 'unfinalize') {
  const sheet = loadedAgendaSheet(request);
  const name = `「${sheet.heading}」`;
  const pages: Record<typeof action, Omit<Confirmation, 'action' | 'cancelUrl' | 'hidden'>> = {
    delete: { heading: `${name}を削除しますか`, lines: ['削除すると、このシートは一覧から消えます。元に戻せません。'], button: '削除する' },
    finalize: {
      heading: `${name}を確定しますか`,
      lines: [
        '保存されている内容と現在の数字で確定します。確定後は、データが変わっても確定した数字で印刷されます。',
        '確定を解除すると下書きに戻せます（確定した数字は記録に残ります）。',
      ],
      button: '確定する',
    },
    unfinalize: {
      heading: `${name}の確定を解除しますか`,
      lines: ['解除すると、シートは下書きに戻り、現在のデータで表示・印刷されます。確定した数字は記録（履歴）に残ります。'],
      button: '確定を解除する',
    },
  };
  return renderConfirmation(reply, {
    ...pages[action],
    action: `/agendas/${sheet.id}/${action}`,
    cancelUrl: action === 'delete' ? '/agendas' : `/agendas/${sheet.id}/edit`,
    hidden: { version: String(postedVersion(request)) },
  });
}

function postedVersion(request: FastifyRequest): number {
  const parsed = versionBody.safeParse(request.body ?? {});
  // Without a version we cannot tell a stale page from a fresh one: treat it as stale.
  return parsed.success ? parsed.data.version : -1;
}

function flash(request: FastifyRequest, message: string): void {
  request.session.flash = message;
}

const CONFLICT_MESSAGE = 'ほかの方がこのシートを先に変更しました。お手数ですが、一覧から開き直して、内容を確かめてからもう一度操作してください。';

// ---------------------------------------------------------------------------
// The editor page.

/**
 * The settings a draft table shows its computed labels with: what was typed
 * where it is valid, else the usual values, so a half-typed form still shows figures.
 */
function previewSpec(draftTable: Draft['tables'][number], scopeKey: string): AgendaTable {
  const pct = (s: string, fallback: number) => {
    const n = Number(s.normalize('NFKC').replace(/[%\s]/g, ''));
    return s.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 1000 ? n / 100 : fallback;
  };
  let flat = pct(draftTable.flatPercent, DEFAULT_THRESHOLDS.flat);
  let strong = pct(draftTable.strongPercent, DEFAULT_THRESHOLDS.strong);
  if (flat > strong) [flat, strong] = [DEFAULT_THRESHOLDS.flat, DEFAULT_THRESHOLDS.strong];
  return {
    kind: draftTable.kind,
    scope: scopeKey,
    heading: draftTable.heading,
    // Every row of the kind, so the computed label shows beside rows not yet chosen too.
    rows: draftTable.rows.map((r) => ({
      key: r.key,
      override: { text: r.overrideText.trim(), arrow: (['↗', '→', '↘'].includes(r.overrideArrow) ? r.overrideArrow : '') as '' },
      footnoteMarker: r.footnoteMarker.trim(),
      footnote: r.footnote.trim(),
    })),
    basis: parseBasis(draftTable.basis) ?? 'yoy',
    thresholds: { flat, strong },
    headerStyle: draftTable.headerStyle === 'long' ? 'long' : 'short',
    showTrend: draftTable.showTrend,
    note: draftTable.note,
  };
}

function previewWindow(draft: Draft, fallback: { fromFy: number; toFy: number }): { fromFy: number; toFy: number } {
  const from = parseFiscalYear(draft.from);
  const to = parseFiscalYear(draft.to);
  if (from !== null && to !== null && from <= to && to - from + 1 <= MAX_SHEET_YEARS) return { fromFy: from, toFy: to };
  return fallback;
}

function previewTables(db: Db, draft: Draft, fallback: { fromFy: number; toFy: number }): PrintTable[] {
  const window = previewWindow(draft, fallback);
  return draft.tables.map((t, i) => {
    const scope = resolveScope(db, t.scope) ?? resolveScope(db, 'city')!;
    const spec = previewSpec(t, scope.key);
    const table = loadTrendTable(db, scope, { kind: spec.kind, fromFy: window.fromFy, toFy: window.toFy, basis: spec.basis, thresholds: spec.thresholds });
    // Indicator rows that do not count in the window still show (blank) so they can be chosen.
    return buildPrintTable(i + 1, spec, table, indicatorRowTitles(db));
  });
}

interface EditorState {
  sheet: AgendaSheetRow | null;
  draft: Draft;
  errors?: FieldErrors;
  labels?: Record<string, string>;
  notice?: string;
  conflict?: { updatedAt: string; heading: string } | null;
  /** Already loaded when a form was posted. */
  caseStudies?: CaseStudyChoice[];
}

async function renderEditor(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, state: EditorState, status = 200) {
  const { db } = app.database;
  const user = request.user!;
  const fallback = state.sheet ? { fromFy: state.sheet.fromFy, toFy: state.sheet.toFy } : defaultWindow(db, resolveScope(db, 'city')!, currentFiscalYear());
  reply.code(status);
  return reply.viewAsync('agendas/edit', {
    styles: EDITOR_STYLES,
    ...agendaEditorView({
      sheet: state.sheet,
      draft: state.draft,
      errors: state.errors ?? {},
      labels: state.labels ?? {},
      notice: state.notice ?? null,
      conflict: state.conflict ?? null,
      previews: previewTables(db, state.draft, fallback),
      // By ward in a large city, around the scopes of the sheet's tables.
      scopes: pickerScopeChoices(
        db,
        user,
        state.draft.tables.map((t) => t.scope),
      ),
      caseStudies: state.caseStudies ?? listCaseStudyChoices(db),
    }),
    // 「引用できる数」: the narrative counts of the first table's scope and the sheet's last FY.
    narrative: editorNarrativePanel(db, state.draft.tables[0]?.scope, previewWindow(state.draft, fallback).toFy),
  });
}

/** Reads the editor form; returns the draft, which button was pressed and the case studies it was read against. */
function readEditorForm(app: FastifyInstance, request: FastifyRequest): { draft: Draft; op: string; caseStudies: CaseStudyChoice[] } {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const caseStudies = listCaseStudyChoices(app.database.db);
  const opRaw: unknown = Array.isArray(body.op) ? body.op[0] : body.op;
  const op = opSchema.safeParse(typeof opRaw === 'string' ? opRaw : 'save');
  return {
    draft: draftFromBody(
      body,
      caseStudies.map((c) => c.id),
      indicatorRowKeys(app.database.db),
    ),
    op: op.success ? op.data : 'save',
    caseStudies,
  };
}

function validate(app: FastifyInstance, user: CurrentUser, draft: Draft, caseStudies: readonly CaseStudyChoice[]) {
  const { db } = app.database;
  const known = new Set(caseStudies.map((c) => c.id));
  return validateDraft(draft, {
    scopeOk: (key) => {
      const scope = resolveScope(db, key);
      return !!scope && can(user, 'read', scope.target);
    },
    caseStudyExists: (id) => known.has(id),
    rowTitles: indicatorRowTitles(db),
  });
}

const STRUCTURE_NOTICE = '表や項目を追加・削除しました。まだ保存していません。内容を確かめて「保存する」を押してください。';

// ---------------------------------------------------------------------------

/** 議題シート: compose (city), view and print (city and ward). */
export function agendaRoutes(app: FastifyInstance): void {
  const { db } = app.database;

  app.get('/agendas', { preHandler: guard.city('read') }, async (request, reply) => {
    // Only the sheets this user may open: a ward user never sees the headings of another ward's sheets.
    const readable = listAgendaSheets(db).filter(({ sheet }) => canReadSheet(db, request.user, sheet));
    const sheets = readable.map(({ sheet, finalizedByName }) => ({
      id: sheet.id,
      heading: sheet.heading,
      subheading: sheet.subheading,
      fromFy: sheet.fromFy,
      toFy: sheet.toFy,
      version: sheet.version,
      finalized: sheet.frozen !== null,
      finalizedAt: formatJapanDateTime(sheet.finalizedAt),
      finalizedByName,
      updatedAt: formatJapanDateTime(sheet.updatedAt),
    }));
    return reply.viewAsync('agendas/index', { title: '議題シート', styles: EDITOR_STYLES, sheets, canCompose: can(request.user!, 'admin', { kind: 'city' }) });
  });

  /** The editor as typed before a timeout (DESIGN §7), when the page was reached from signing in again; not saved yet. */
  function resumedEditor(request: FastifyRequest, reply: FastifyReply, sheet: AgendaSheetRow | null) {
    const resumed = resumedFormBody(db, request);
    if (!resumed) return null;
    const caseStudies = listCaseStudyChoices(db);
    const draft = draftFromBody(
      resumed,
      caseStudies.map((c) => c.id),
      indicatorRowKeys(db),
    );
    return renderEditor(app, request, reply, { sheet, draft, notice: RESUMED_MESSAGE, caseStudies });
  }

  app.get('/agendas/new', { preHandler: guard.city('admin') }, async (request, reply) => {
    const resumed = resumedEditor(request, reply, null);
    if (resumed) return resumed;
    const window = defaultWindow(db, resolveScope(db, 'city')!, currentFiscalYear());
    const draft = draftFromContent(
      { heading: '議題（１）ア 小地域福祉活動の状況', subheading: '（地域での見守り・助け合いのためのネットワークづくり）', ...window },
      defaultContent(),
      0,
      indicatorRowKeys(db),
    );
    return renderEditor(app, request, reply, { sheet: null, draft });
  });

  app.post('/agendas/new', { preHandler: guard.city('admin') }, async (request, reply) => {
    const { draft, op, caseStudies } = readEditorForm(app, request);
    if (op !== 'save')
      return renderEditor(app, request, reply, { sheet: null, draft: applyOp(draft, op, indicatorRowKeys(db)), notice: STRUCTURE_NOTICE, caseStudies });
    const result = validate(app, request.user!, draft, caseStudies);
    if (!result.input) return renderEditor(app, request, reply, { sheet: null, draft, errors: result.errors, labels: result.labels, caseStudies }, 422);
    const sheet = createAgendaSheet(db, result.input, request.user!.id);
    flash(request, '議題シートを作成しました。');
    return reply.redirect(`/agendas/${sheet.id}/edit`, 303);
  });

  app.get('/agendas/:id/edit', { preHandler: guard.agendaSheet('admin') }, async (request, reply) => {
    const sheet = loadedAgendaSheet(request);
    if (sheet.frozen !== null) return renderFinalized(request, reply, sheet);
    const resumed = resumedEditor(request, reply, sheet);
    if (resumed) return resumed;
    return renderEditor(app, request, reply, { sheet, draft: draftFromContent(sheet, contentOf(sheet), sheet.version, indicatorRowKeys(db)) });
  });

  app.post('/agendas/:id/edit', { preHandler: guard.agendaSheet('admin') }, async (request, reply) => {
    const sheet = loadedAgendaSheet(request);
    const { draft, op, caseStudies } = readEditorForm(app, request);
    if (sheet.frozen !== null) throw new ConflictError('このシートは確定済みのため変更できません。変更するには、先に確定を解除してください。');
    if (op !== 'save')
      return renderEditor(app, request, reply, { sheet, draft: applyOp(draft, op, indicatorRowKeys(db)), notice: STRUCTURE_NOTICE, caseStudies });
    const result = validate(app, request.user!, draft, caseStudies);
    if (!result.input) return renderEditor(app, request, reply, { sheet, draft, errors: result.errors, labels: result.labels, caseStudies }, 422);
    const expected = /^\d{1,9}$/.test(draft.version) ? Number(draft.version) : -1;
    const saved = updateAgendaSheet(db, sheet.id, result.input, expected, request.user!.id);
    if (saved.status === 'conflict') {
      // Keep what was typed; the next save (with the stored version) overwrites on purpose.
      return renderEditor(
        app,
        request,
        reply,
        {
          sheet: saved.stored,
          draft: { ...draft, version: String(saved.stored.version) },
          conflict: { updatedAt: formatJapanDateTime(saved.stored.updatedAt), heading: saved.stored.heading },
          caseStudies,
        },
        409,
      );
    }
    flash(request, '保存しました。');
    return reply.redirect(`/agendas/${sheet.id}/edit`, 303);
  });

  app.post('/agendas/:id/duplicate', { preHandler: guard.agendaSheet('admin') }, async (request, reply) => {
    const copy = duplicateAgendaSheet(db, loadedAgendaSheet(request).id, request.user!.id);
    flash(request, '複製しました。複製したシートは下書きです。');
    return reply.redirect(`/agendas/${copy.id}/edit`, 303);
  });

  app.post('/agendas/:id/delete', { preHandler: guard.agendaSheet('admin') }, async (request, reply) => {
    if (!isConfirmed(request.body)) return confirmSheetAction(reply, request, db, 'delete');
    const result = deleteAgendaSheet(db, loadedAgendaSheet(request).id, postedVersion(request), request.user!.id);
    if (result.status === 'conflict') throw new ConflictError(CONFLICT_MESSAGE);
    flash(request, `「${result.sheet.heading}」を削除しました。`);
    return reply.redirect('/agendas', 303);
  });

  /** Finalising and unfinalising share one shape: confirm, change the sheet's state at its version, flash, back to the editor. */
  for (const { action, change, done } of [
    { action: 'finalize', change: finalizeAgendaSheet, done: '確定しました。このシートは、今後データが変わっても確定した数字で印刷されます。' },
    { action: 'unfinalize', change: unfinalizeAgendaSheet, done: '確定を解除しました。シートは下書きに戻り、現在のデータで表示されます。' },
  ] as const) {
    app.post(`/agendas/:id/${action}`, { preHandler: guard.agendaSheet('admin') }, async (request, reply) => {
      const id = loadedAgendaSheet(request).id;
      if (!isConfirmed(request.body)) return confirmSheetAction(reply, request, db, action);
      const result = change(db, id, postedVersion(request), request.user!.id);
      if (result.status === 'conflict') throw new ConflictError(CONFLICT_MESSAGE);
      flash(request, done);
      return reply.redirect(`/agendas/${id}/edit`, 303);
    });
  }

  // A sheet's own address: city staff compose it, ward staff print it.
  app.get('/agendas/:id', { preHandler: guard.agendaSheet('read') }, async (request, reply) => {
    const sheet = loadedAgendaSheet(request);
    return reply.redirect(`/agendas/${sheet.id}/${can(request.user!, 'admin', { kind: 'city' }) ? 'edit' : 'print'}`, 303);
  });

  app.get('/agendas/:id/print', { preHandler: guard.agendaSheet('read') }, async (request, reply) => {
    const sheet = loadedAgendaSheet(request);
    const model = printedModel(db, sheet);
    return reply.viewAsync('agendas/print', {
      title: sheet.heading,
      styles: PRINT_STYLES,
      bodyClass: 'agenda-print',
      mainClass: 'paper-main',
      sheet: { id: sheet.id, finalized: sheet.frozen !== null, finalizedAt: formatJapanDateTime(sheet.finalizedAt) },
      model,
      subheading: parenthesised(model.subheading),
      paragraphs,
      titleSegments,
      canCompose: can(request.user!, 'admin', { kind: 'city' }),
    });
  });

  /** The read-only editor of a finalised sheet: the frozen figures and how live data has drifted since. */
  async function renderFinalized(request: FastifyRequest, reply: FastifyReply, sheet: AgendaSheetRow) {
    const frozen = printedModel(db, sheet);
    let live: PrintModel | null = null;
    let liveError: string | null = null;
    try {
      live = liveModel(db, sheet);
    } catch (err) {
      // A ward or district renamed since: the frozen sheet still prints; say why no comparison.
      if (!(err instanceof NotFoundError)) throw err;
      liveError = err.message;
    }
    const drift = live ? compareModels(frozen, live) : null;
    return reply.viewAsync('agendas/finalized', {
      title: `議題シート（確定済み）：${sheet.heading}`,
      styles: EDITOR_STYLES,
      sheet,
      model: frozen,
      subheading: parenthesised(frozen.subheading),
      drift,
      cellKey,
      liveError,
      finalizedAt: formatJapanDateTime(sheet.finalizedAt),
      finalizedBy: userDisplayName(db, sheet.finalizedBy),
      paragraphs,
    });
  }
}
