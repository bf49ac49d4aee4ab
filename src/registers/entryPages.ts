/**
 * The one set of entry routes every district register has (salons, plans, 策定予定, case studies):
 *
 *   GET  {path}/new        the blank form (or the form typed before the session ended)
 *   POST {path}/new        add the entry
 *   GET  {path}/:id/edit   the entry's form
 *   POST {path}/:id/edit   change it; a stale version shows the stored entry beside what was typed (409)
 *   POST {path}/:id/delete delete it, after the server-side confirmation page
 *
 * Each register describes its own words, form and writes in a `RegisterEntryPages`; its list page
 * (and anything only it has, such as closing a salon) stays in its own routes file, which can use
 * the helpers `registerEntryRoutes` returns. Every route declares `guard.district('write')`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/index.js';
import { guard, loadedDistrict } from '../guards/guard.js';
import { RESUMED_MESSAGE, resumedFormBody } from '../auth/pendingForms.js';
import { isConfirmed, renderConfirmation } from '../confirmation.js';
import type { DistrictWithWard } from '../districts/repository.js';
import { ClosedFiscalYearError } from '../fiscalYears/repository.js';
import { conflictRows, formVersion, type ConflictRow, type FormResult, type FormValues } from '../web/forms.js';
import type { RegisterEntryRef, RegisterWriteResult } from './repository.js';
import { districtPath, entryOfRequest, renderRegisterPage } from './routing.js';

interface Entry {
  id: number;
  districtId: number;
  version: number;
}

/** A register's entry pages: its URL, its form and its writes, and the words its pages say. */
export interface RegisterEntryPages<Row extends Entry, Input> {
  /** The entries' URL below the district, as in `/districts/:code/plans` ('plans'). */
  path: string;
  /** The page a save or a delete returns to, below the district (defaults to `path`). */
  returnPath?: string;
  /** The form's template, and the name under which it receives the entry (null on a new one). */
  view: string;
  entryKey: string;
  /** Page titles of the form, before 「（地区名）」. */
  titles: { new: string; edit: string };
  labels: Record<string, string>;
  notFoundMessage: string;
  find(db: Db, id: number): Row | undefined;
  parse(body: unknown): FormResult<Input>;
  /** A stored entry as the form shows it. */
  formValues(row: Row): FormValues;
  /** An entry (stored, or the typed input) as plain text for the conflict table. */
  display(entry: Row | Input): Record<string, string>;
  /** What the blank form starts with. */
  newValues(district: DistrictWithWard): FormValues;
  /** More data the form's template needs (choices, names, limits). */
  formExtras?(page: { district: DistrictWithWard; row: Row | null; values: FormValues }): Record<string, unknown>;
  create(db: Db, districtId: number, input: Input, userId: number): Row;
  update(db: Db, change: RegisterEntryRef & { input: Input }): RegisterWriteResult<Row>;
  remove(db: Db, change: RegisterEntryRef): RegisterWriteResult<Row>;
  /** The field a closed fiscal year is shown beside when the error names none. */
  closedYearField?: string;
  /** Other refusals shown beside a field instead of as an error page (a year already scheduled). */
  fieldRefusal?(err: unknown): Record<string, string> | null;
  /** How the pages name an entry: 第二次計画, サロン「…」. */
  name(row: Row): string;
  /** The flash after adding: 「…を登録しました。」 or 「…を保存しました。」. */
  createdVerb: '登録' | '保存';
  deletion: {
    /** What deleting changes, one paragraph each, on the confirmation page. */
    lines: string[];
    /** Shown on the form when someone else changed the entry before the delete. */
    conflictNotice: string;
    /** Where 「やめて戻る」 leads from the confirmation page: the entry's form or its own page. */
    cancelTo: 'edit' | 'entry';
  };
}

/** One form page: the entry (null on a new one), what the form shows, and what went wrong. */
export interface EntryFormPage<Row> {
  district: DistrictWithWard;
  row: Row | null;
  values: FormValues;
  errors?: Record<string, string>;
  version?: number;
  conflict?: ConflictRow[];
  notice?: string;
}

/** What the register's own routes may reuse. */
export interface RegisterEntryHelpers<Row> {
  /** `/districts/{code}/{path}`. */
  entriesUrl: (district: DistrictWithWard) => string;
  /** The URL's entry, which must belong to the URL's district (else 404, never another district's entry). */
  entryOf: (request: FastifyRequest, district: DistrictWithWard) => Row;
  /**
   * Runs a write; a refusal that belongs beside a field (a closed fiscal year: its own field, else
   * `closedYearField`) comes back as that field's message, so the form is shown again with what was typed.
   */
  refusedBesideField: <T>(write: () => T, closedYearField?: string) => { ok: true; value: T } | { ok: false; errors: Record<string, string> };
  /** The template data every register form has (title, entry, its name and URL, action, labels, values, errors, version, conflict, notice). */
  formData: (page: EntryFormPage<Row>, override?: { title: string; action: string }) => Record<string, unknown>;
}

