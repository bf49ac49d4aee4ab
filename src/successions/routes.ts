/**
 * 統合・分割 pages (city users only, DESIGN §2): the list of recorded events,
 * and recording one in two steps — choose the districts and the first month,
 * then see what will happen (active years, salons and plans that move, and
 * where to) and record it. The recording itself is recordSuccession.
 */
import { Rollback, rolledBackQuietly } from '../db/rollback.js';
import { warekiMonthToIso } from '../domain/dates.js';
import { guard } from '../guards/guard.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Db } from '../db/index.js';
import { fiscalYearOfMonth, monthLabelLong, previousMonth, warekiLong } from '../domain/fiscalYear.js';
import { toHalfWidth } from '../domain/numbers.js';
import { isConfirmed } from '../confirmation.js';
import { formValues, type FormValues } from '../web/forms.js';
import { listDistricts, listWards, type DistrictWithWard } from '../districts/repository.js';
import { listSuccessions, movablesOf, recordSuccession, SuccessionError, type Movable, type RecordedSuccession, type SuccessionInput } from './repository.js';
import { districtUrl } from '../web/urls.js';

const STYLES = ['registers.css', 'districts.css'];

export const SUCCESSION_LABELS: Record<string, string> = {
  label: '統合・分割の名前',
  predecessor_codes: '元の校(地)区',
  successor_codes: '後継の校(地)区',
  first_month: '後継の校(地)区が報告を始める月',
};

const TEXT_FIELDS = ['label', 'first_month', 'predecessor_codes', 'successor_codes', 'ward'] as const;

/** District codes typed in a text field, separated by spaces, commas or 、 (full-width folded). */
export function splitCodes(raw: string): string[] {
  return toHalfWidth(raw)
    .split(/[\s,、，;；]+/)
    .map((c) => c.trim())
    .filter((c) => c !== '');
}

/** The codes of one side: ticked boxes and typed codes together, each once, in that order. */
function codesOf(body: Record<string, unknown>, side: 'predecessor' | 'successor'): string[] {
  const ticked = body[side];
  const boxes = Array.isArray(ticked) ? ticked.filter((x): x is string => typeof x === 'string') : typeof ticked === 'string' ? [ticked] : [];
  const typed = typeof body[`${side}_codes`] === 'string' ? splitCodes(body[`${side}_codes`] as string) : [];
  return [...new Set([...boxes.map((c) => toHalfWidth(c).trim()), ...typed])];
}

/** The moveTo choices posted by the confirmation step (`move:salon:3` → successor code). */
function moveChoices(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    const m = /^move:((?:salon|plan):\d{1,9})$/.exec(k);
    if (m && typeof v === 'string') out[m[1]!] = v;
  }
  return out;
}

interface Posted {
  input: SuccessionInput;
  values: FormValues;
}

/** Reads the posted form into the service's input, keeping what was typed. */
export function readSuccessionForm(body: unknown): Posted {
  const source = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const values = formValues(source, TEXT_FIELDS);
  const predecessorCodes = codesOf(source, 'predecessor');
  const successorCodes = codesOf(source, 'successor');
  // The chosen districts stay chosen on a failed form: boxes and typed codes go back as one list.
  values.predecessor_codes = predecessorCodes.join(' ');
  values.successor_codes = successorCodes.join(' ');
  return {
    input: { label: values.label, predecessorCodes, successorCodes, firstMonth: warekiMonthToIso(values.first_month), moveTo: moveChoices(source) },
    values,
  };
}

/** What recording would do, without recording it (the transaction is rolled back); throws SuccessionError like the real one. */
export function previewSuccession(db: Db, input: SuccessionInput, userId: number): RecordedSuccession {
  let result: RecordedSuccession | undefined;
  rolledBackQuietly(() =>
    db.transaction((tx) => {
      result = recordSuccession(tx, input, { userId });
      throw new Rollback();
    }),
  );
  return result!;
}

/** A district as the pages name it: 田野浦校区（K01）. */
const nameOf = (d: { code: string; name: string }) => `${d.name}（${d.code}）`;

