import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { agendaSheets, caseStudies, districts, users, wards } from '../db/schema.js';
import { recordAudit } from '../audit/repository.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { loadTrendTable, resolveScope, type Scope } from '../trends/repository.js';
import { parseContent, parseFrozen, type AgendaContent, type PrintModel } from './content.js';
import { buildPrintModel, type CaseStudyText, type SheetHeader } from './sheet.js';

export type AgendaSheetRow = typeof agendaSheets.$inferSelect;

/** What a city user composes; the rest of the row is bookkeeping. */
export interface AgendaSheetInput extends SheetHeader {
  content: AgendaContent;
}

export type SaveResult = { status: 'saved'; sheet: AgendaSheetRow } | { status: 'conflict'; stored: AgendaSheetRow };

// Audit records keep the composed sheet readable (content as an object, not a JSON string).
function auditView(row: AgendaSheetRow) {
  return {
    heading: row.heading,
    subheading: row.subheading,
    fromFy: row.fromFy,
    toFy: row.toFy,
    content: JSON.parse(row.content) as unknown,
    finalizedAt: row.finalizedAt,
    version: row.version,
  };
}

/** Every sheet, most recently changed first, with the name of whoever finalised it. */
export function listAgendaSheets(db: Db) {
  return db
    .select({ sheet: agendaSheets, finalizedByName: users.displayName })
    .from(agendaSheets)
    .leftJoin(users, eq(users.id, agendaSheets.finalizedBy))
    .orderBy(desc(agendaSheets.updatedAt), desc(agendaSheets.id))
    .all();
}

/** One sheet, or 404. */
export function getAgendaSheet(db: Pick<Db, 'select'>, id: number): AgendaSheetRow {
  const row = db.select().from(agendaSheets).where(eq(agendaSheets.id, id)).get();
  if (!row) throw new NotFoundError('その議題シートは見つかりません。');
  return row;
}

/** Name of the user who finalised a sheet, for the screen. */
export function userDisplayName(db: Db, userId: number | null): string | null {
  if (userId === null) return null;
  return db.select({ name: users.displayName }).from(users).where(eq(users.id, userId)).get()?.name ?? null;
}

/** The stored content of a sheet. */
export function contentOf(sheet: AgendaSheetRow): AgendaContent {
  return parseContent(sheet.content);
}

