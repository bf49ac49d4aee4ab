/**
 * 取り込み on a page (DESIGN §8): upload a CSV or .xlsx, see the dry run, then
 * import all or nothing with one button. The page calls the same importCsv as
 * the command line, so a file gives the same result either way. Ward users
 * import the monthly reports of their own ward's districts only.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import { formatJapanTime } from '../web/japanTime.js';
import { districtYearPathParams } from '../web/params.js';
import { parsePath } from '../web/replies.js';
import type { CurrentUser } from '../auth/access.js';
import { guard, loadedDistrict } from '../guards/guard.js';
import { NotFoundError } from '../errors.js';
import { monthsOfFiscalYear, warekiLong, warekiShort } from '../domain/fiscalYear.js';
import { listDistricts } from '../districts/repository.js';
import { listMonthlyReports, valuesOf } from '../monthlyReports/repository.js';
import { CATALOGUE, fieldLabels, type Catalogue } from '../domain/catalogue.js';
import { contentDisposition, XLSX_TYPE } from '../web/files.js';
import { IMPORT_COLUMNS, IMPORT_KIND_LABELS, IMPORT_KINDS, type ImportKind } from '../domain/importFormats.js';
import { importCsv, type ImportError, type ImportOptions, type ImportResult, type RowChange } from './importCsv.js';
import { claimUpload, findUpload, holdUpload, releaseUpload, UPLOAD_MAX_BYTES, UPLOAD_TTL_MS, type PendingUpload } from './uploads.js';
import { prepareUpload, type PreparedFile } from './xlsx.js';
import { districtTemplate } from './template.js';
import { definitionsFileNote } from '../indicators/importer.js';

/** The file part of the upload form, as the multipart plugin's onFile leaves it. */
interface UploadedFile {
  fileName: string;
  bytes: Buffer;
  /** The file went past UPLOAD_MAX_BYTES: the plugin stopped reading it and nothing is kept. */
  tooLarge: boolean;
}

/** The upload form's fields, each read on its own (a missing or malformed file does not hide the chosen kind). */
function readUploadForm(body: unknown): { kind: string; file: UploadedFile | undefined } {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const kind = typeof fields.kind === 'string' ? fields.kind.slice(0, 50) : '';
  const file = fields.file;
  const isFile = typeof file === 'object' && file !== null && 'bytes' in file && Buffer.isBuffer((file as UploadedFile).bytes);
  return { kind, file: isFile ? (file as UploadedFile) : undefined };
}

const confirmBody = z.object({ create_wards: z.string().max(10).optional() });
const uploadParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/) });

const FIELD_NAMES = { kind: '取り込む内容', file: 'ファイル', create_wards: '区の作成' } as const;
const MAX_LISTED = 500;
const megabytes = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;

/** The kinds a user may import: every kind for the city, monthly reports for a ward. */
export function importKindsFor(user: CurrentUser): ImportKind[] {
  return user.role === 'city' ? [...IMPORT_KINDS] : user.role === 'ward' ? ['monthly'] : [];
}

/** The districts a ward user may import (undefined for the city: any). */
function districtScope(db: Parameters<typeof listDistricts>[0], user: CurrentUser): ReadonlySet<number> | undefined {
  if (user.role === 'city') return undefined;
  return new Set(listDistricts(db, { wardId: user.wardId ?? -1 }).map((d) => d.id));
}

/** One line of before → after, for a changed row of the dry run. */
export interface ChangeView {
  line: number;
  outcome: 'created' | 'updated';
  label: string;
  /** 「助け合い件数 3 → 5」 for each value the row changes (created rows: the values it sets). */
  details: { name: string; before: string; after: string }[];
}

const HIDDEN_KEYS = new Set(['id', 'version', 'updatedAt', 'updated_at', 'updatedBy', 'updated_by', 'createdAt', 'flaggedFields', 'correctedByWard']);

/** Monthly fields in the catalogue's order (the note last), anything else after them as recorded. */
const fieldOrder = (labels: Readonly<Record<string, string>>) => {
  const keys = Object.keys(labels);
  return (key: string) => {
    const i = keys.indexOf(key);
    return i === -1 ? 100 : i;
  };
};