/** 統合・分割: list and record (city users only). */
export function successionRoutes(app: FastifyInstance): void {
  const { db } = app.database;

  /** Step 1: the districts, the first month and the name. */
  function renderChoose(reply: FastifyReply, page: { values: FormValues; errors?: Record<string, string>; wardId?: number }, status = 200) {
    const wards = listWards(db);
    const wardId = page.wardId ?? (/^\d{1,9}$/.test(page.values.ward ?? '') ? Number(page.values.ward) : undefined);
    const ward = wards.find((w) => w.id === wardId);
    const chosen = (side: 'predecessor_codes' | 'successor_codes') => new Set(splitCodes(page.values[side] ?? ''));
    const preChosen = chosen('predecessor_codes');
    const sucChosen = chosen('successor_codes');
    const districtsOfWard: DistrictWithWard[] = ward ? listDistricts(db, { wardId: ward.id }) : [];
    // Codes already ticked in the list go back as boxes; the rest stay in the text fields.
    const inList = new Set(districtsOfWard.map((d) => d.code));
    const others = (set: Set<string>) => [...set].filter((c) => !inList.has(c)).join(' ');
    reply.code(status);
    return reply.viewAsync('successions/new', {
      title: '統合・分割の記録',
      styles: STYLES,
      wards,
      ward: ward ?? null,
      districts: districtsOfWard.map((d) => ({
        code: d.code,
        name: d.name,
        kana: d.kana,
        years: activeYears(d),
        predecessor: preChosen.has(d.code),
        successor: sucChosen.has(d.code),
      })),
      values: { ...page.values, predecessor_codes: others(preChosen), successor_codes: others(sucChosen) },
      errors: page.errors ?? {},
      labels: SUCCESSION_LABELS,
    });
  }

  /** Step 2: what will happen, with a choice of successor per salon and plan. */
  function renderConfirm(reply: FastifyReply, posted: Posted, preview: RecordedSuccession, errors: Record<string, string> = {}, status = 200) {
    const all = listDistricts(db);
    const byCode = new Map(all.map((d) => [d.code, d]));
    const pre = preview.predecessorCodes.map((c) => byCode.get(c)!).filter(Boolean);
    const suc = preview.successorCodes.map((c) => byCode.get(c)!).filter(Boolean);
    const items: Movable[] = movablesOf(db, preview.predecessorCodes, preview.firstMonth);
    const movedTo = new Map(preview.moved.map((m) => [m.key, m]));
    const fy = fiscalYearOfMonth(preview.firstMonth);
    const lastFy = preview.firstMonth.endsWith('-04') ? fy - 1 : fy;
    reply.code(status);
    return reply.viewAsync('successions/confirm', {
      title: `「${preview.label}」を記録しますか`,
      styles: STYLES,
      label: preview.label,
      firstMonth: preview.firstMonth,
      firstMonthLabel: monthLabelLong(preview.firstMonth),
      predecessors: pre.map((d) => ({ code: d.code, name: d.name, wardName: d.wardName })),
      successors: suc.map((d) => ({ code: d.code, name: d.name, wardName: d.wardName })),
      predecessorLast: warekiLong(lastFy),
      successorFirst: warekiLong(fy),
      lastReportMonth: monthLabelLong(previousMonth(preview.firstMonth)),
      items: items.map((i) => {
        const moved = movedTo.get(i.key);
        return {
          key: i.key,
          description: i.description,
          from: nameOf({ code: i.districtCode, name: i.districtName }),
          to: moved?.toCode ?? suc[0]?.code ?? '',
          split: moved?.split ?? false,
        };
      }),
      hidden: {
        label: posted.values.label,
        first_month: preview.firstMonth,
        predecessor_codes: preview.predecessorCodes.join(' '),
        successor_codes: preview.successorCodes.join(' '),
        ward: posted.values.ward ?? '',
      },
      errors,
    });
  }

  app.get('/successions', { preHandler: guard.city('admin') }, async (_request, reply) => {
    const events = listSuccessions(db).map((e) => ({
      ...e,
      firstMonthLabel: monthLabelLong(e.firstMonth),
      predecessors: e.predecessors.map((d) => ({ ...d, url: districtUrl(d) })),
      successors: e.successors.map((d) => ({ ...d, url: districtUrl(d) })),
    }));
    return reply.viewAsync('successions/index', { title: '統合・分割の記録', styles: STYLES, events });
  });

  app.get('/successions/new', { preHandler: guard.city('admin') }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const ward = typeof query.ward === 'string' && /^\d{1,9}$/.test(query.ward) ? Number(query.ward) : undefined;
    return renderChoose(reply, { values: { ward: ward === undefined ? '' : String(ward) }, wardId: ward });
  });

  app.post('/successions/new', { preHandler: guard.city('admin') }, async (request, reply) => {
    const posted = readSuccessionForm(request.body);
    const body = (request.body ?? {}) as Record<string, unknown>;
    // 「戻って直す」 on the confirmation step: back to step 1 with everything as it was.
    if (body.back === '1') return renderChoose(reply, { values: posted.values });
    let preview: RecordedSuccession;
    try {
      preview = previewSuccession(db, posted.input, request.user!.id);
    } catch (err) {
      if (!(err instanceof SuccessionError)) throw err;
      const moveErrors = Object.fromEntries(Object.entries(err.fieldErrors).filter(([k]) => k.startsWith('move:')));
      const stepErrors = Object.fromEntries(Object.entries(err.fieldErrors).filter(([k]) => !k.startsWith('move:')));
      if (Object.keys(stepErrors).length > 0 || !isConfirmed(body)) return renderChoose(reply, { values: posted.values, errors: err.fieldErrors }, 422);
      // Only a move choice is wrong: the confirmation step again, with the message beside the choice.
      const withoutMoves = previewSuccession(db, { ...posted.input, moveTo: {} }, request.user!.id);
      return renderConfirm(reply, posted, withoutMoves, moveErrors, 422);
    }
    if (!isConfirmed(body)) return renderConfirm(reply, posted, preview);
    const recorded = recordSuccession(db, posted.input, { userId: request.user!.id });
    const movedCount = recorded.moved.length;
    request.session.flash = `「${recorded.label}」を記録しました。${movedCount > 0 ? `サロン・計画${movedCount}件を後継の校(地)区に移しました。` : ''}`;
    return reply.redirect('/successions', 303);
  });
}

function activeYears(d: { activeFrom: number | null; activeTo: number | null }): string {
  if (d.activeFrom === null && d.activeTo === null) return '';
  return `${d.activeFrom === null ? '' : warekiLong(d.activeFrom)}〜${d.activeTo === null ? '' : warekiLong(d.activeTo)}`;
}