/** Registers the new/edit/delete routes of a district register and returns the helpers its other routes share. */
export function registerEntryRoutes<Row extends Entry, Input>(app: FastifyInstance, pages: RegisterEntryPages<Row, Input>): RegisterEntryHelpers<Row> {
  const { db } = app.database;
  const route = `/districts/:code/${pages.path}`;
  const entriesUrl = (d: DistrictWithWard) => `${districtPath(d)}/${pages.path}`;
  const returnUrl = (d: DistrictWithWard) => `${districtPath(d)}/${pages.returnPath ?? pages.path}`;
  const write = { preHandler: guard.district('write') };

  const entryOf = (request: FastifyRequest, district: DistrictWithWard) => entryOfRequest(request, district, (id) => pages.find(db, id), pages.notFoundMessage);

  function refusedBesideField<T>(
    run: () => T,
    closedYearField = pages.closedYearField,
  ): { ok: true; value: T } | { ok: false; errors: Record<string, string> } {
    try {
      return { ok: true, value: run() };
    } catch (err) {
      if (err instanceof ClosedFiscalYearError) return { ok: false, errors: { [err.field ?? closedYearField ?? 'form']: err.message } };
      const errors = pages.fieldRefusal?.(err);
      if (errors) return { ok: false, errors };
      throw err;
    }
  }

  function formData(page: EntryFormPage<Row>, override?: { title: string; action: string }): Record<string, unknown> {
    const { district, row } = page;
    const title = override?.title ?? (row ? pages.titles.edit : pages.titles.new);
    return {
      title: `${title}（${district.name}）`,
      district,
      [pages.entryKey]: row,
      entryName: row ? pages.name(row) : '',
      entryUrl: row ? `${entriesUrl(district)}/${row.id}` : null,
      action: override?.action ?? (row ? `${entriesUrl(district)}/${row.id}/edit` : `${entriesUrl(district)}/new`),
      listUrl: returnUrl(district),
      labels: pages.labels,
      ...pages.formExtras?.({ district, row, values: page.values }),
      values: page.values,
      errors: page.errors ?? {},
      version: page.version ?? row?.version ?? 0,
      conflict: page.conflict ?? null,
      notice: page.notice ?? null,
    };
  }

  const renderForm = (reply: FastifyReply, page: EntryFormPage<Row>, status = 200) => renderRegisterPage(reply, pages.view, formData(page), status);

  app.get(`${route}/new`, write, async (request, reply) => {
    const district = loadedDistrict(request);
    const resumed = resumedFormBody(db, request);
    if (resumed) return renderForm(reply, { district, row: null, values: pages.parse(resumed).values, notice: RESUMED_MESSAGE });
    return renderForm(reply, { district, row: null, values: pages.newValues(district) });
  });

  app.post(`${route}/new`, write, async (request, reply) => {
    const district = loadedDistrict(request);
    const form = pages.parse(request.body);
    if (!form.ok) return renderForm(reply, { district, row: null, values: form.values, errors: form.errors }, 422);
    const created = refusedBesideField(() => pages.create(db, district.id, form.data, request.user!.id));
    if (!created.ok) return renderForm(reply, { district, row: null, values: form.values, errors: created.errors }, 409);
    request.session.flash = `${pages.name(created.value)}を${pages.createdVerb}しました。`;
    return reply.redirect(returnUrl(district), 303);
  });

  app.get(`${route}/:id/edit`, write, async (request, reply) => {
    const district = loadedDistrict(request);
    const row = entryOf(request, district);
    const resumed = resumedFormBody(db, request);
    if (resumed) return renderForm(reply, { district, row, values: pages.parse(resumed).values, version: formVersion(resumed), notice: RESUMED_MESSAGE });
    return renderForm(reply, { district, row, values: pages.formValues(row) });
  });

  app.post(`${route}/:id/edit`, write, async (request, reply) => {
    const district = loadedDistrict(request);
    const row = entryOf(request, district);
    const version = formVersion(request.body);
    const form = pages.parse(request.body);
    if (!form.ok) return renderForm(reply, { district, row, values: form.values, errors: form.errors, version }, 422);
    const change = { districtId: district.id, id: row.id, expectedVersion: version, input: form.data, userId: request.user!.id };
    const written = refusedBesideField(() => pages.update(db, change));
    if (!written.ok) return renderForm(reply, { district, row, values: form.values, errors: written.errors, version }, 409);
    const result = written.value;
    if (result.status === 'conflict') {
      const conflict = conflictRows(pages.labels, pages.display(result.stored), pages.display(form.data));
      return renderForm(reply, { district, row: result.stored, values: form.values, version: result.stored.version, conflict }, 409);
    }
    request.session.flash = result.status === 'unchanged' ? '変更はありませんでした。' : `${pages.name(result.row)}の変更を保存しました。`;
    return reply.redirect(returnUrl(district), 303);
  });

  app.post(`${route}/:id/delete`, write, async (request, reply) => {
    const district = loadedDistrict(request);
    const row = entryOf(request, district);
    const entryUrl = `${entriesUrl(district)}/${row.id}`;
    if (!isConfirmed(request.body)) {
      return renderConfirmation(reply, {
        heading: `${pages.name(row)}を削除しますか`,
        lines: pages.deletion.lines,
        button: '削除する',
        action: `${entryUrl}/delete`,
        cancelUrl: pages.deletion.cancelTo === 'edit' ? `${entryUrl}/edit` : entryUrl,
        hidden: { version: String(formVersion(request.body)) },
      });
    }
    const change = { districtId: district.id, id: row.id, expectedVersion: formVersion(request.body), userId: request.user!.id };
    const deleted = refusedBesideField(() => pages.remove(db, change));
    if (!deleted.ok) return renderForm(reply, { district, row, values: pages.formValues(row), errors: deleted.errors }, 409);
    const result = deleted.value;
    if (result.status === 'conflict') {
      return renderForm(reply, { district, row: result.stored, values: pages.formValues(result.stored), notice: pages.deletion.conflictNotice }, 409);
    }
    request.session.flash = `${pages.name(row)}を削除しました。`;
    return reply.redirect(returnUrl(district), 303);
  });

  return { entriesUrl, entryOf, refusedBesideField, formData };
}