/** Creates a sheet (audited). */
export function createAgendaSheet(db: Db, input: AgendaSheetInput, userId: number | null, detail: string | null = null): AgendaSheetRow {
  return db.transaction((tx) => {
    const now = new Date().toISOString();
    const row = tx
      .insert(agendaSheets)
      .values({
        heading: input.heading,
        subheading: input.subheading,
        fromFy: input.fromFy,
        toFy: input.toFy,
        content: JSON.stringify(input.content),
        version: 1,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    recordAudit(tx, { userId, action: 'create', entity: 'agenda_sheet', entityId: row.id, before: null, after: auditView(row), detail });
    return row;
  });
}

function assertDraft(row: AgendaSheetRow): void {
  if (row.frozen !== null) throw new ConflictError('このシートは確定済みのため変更できません。変更するには、先に確定を解除してください。');
}

/** Saves a sheet the user edited at `expectedVersion`; a stale version is a conflict, a finalised sheet refuses (audited). */
export function updateAgendaSheet(db: Db, id: number, input: AgendaSheetInput, expectedVersion: number, userId: number): SaveResult {
  return db.transaction((tx) => {
    const existing = getAgendaSheet(tx, id);
    if (existing.version !== expectedVersion) return { status: 'conflict', stored: existing } as const;
    assertDraft(existing);
    const row = tx
      .update(agendaSheets)
      .set({
        heading: input.heading,
        subheading: input.subheading,
        fromFy: input.fromFy,
        toFy: input.toFy,
        content: JSON.stringify(input.content),
        version: existing.version + 1,
        updatedAt: new Date().toISOString(),
      })
      .where(eq(agendaSheets.id, id))
      .returning()
      .get();
    recordAudit(tx, { userId, action: 'update', entity: 'agenda_sheet', entityId: id, before: auditView(existing), after: auditView(row) });
    return { status: 'saved', sheet: row } as const;
  });
}

/** A draft copy of a sheet (its composition, not its frozen figures), audited as a create. */
export function duplicateAgendaSheet(db: Db, id: number, userId: number): AgendaSheetRow {
  const source = getAgendaSheet(db, id);
  return createAgendaSheet(
    db,
    {
      heading: `${source.heading}（コピー）`.slice(0, 100),
      subheading: source.subheading,
      fromFy: source.fromFy,
      toFy: source.toFy,
      content: contentOf(source),
    },
    userId,
    `duplicate_of:${id}`,
  );
}

/** Deletes a draft sheet the user saw at `expectedVersion` (audited). */
export function deleteAgendaSheet(db: Db, id: number, expectedVersion: number, userId: number): SaveResult {
  return db.transaction((tx) => {
    const existing = getAgendaSheet(tx, id);
    if (existing.version !== expectedVersion) return { status: 'conflict', stored: existing } as const;
    // A finalised sheet is the record of what a committee was shown: unfinalise first, on purpose.
    if (existing.frozen !== null) throw new ConflictError('確定済みのシートは削除できません。削除するには、先に確定を解除してください。');
    tx.delete(agendaSheets).where(eq(agendaSheets.id, id)).run();
    recordAudit(tx, { userId, action: 'delete', entity: 'agenda_sheet', entityId: id, before: auditView(existing), after: null });
    return { status: 'saved', sheet: existing } as const;
  });
}

/**
 * 確定: stores what the sheet prints today (figures, labels, case-study texts) in
 * `frozen`, read and written in one transaction so the snapshot is consistent.
 */
export function finalizeAgendaSheet(db: Db, id: number, expectedVersion: number, userId: number | null): SaveResult {
  return db.transaction((tx) => {
    const existing = getAgendaSheet(tx, id);
    if (existing.version !== expectedVersion) return { status: 'conflict', stored: existing } as const;
    assertDraft(existing);
    const model = liveModel(tx, existing);
    const now = new Date().toISOString();
    const row = tx
      .update(agendaSheets)
      .set({ frozen: JSON.stringify(model), finalizedAt: now, finalizedBy: userId, version: existing.version + 1, updatedAt: now })
      .where(eq(agendaSheets.id, id))
      .returning()
      .get();
    recordAudit(tx, {
      userId,
      action: 'finalize',
      entity: 'agenda_sheet',
      entityId: id,
      before: auditView(existing),
      after: { ...auditView(row), frozen: model },
    });
    return { status: 'saved', sheet: row } as const;
  });
}

/** Returns a finalised sheet to draft; the frozen figures go into the audit record (audited). */
export function unfinalizeAgendaSheet(db: Db, id: number, expectedVersion: number, userId: number): SaveResult {
  return db.transaction((tx) => {
    const existing = getAgendaSheet(tx, id);
    if (existing.version !== expectedVersion) return { status: 'conflict', stored: existing } as const;
    if (existing.frozen === null) throw new ConflictError('このシートはまだ確定されていません。');
    const row = tx
      .update(agendaSheets)
      .set({ frozen: null, finalizedAt: null, finalizedBy: null, version: existing.version + 1, updatedAt: new Date().toISOString() })
      .where(eq(agendaSheets.id, id))
      .returning()
      .get();
    recordAudit(tx, {
      userId,
      action: 'unfinalize',
      entity: 'agenda_sheet',
      entityId: id,
      before: { ...auditView(existing), frozen: JSON.parse(existing.frozen) as unknown },
      after: auditView(row),
    });
    return { status: 'saved', sheet: row } as const;
  });
}

/** Resolves a table's scope key; 404 if the ward or district no longer exists. */
export function scopeOf(db: Db, key: string): Scope {
  const scope = resolveScope(db, key);
  if (!scope) throw new NotFoundError(`表の範囲「${key}」が見つかりません。`);
  return scope;
}

/** The scopes a sheet's tables show, for access checks. */
export function sheetScopes(db: Db, content: AgendaContent): Scope[] {
  return content.tables.map((t) => scopeOf(db, t.scope));
}

/** Case studies by id, with their district names. */
export function loadCaseStudyTexts(db: Db, ids: readonly number[]): Map<number, CaseStudyText> {
  if (ids.length === 0) return new Map();
  const rows = db
    .select({ id: caseStudies.id, districtName: districts.name, fiscalYear: caseStudies.fiscalYear, title: caseStudies.title, body: caseStudies.body })
    .from(caseStudies)
    .innerJoin(districts, eq(districts.id, caseStudies.districtId))
    .where(inArray(caseStudies.id, [...new Set(ids)]))
    .all();
  return new Map(rows.map((r) => [r.id, r]));
}

export interface CaseStudyChoice {
  id: number;
  districtName: string;
  wardName: string;
  fiscalYear: number;
  title: string;
  excerpt: string;
}

/** Case studies the districts wrote, newest fiscal year first, for picking into a sheet. */
export function listCaseStudyChoices(db: Db): CaseStudyChoice[] {
  return db
    .select({
      id: caseStudies.id,
      districtName: districts.name,
      wardName: wards.name,
      fiscalYear: caseStudies.fiscalYear,
      title: caseStudies.title,
      body: caseStudies.body,
    })
    .from(caseStudies)
    .innerJoin(districts, eq(districts.id, caseStudies.districtId))
    .innerJoin(wards, eq(wards.id, districts.wardId))
    .orderBy(desc(caseStudies.fiscalYear), asc(wards.sortOrder), asc(districts.kana), asc(caseStudies.id))
    .all()
    .map(({ body, ...r }) => ({ ...r, excerpt: body.replace(/\s+/g, ' ').slice(0, 60) }));
}

/** The first case study of a district (by name) in a fiscal year, or undefined. */
export function findCaseStudyByDistrictName(db: Db, districtName: string, fiscalYear: number): CaseStudyText | undefined {
  return db
    .select({ id: caseStudies.id, districtName: districts.name, fiscalYear: caseStudies.fiscalYear, title: caseStudies.title, body: caseStudies.body })
    .from(caseStudies)
    .innerJoin(districts, eq(districts.id, caseStudies.districtId))
    .where(and(eq(districts.name, districtName), eq(caseStudies.fiscalYear, fiscalYear)))
    .orderBy(asc(caseStudies.id))
    .get();
}

/** What a sheet would print with today's data: every figure through loadTrendTable, as on the trend pages. */
export function buildLiveModel(db: Db, header: SheetHeader, content: AgendaContent): PrintModel {
  const tables = content.tables.map((t) =>
    loadTrendTable(db, scopeOf(db, t.scope), { kind: t.kind, fromFy: header.fromFy, toFy: header.toFy, basis: t.basis, thresholds: t.thresholds }),
  );
  const ids = content.sections.flatMap((s) => s.caseStudies.flatMap((c) => (c.kind === 'ref' ? [c.caseStudyId] : [])));
  return buildPrintModel(header, content, tables, loadCaseStudyTexts(db, ids));
}

/** Today's print model of a stored sheet. */
export function liveModel(db: Db, sheet: AgendaSheetRow): PrintModel {
  return buildLiveModel(db, sheet, contentOf(sheet));
}

/** What the sheet prints: the frozen model once finalised, never live data; else today's figures. */
export function printedModel(db: Db, sheet: AgendaSheetRow): PrintModel {
  return sheet.frozen !== null ? parseFrozen(sheet.frozen) : liveModel(db, sheet);
}