function shown(v: unknown): string {
  if (v === null || v === undefined || v === '') return '（空欄）';
  if (typeof v === 'number') return v.toLocaleString('ja-JP');
  if (typeof v === 'boolean') return v ? 'はい' : 'いいえ';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The dry run's rows to add and change, with what each changes (from the audit record its write would make), named as the catalogue names them. */
export function changeViews(changes: readonly RowChange[], catalogue: Catalogue = CATALOGUE): ChangeView[] {
  const labels = fieldLabels(catalogue);
  const order = fieldOrder(labels);
  return changes.map((c) => {
    const before = c.before ?? {};
    const after = c.after ?? {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !HIDDEN_KEYS.has(k)).sort((a, b) => order(a) - order(b));
    const details = keys
      .filter((k) =>
        c.outcome === 'created' ? after[k] !== null && after[k] !== undefined && after[k] !== '' : JSON.stringify(before[k]) !== JSON.stringify(after[k]),
      )
      .map((k) => ({
        name: labels[k] ?? k,
        before: c.outcome === 'created' ? '' : shown(before[k]),
        after: shown(after[k]),
      }));
    return { line: c.line, outcome: c.outcome, label: c.label, details };
  });
}

/** Line numbers of an .xlsx's CSV turned back into sheet rows. */
function remapLines<T extends { line: number }>(items: readonly T[], rowOfLine: ReadonlyMap<number, number> | undefined): T[] {
  return rowOfLine ? items.map((i) => ({ ...i, line: rowOfLine.get(i.line) ?? i.line })) : [...items];
}

function remapResult(result: ImportResult, prepared: Extract<PreparedFile, { ok: true }>): ImportResult {
  if (!prepared.rowOfLine) return result;
  return result.ok
    ? { ...result, changes: remapLines(result.changes, prepared.rowOfLine) }
    : { ok: false, errors: remapLines<ImportError>(result.errors, prepared.rowOfLine) };
}

/** 取り込み: the upload page, its dry run and import, and the districts' Excel templates. */
export async function importRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.database;
  // Importing writes records: ward staff into their own ward's districts (monthly reports only), city staff anywhere.
  const staff = { preHandler: guard.ward('write', { wholeCity: true }) };

  // Multipart only here (every other form stays url-encoded). The file is read as it streams in and
  // never held past UPLOAD_MAX_BYTES: busboy stops passing data at the limit and drops the rest.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    limits: { fileSize: UPLOAD_MAX_BYTES, files: 1, fields: 5, fieldSize: 1000, parts: 8, headerPairs: 50 },
    async onFile(part) {
      const chunks: Buffer[] = [];
      for await (const chunk of part.file) chunks.push(chunk as Buffer);
      const tooLarge = part.file.truncated;
      const file: UploadedFile = { fileName: part.filename.slice(0, 200), bytes: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge };
      (part as unknown as { value: UploadedFile }).value = file;
    },
  });

  function renderUpload(reply: FastifyReply, user: CurrentUser, form: { kind: string }, errors: Record<string, string> = {}) {
    const kinds = importKindsFor(user).map((k) => ({ value: k, label: IMPORT_KIND_LABELS[k], columns: IMPORT_COLUMNS[k].join(',') }));
    return reply.viewAsync('imports/index', {
      title: 'ファイルの取り込み',
      styles: ['admin.css', 'imports.css'],
      kinds,
      form,
      errors,
      labels: FIELD_NAMES,
      maxSize: megabytes(UPLOAD_MAX_BYTES),
      ttlMinutes: UPLOAD_TTL_MS / 60_000,
      wardOnly: user.role === 'ward',
      // The optional trailing columns of an indicators file and its rollup words (DESIGN §8, §11).
      definitionsNote: kinds.some((k) => k.value === 'indicators') ? definitionsFileNote : null,
    });
  }

  /** The options the page imports with: the user's id, and a ward's districts. */
  function optionsFor(user: CurrentUser, kind: ImportKind, extra: ImportOptions): ImportOptions {
    return {
      userId: user.id,
      districtIds: districtScope(db, user),
      ...extra,
      createWards: kind === 'districts' && user.role === 'city' ? (extra.createWards ?? false) : false,
    };
  }

  function uploadOr404(params: unknown, user: CurrentUser): PendingUpload {
    const parsed = uploadParams.safeParse(params);
    const upload = parsed.success ? findUpload(db, parsed.data.id, user.id) : undefined;
    // Someone else's upload is as unknown as one that never existed.
    if (!upload || !importKindsFor(user).includes(upload.kind)) {
      throw new NotFoundError('その取り込みは見つかりません。期限が過ぎて消えたか、アドレスが違います。もう一度ファイルを選んでください。');
    }
    return upload;
  }

  async function renderGone(reply: FastifyReply, upload: PendingUpload, reason: 'used' | 'expired') {
    reply.code(reason === 'used' ? 409 : 410);
    return reply.viewAsync('imports/gone', {
      title: 'ファイルの取り込み',
      styles: ['admin.css', 'imports.css'],
      upload,
      reason,
      ttlMinutes: UPLOAD_TTL_MS / 60_000,
    });
  }

  /** The dry run of an upload: the file read again and checked against the database as it is now. */
  async function dryRun(upload: PendingUpload, user: CurrentUser): Promise<{ prepared: PreparedFile; result: ImportResult | null }> {
    const prepared = await prepareUpload(upload.kind, upload.fileName, upload.content);
    if (!prepared.ok) return { prepared, result: null };
    // A districts file may create wards only after the city user ticks the box: the dry run shows which.
    const result = importCsv(db, upload.kind, prepared.csv, optionsFor(user, upload.kind, { dryRun: true, withValues: true, createWards: true }));
    return { prepared, result: remapResult(result, prepared) };
  }

  async function renderDryRun(
    reply: FastifyReply,
    upload: PendingUpload,
    user: CurrentUser,
    errors: Record<string, string> = {},
    importErrors?: ImportError[],
  ) {
    const { prepared, result } = await dryRun(upload, user);
    const failed = importErrors ? { ok: false as const, errors: remapLines(importErrors, prepared.ok ? prepared.rowOfLine : undefined) } : null;
    const shownResult = failed ?? result;
    const changes = shownResult?.ok ? changeViews(shownResult.changes.slice(0, MAX_LISTED)) : [];
    return reply.viewAsync('imports/dryRun', {
      title: '取り込みの確認',
      styles: ['admin.css', 'imports.css'],
      upload,
      kindLabel: IMPORT_KIND_LABELS[upload.kind],
      prepared,
      result: shownResult,
      changes,
      moreChanges: shownResult?.ok ? Math.max(0, shownResult.changes.length - MAX_LISTED) : 0,
      errorList: shownResult && !shownResult.ok ? shownResult.errors : [],
      errors,
      labels: FIELD_NAMES,
      expiresAt: formatJapanTime(new Date(upload.expiresAt).toISOString()),
    });
  }

  app.get('/imports', staff, async (request, reply) => {
    const user = request.user!;
    const query = z.object({ kind: z.string().max(50).optional() }).safeParse(request.query);
    const kind = query.success && query.data.kind && importKindsFor(user).includes(query.data.kind as ImportKind) ? query.data.kind : '';
    return renderUpload(reply, user, { kind: user.role === 'ward' ? 'monthly' : kind });
  });

  app.post('/imports', staff, async (request, reply) => {
    const user = request.user!;
    const { kind, file } = readUploadForm(request.body);
    const errors: Record<string, string> = {};
    const allowed = importKindsFor(user);
    if (!allowed.includes(kind as ImportKind)) {
      errors.kind = user.role === 'ward' ? '区社協の利用者が取り込めるのは月次報告だけです。' : '取り込む内容を選んでください。';
    }
    let prepared: PreparedFile | null = null;
    if (!file || (file.fileName === '' && file.bytes.length === 0 && !file.tooLarge)) errors.file = 'ファイルを選んでください。';
    else if (file.tooLarge)
      errors.file = `ファイルが大きすぎます。${megabytes(UPLOAD_MAX_BYTES)}までのファイルにしてください（多いときは、いくつかのファイルに分けて取り込みます）。`;
    else if (!errors.kind) {
      prepared = await prepareUpload(kind as ImportKind, file.fileName, file.bytes);
      if (!prepared.ok) errors.file = prepared.message;
    } else if (file.bytes.length === 0) errors.file = 'ファイルが空です（0 バイト）。中身のあるファイルを選んでください。';
    if (Object.keys(errors).length > 0 || !file || !prepared?.ok) {
      reply.code(422);
      return renderUpload(reply, user, { kind }, errors);
    }
    const id = holdUpload(db, { userId: user.id, kind: kind as ImportKind, fileName: file.fileName || '（名前なし）', content: file.bytes });
    return reply.redirect(`/imports/${id}`, 303);
  });

  app.get('/imports/:id', staff, async (request, reply) => {
    const user = request.user!;
    const upload = uploadOr404(request.params, user);
    if (upload.usedAt !== null) return renderGone(reply, upload, 'used');
    if (upload.expiresAt <= Date.now()) return renderGone(reply, upload, 'expired');
    return renderDryRun(reply, upload, user);
  });

  app.post('/imports/:id', staff, async (request, reply) => {
    const user = request.user!;
    const upload = uploadOr404(request.params, user);
    if (upload.usedAt !== null) return renderGone(reply, upload, 'used');
    if (upload.expiresAt <= Date.now()) return renderGone(reply, upload, 'expired');
    const body = confirmBody.safeParse(request.body ?? {});
    const createWards = body.success && body.data.create_wards === '1';
    const prepared = await prepareUpload(upload.kind, upload.fileName, upload.content);
    if (!prepared.ok) {
      reply.code(422);
      return renderDryRun(reply, upload, user);
    }
    if (upload.kind === 'districts' && !createWards) {
      // New wards are made only when asked for on the page (the CLI's --create-wards).
      const check = importCsv(db, upload.kind, prepared.csv, optionsFor(user, upload.kind, { dryRun: true, createWards: true }));
      if (check.ok && check.wardsCreated.length > 0) {
        reply.code(422);
        return renderDryRun(reply, upload, user, { create_wards: `新しく作る区（${check.wardsCreated.join('、')}）を確かめて、チェックを入れてください。` });
      }
    }
    // Claimed before the import and in the same synchronous run: a second confirm finds it used.
    if (!claimUpload(db, upload.id, user.id)) return renderGone(reply, { ...upload, usedAt: Date.now() }, 'used');
    let result: ImportResult;
    try {
      result = importCsv(db, upload.kind, prepared.csv, optionsFor(user, upload.kind, { createWards }));
    } catch (err) {
      // The import rolled back: the file is not used up.
      releaseUpload(db, upload.id);
      throw err;
    }
    if (!result.ok) {
      // Nothing was written (the data changed since the dry run): the upload can be checked again.
      releaseUpload(db, upload.id);
      reply.code(422);
      return renderDryRun(reply, upload, user, {}, result.errors);
    }
    return reply.viewAsync('imports/result', {
      title: '取り込みました',
      styles: ['admin.css', 'imports.css'],
      upload,
      kindLabel: IMPORT_KIND_LABELS[upload.kind],
      result: remapResult(result, prepared),
    });
  });

  app.get('/districts/:code/years/:fy/template.xlsx', { preHandler: guard.district('read') }, async (request, reply) => {
    const { fy } = parsePath(districtYearPathParams, request.params, 'そのページは見つかりません。年度は 2024 または R6 のように指定してください。');
    const district = loadedDistrict(request);
    const months = monthsOfFiscalYear(fy);
    const reports = new Map(listMonthlyReports(db, district.id, months).map((r) => [r.month, valuesOf(r)]));
    const file = await districtTemplate({ district, fiscalYear: fy, months, reports, sheetName: warekiLong(fy) });
    reply.header('content-disposition', contentDisposition(`月次報告様式_${district.name}_${warekiShort(fy)}.xlsx`, `template_${district.code}_${fy}.xlsx`));
    reply.header('cache-control', 'private, no-store');
    return reply.type(XLSX_TYPE).send(file);
  });
}
