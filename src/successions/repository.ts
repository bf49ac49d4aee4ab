/**
 * Successions (統合・分割, DESIGN §2): one merge or split is one event,
 * predecessor district(s) → successor district(s) from a first month.
 * Recording it sets the districts' active years, moves the predecessors'
 * open salons and current plans to the successors (audited), and recomputes
 * the stored figures of every touched district-year, all in one transaction.
 */
import { and, asc, eq, gt, gte, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { closedFiscalYears, districts, monthlyReports, plans, salons, successionEvents, successionLinks, type SuccessionSide } from '../db/schema.js';
import { recordAudit } from '../audit/repository.js';
import { ValidationError } from '../errors.js';
import { closedYearMessage } from '../fiscalYears/repository.js';
import {
  addMonths,
  currentMonth,
  currentFiscalYear,
  fiscalYearOfMonth,
  isMonth,
  monthLabelLong,
  monthsOfFiscalYear,
  warekiLong,
} from '../domain/fiscalYear.js';
import { readDistrictCode, readMonth, REQUIRED_MESSAGE } from '../domain/cells.js';
import { normaliseText, characterCount } from '../domain/text.js';
import { isMonthInBounds, type ReportingBounds } from '../domain/due.js';
import { isDistrictActive } from '../domain/rollup.js';
import { latestStoredYear, recomputeDistrictYears, storedYears, yearsBetween, type Conn, type FigureChange } from '../figures/recompute.js';

/** What a page or a CSV file asks to record. */
export interface SuccessionInput {
  /** The event's name (the CSV's `event` column), unique. */
  label: string;
  predecessorCodes: string[];
  successorCodes: string[];
  /** `YYYY-MM` (2024/10 and 2024年10月 are read too): the first month the successors report. */
  firstMonth: string;
  /** `salon:<id>` / `plan:<id>` → successor code; an item not named goes to the first successor. */
  moveTo?: Record<string, string>;
}

/** One problem of the input, keyed by the form field (or CSV column) it belongs beside. */
export interface SuccessionProblem {
  field: 'label' | 'predecessor_codes' | 'successor_codes' | 'first_month' | `move:${string}`;
  message: string;
}

/** A refused succession: every problem found, each beside its field (422 through the one error handler). */
export class SuccessionError extends ValidationError {
  constructor(readonly problems: SuccessionProblem[]) {
    const byField: Record<string, string> = {};
    for (const p of problems) byField[p.field] ??= p.message;
    super(byField, problems.length === 1 ? problems[0]!.message : '入力内容を確認してください。');
  }
}

/** A salon or plan moved to a successor, as the audit and the result name it. */
export interface MovedItem {
  key: string;
  kind: 'salon' | 'plan';
  fromCode: string;
  toCode: string;
  /** True when the record was split at the event (the predecessor keeps its history before it). */
  split: boolean;
}

export interface RecordedSuccession {
  eventId: number;
  label: string;
  firstMonth: string;
  predecessorCodes: string[];
  successorCodes: string[];
  moved: MovedItem[];
  changes: FigureChange[];
}

/** A district as a succession names it. */
export interface SuccessionDistrict {
  id: number;
  code: string;
  name: string;
}

/** One event as a list shows it. */
export interface SuccessionSummary {
  id: number;
  label: string;
  firstMonth: string;
  createdAt: string;
  predecessors: SuccessionDistrict[];
  successors: SuccessionDistrict[];
}

/** A neighbour across an event, for "this district's predecessors / successors" on a district page. */
export interface SuccessionNeighbour {
  id: number;
  code: string;
  name: string;
  firstMonth: string;
  label: string;
  eventId: number;
}

/** What recording an event would move: the predecessors' open salons and current plans. */
export interface Movable {
  key: string;
  kind: 'salon' | 'plan';
  id: number;
  districtId: number;
  districtCode: string;
  districtName: string;
  /** Human description: the salon's name, or 第N次 plan with its period. */
  description: string;
}

type Reader = Pick<Db, 'select'>;
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const LABEL_MAX = 100;
/** How far ahead a merge may be recorded (schools consolidate on a known date). */
const MONTHS_AHEAD = 24;

function firstDay(month: string): string {
  return `${month}-01`;
}

/** The first fiscal year a district may start or end in is the event FY; a first month of April ends the predecessor the FY before. */
function predecessorLastFy(firstMonth: string): number {
  const fy = fiscalYearOfMonth(firstMonth);
  return firstMonth.endsWith('-04') ? fy - 1 : fy;
}

function codeList(codes: readonly string[]): { codes: string[]; bad: string | null } {
  const out: string[] = [];
  for (const raw of codes) {
    if (raw.trim() === '') continue;
    const r = readDistrictCode(raw.trim());
    if (!r.ok) return { codes: out, bad: `「${raw.trim()}」: ${r.message}` };
    if (!out.includes(r.value)) out.push(r.value);
  }
  return { codes: out, bad: null };
}

function districtsByCode(db: Reader, codes: readonly string[]) {
  if (codes.length === 0) return [];
  return db
    .select()
    .from(districts)
    .where(inArray(districts.code, [...codes]))
    .all();
}

/**
 * What an event starting in `firstMonth` moves out of the given districts: the salons still open on
 * its first day (not closed before it) and the plans that cover its fiscal year or a later one.
 */
function runningEntries(db: Reader, districtIds: readonly number[], firstMonth: string) {
  if (districtIds.length === 0) return { salons: [], plans: [] };
  const ids = [...districtIds];
  const stillOpen = or(isNull(salons.closedOn), gt(salons.closedOn, firstDay(firstMonth)));
  const stillCurrent = gte(plans.lastFy, fiscalYearOfMonth(firstMonth));
  return {
    salons: db
      .select()
      .from(salons)
      .where(and(inArray(salons.districtId, ids), stillOpen))
      .orderBy(asc(salons.districtId), asc(salons.openedOn), asc(salons.id))
      .all(),
    plans: db
      .select()
      .from(plans)
      .where(and(inArray(plans.districtId, ids), stillCurrent))
      .orderBy(asc(plans.districtId), asc(plans.firstFy), asc(plans.id))
      .all(),
  };
}

const GENERATION = ['', '第一次', '第二次', '第三次', '第四次', '第五次', '第六次', '第七次', '第八次', '第九次'];
const generationLabel = (n: number): string => GENERATION[n] ?? `第${n}次`;

/**
 * The predecessors' open salons and current plans that recording an event
 * would move (for the page's choice of successor per item). `firstMonth`
 * (`YYYY-MM`) sets "open" and "current"; without it, today's month.
 */
export function movablesOf(db: Reader, predecessorCodes: string[], firstMonth?: string): Movable[] {
  const month = firstMonth && isMonth(firstMonth) ? firstMonth : currentMonth();
  const list = districtsByCode(db, codeList(predecessorCodes).codes);
  const byId = new Map(list.map((d) => [d.id, d]));
  const ids = list.map((d) => d.id);
  const running = runningEntries(db, ids, month);
  const movable = (kind: Movable['kind'], entry: { id: number; districtId: number }, description: string): Movable => {
    const d = byId.get(entry.districtId)!;
    return { key: `${kind}:${entry.id}`, kind, id: entry.id, districtId: d.id, districtCode: d.code, districtName: d.name, description };
  };
  return [
    ...running.salons.map((s) => movable('salon', s, `サロン「${s.name}」`)),
    ...running.plans.map((p) =>
      movable('plan', p, `${generationLabel(p.generation)}小地域福祉活動計画（推進期間 ${warekiLong(p.firstFy)}〜${warekiLong(p.lastFy)}）`),
    ),
  ];
}

interface ValidEvent {
  label: string;
  firstMonth: string;
  fy: number;
  predecessors: (typeof districts.$inferSelect)[];
  successors: (typeof districts.$inferSelect)[];
  moveTo: Map<string, number>;
  lastYear: number;
}

/** Checks the input against the records; throws SuccessionError listing every problem. */
function validate(tx: Tx, input: SuccessionInput, now: Date): ValidEvent {
  const problems: SuccessionProblem[] = [];
  const add = (field: SuccessionProblem['field'], message: string) => problems.push({ field, message });

  // Label
  const labelText = normaliseText(input.label ?? '', 'line');
  const label = labelText.ok ? labelText.value.trim() : '';
  if (!labelText.ok) add('label', labelText.message);
  else if (label === '') add('label', '統合・分割の名前を入力してください（例：枝光台校区の統合）。');
  else if (characterCount(label) > LABEL_MAX) add('label', `名前は${LABEL_MAX}文字以内で入力してください。`);
  else if (tx.select({ id: successionEvents.id }).from(successionEvents).where(eq(successionEvents.label, label)).get()) {
    add('label', `「${label}」という名前の統合・分割はすでに記録されています。別の名前にしてください。`);
  }

  // First month
  let firstMonth = '';
  const m = readMonth((input.firstMonth ?? '').trim());
  if (!m.ok)
    add(
      'first_month',
      m.message === REQUIRED_MESSAGE ? '後継の校(地)区が報告を始める月を入力してください。' : '月は 2024-10 または 2024/10 のように入力してください。',
    );
  else if (Number(m.value.slice(0, 4)) < 1900) add('first_month', '月は 2024-10 または 2024/10 のように入力してください。');
  else if (m.value > addMonths(currentMonth(now), MONTHS_AHEAD)) {
    add('first_month', `${monthLabelLong(m.value)}は先すぎます。${MONTHS_AHEAD}か月先までの月を入力してください。`);
  } else firstMonth = m.value;

  // Districts
  const pre = codeList(input.predecessorCodes ?? []);
  const suc = codeList(input.successorCodes ?? []);
  if (pre.bad) add('predecessor_codes', pre.bad);
  if (suc.bad) add('successor_codes', suc.bad);
  if (!pre.bad && pre.codes.length === 0) add('predecessor_codes', '統合・分割される（元の）校(地)区を1つ以上選んでください。');
  if (!suc.bad && suc.codes.length === 0) add('successor_codes', '後継の校(地)区を1つ以上選んでください。');
  const predecessors = districtsByCode(tx, pre.codes);
  const successors = districtsByCode(tx, suc.codes);
  const missing = (codes: string[], found: { code: string }[]) => codes.filter((c) => !found.some((d) => d.code === c));
  const missingPre = missing(pre.codes, predecessors);
  const missingSuc = missing(suc.codes, successors);
  if (missingPre.length > 0) add('predecessor_codes', `校(地)区コード ${missingPre.join('、')} の校(地)区はありません。`);
  if (missingSuc.length > 0) add('successor_codes', `校(地)区コード ${missingSuc.join('、')} の校(地)区はありません。`);
  const both = pre.codes.filter((c) => suc.codes.includes(c));
  if (both.length > 0) add('successor_codes', `${both.join('、')} が元の校(地)区と後継の校(地)区の両方に入っています。どちらか一方にしてください。`);

  const fy = firstMonth ? fiscalYearOfMonth(firstMonth) : 0;
  if (firstMonth && problems.every((p) => p.field !== 'predecessor_codes' && p.field !== 'successor_codes')) {
    const lastFy = predecessorLastFy(firstMonth);
    // One event per predecessor: a district is merged or split once.
    const predIds = predecessors.map((d) => d.id);
    const earlier = tx
      .select({ districtId: successionLinks.districtId, side: successionLinks.side, label: successionEvents.label, firstMonth: successionEvents.firstMonth })
      .from(successionLinks)
      .innerJoin(successionEvents, eq(successionEvents.id, successionLinks.eventId))
      .where(inArray(successionLinks.districtId, [...predIds, ...successors.map((d) => d.id)]))
      .all();
    for (const d of predecessors) {
      const hit = earlier.find((e) => e.districtId === d.id && e.side === 'predecessor');
      if (hit) add('predecessor_codes', `${d.name}（${d.code}）は「${hit.label}」（${monthLabelLong(hit.firstMonth)}から）ですでに統合・分割されています。`);
      const from = earlier.find((e) => e.districtId === d.id && e.side === 'successor' && e.firstMonth >= firstMonth);
      if (from)
        add(
          'first_month',
          `${d.name}（${d.code}）は「${from.label}」で${monthLabelLong(from.firstMonth)}から始まった校(地)区です。最初の月はそれより後にしてください。`,
        );
      if (d.activeTo !== null && d.activeTo < lastFy) {
        add(
          'first_month',
          `${d.name}（${d.code}）は${warekiLong(d.activeTo)}で終わっています。最初の月は${monthLabelLong(`${d.activeTo + 1}-04`)}以前にしてください。`,
        );
      }
      if (d.activeFrom !== null && d.activeFrom > lastFy) {
        add('first_month', `${d.name}（${d.code}）は${warekiLong(d.activeFrom)}からの校(地)区です。最初の月はそれより後にしてください。`);
      }
      const late = tx
        .select({ month: monthlyReports.month })
        .from(monthlyReports)
        .where(and(eq(monthlyReports.districtId, d.id), gte(monthlyReports.month, firstMonth)))
        .orderBy(asc(monthlyReports.month))
        .get();
      if (late)
        add(
          'first_month',
          `${d.name}（${d.code}）には${monthLabelLong(late.month)}の月次報告があります。最初の月はそれより後にするか、その報告を後継の校(地)区に入力し直してください。`,
        );
    }
    for (const d of successors) {
      if (d.activeTo !== null && d.activeTo < fy)
        add('successor_codes', `${d.name}（${d.code}）は${warekiLong(d.activeTo)}で終わっているため、後継にできません。`);
      const early = tx
        .select({ month: monthlyReports.month })
        .from(monthlyReports)
        .where(and(eq(monthlyReports.districtId, d.id), lt(monthlyReports.month, firstMonth)))
        .orderBy(asc(monthlyReports.month))
        .get();
      if (early) add('first_month', `後継の${d.name}（${d.code}）には${monthLabelLong(early.month)}の月次報告があります。最初の月はその月以前にしてください。`);
    }
  }

  // Where each movable goes.
  const moveTo = new Map<string, number>();
  if (firstMonth && predecessors.length > 0 && successors.length > 0) {
    const items = movablesOf(
      tx,
      predecessors.map((d) => d.code),
      firstMonth,
    );
    const known = new Set(items.map((i) => i.key));
    for (const [key, code] of Object.entries(input.moveTo ?? {})) {
      if (!known.has(key)) {
        add(`move:${key}`, '移す対象のサロン・計画が見つかりません。画面を開き直してください。');
        continue;
      }
      const target = successors.find((d) => d.code === code.trim());
      if (!target) add(`move:${key}`, '移す先は後継の校(地)区から選んでください。');
      else moveTo.set(key, target.id);
    }
    for (const i of items) if (!moveTo.has(i.key)) moveTo.set(i.key, successors[0]!.id);
  }

  // Closed fiscal years: every year from the event's FY on may change.
  const lastYear = Math.max(fy, latestStoredYear(tx) ?? fy, currentFiscalYear(now));
  if (firstMonth) {
    const closed = tx
      .select({ fy: closedFiscalYears.fiscalYear })
      .from(closedFiscalYears)
      .where(gte(closedFiscalYears.fiscalYear, fy))
      .orderBy(asc(closedFiscalYears.fiscalYear))
      .all()
      .map((r) => r.fy)
      .filter((y) => y <= lastYear);
    if (closed.length > 0) add('first_month', closedYearMessage(closed[0]!));
  }

  if (problems.length > 0) throw new SuccessionError(problems);
  return { label, firstMonth, fy, predecessors, successors, moveTo, lastYear };
}

/**
 * Records a merge or split (audited) in one transaction: the event and its
 * districts; predecessors end with the event (`active_to`: the event FY, or
 * the FY before when the first month is April) and successors start in the
 * event FY (`active_from`); open salons and current plans move to the chosen
 * successor; stored figures of every touched open district-year are recomputed.
 *
 * A salon opened before the first month, or a plan whose period began
 * before the event FY, is split at the event rather than moved whole, so the
 * predecessor keeps its history (DESIGN §2: history stays attached): the
 * predecessor's salon closes on the first day of the first month and the
 * successor's opens that day; the predecessor's plan ends the FY before and
 * the successor's runs from the event FY.
 */
export function recordSuccession(db: Db, input: SuccessionInput, who: { userId: number | null }, now: Date = new Date()): RecordedSuccession {
  return db.transaction(
    (tx) => {
      const v = validate(tx, input, now);
      const event = tx
        .insert(successionEvents)
        .values({ label: v.label, firstMonth: v.firstMonth, createdAt: now.toISOString(), createdBy: who.userId })
        .returning()
        .get();
      const links = [
        ...v.predecessors.map((d) => ({ eventId: event.id, side: 'predecessor' as const, districtId: d.id })),
        ...v.successors.map((d) => ({ eventId: event.id, side: 'successor' as const, districtId: d.id })),
      ];
      tx.insert(successionLinks).values(links).run();

      // Active years.
      const lastFy = predecessorLastFy(v.firstMonth);
      for (const d of v.predecessors) {
        if (d.activeTo === null || d.activeTo > lastFy) {
          tx.update(districts).set({ activeTo: lastFy }).where(eq(districts.id, d.id)).run();
          recordAudit(tx, {
            userId: who.userId,
            action: 'update',
            entity: 'district',
            entityId: d.id,
            districtId: d.id,
            before: { activeTo: d.activeTo },
            after: { activeTo: lastFy },
            detail: `統合・分割「${v.label}」`,
          });
        }
      }
      for (const d of v.successors) {
        // A successor with no first year (null) is already active in the event FY; one starting later starts then.
        if (d.activeFrom !== null && d.activeFrom > v.fy) {
          tx.update(districts).set({ activeFrom: v.fy }).where(eq(districts.id, d.id)).run();
          recordAudit(tx, {
            userId: who.userId,
            action: 'update',
            entity: 'district',
            entityId: d.id,
            districtId: d.id,
            before: { activeFrom: d.activeFrom },
            after: { activeFrom: v.fy },
            detail: `統合・分割「${v.label}」`,
          });
        }
      }

      // Moves.
      const codeOf = new Map([...v.predecessors, ...v.successors].map((d) => [d.id, d.code]));
      const moved: MovedItem[] = [];
      const start = firstDay(v.firstMonth);
      const predIds = v.predecessors.map((d) => d.id);
      /**
       * Moves a salon or plan to its successor whole, or splits it at the event when it began before:
       * `endBefore` ends it in the predecessor and `continueIn` starts the successor's copy. Audited.
       */
      const move = <Row extends { id: number; districtId: number; version: number }>(
        kind: 'salon' | 'plan',
        table: typeof salons | typeof plans,
        row: Row,
        split: { when: boolean; endBefore(): unknown; continueIn(to: number): unknown },
      ) => {
        const key = `${kind}:${row.id}`;
        const to = v.moveTo.get(key)!;
        const after = split.when
          ? { predecessor: split.endBefore(), successor: split.continueIn(to) }
          : tx
              .update(table)
              .set({ districtId: to, version: row.version + 1 })
              .where(eq(table.id, row.id))
              .returning()
              .get();
        const detail = `統合・分割「${v.label}」で${codeOf.get(to)}へ`;
        recordAudit(tx, { userId: who.userId, action: 'move', entity: kind, entityId: row.id, districtId: row.districtId, before: row, after, detail });
        moved.push({ key, kind, fromCode: codeOf.get(row.districtId)!, toCode: codeOf.get(to)!, split: split.when });
      };
      const running = runningEntries(tx, predIds, v.firstMonth);
      for (const s of running.salons) {
        move('salon', salons, s, {
          when: s.openedOn < start,
          endBefore: () =>
            tx
              .update(salons)
              .set({ closedOn: start, version: s.version + 1 })
              .where(eq(salons.id, s.id))
              .returning()
              .get(),
          continueIn: (to) =>
            tx
              .insert(salons)
              .values({ districtId: to, name: s.name, venue: s.venue, openedOn: start, closedOn: s.closedOn, subsidyApplied: s.subsidyApplied })
              .returning()
              .get(),
        });
      }
      for (const p of running.plans) {
        move('plan', plans, p, {
          when: p.firstFy < v.fy,
          endBefore: () =>
            tx
              .update(plans)
              .set({ lastFy: v.fy - 1, version: p.version + 1 })
              .where(eq(plans.id, p.id))
              .returning()
              .get(),
          continueIn: (to) =>
            tx
              .insert(plans)
              .values({ districtId: to, generation: p.generation, formulatedFy: p.formulatedFy, firstFy: v.fy, lastFy: p.lastFy })
              .returning()
              .get(),
        });
      }

      // Figures: every district of the event, in every stored year and from the FY before (a predecessor ending then) to the current year.
      const years = [...new Set([...storedYears(tx), ...yearsBetween(Math.min(lastFy, v.fy), v.lastYear)])];
      const ids = [...predIds, ...v.successors.map((d) => d.id)];
      const changes = recomputeDistrictYears(
        tx,
        years.flatMap((fiscalYear) => ids.map((districtId) => ({ districtId, fiscalYear }))),
      );

      const summary = {
        label: v.label,
        firstMonth: v.firstMonth,
        predecessors: v.predecessors.map((d) => d.code),
        successors: v.successors.map((d) => d.code),
        moved,
      };
      recordAudit(tx, { userId: who.userId, action: 'create', entity: 'succession', entityId: event.id, before: null, after: summary, detail: v.label });
      return {
        eventId: event.id,
        label: v.label,
        firstMonth: v.firstMonth,
        predecessorCodes: summary.predecessors,
        successorCodes: summary.successors,
        moved,
        changes,
      };
    },
    { behavior: 'immediate' },
  );
}

interface LinkRow {
  eventId: number;
  side: SuccessionSide;
  label: string;
  firstMonth: string;
  id: number;
  code: string;
  name: string;
}

function linksOf(db: Reader, eventIds: number[] | null): LinkRow[] {
  const q = db
    .select({
      eventId: successionLinks.eventId,
      side: successionLinks.side,
      label: successionEvents.label,
      firstMonth: successionEvents.firstMonth,
      id: districts.id,
      code: districts.code,
      name: districts.name,
    })
    .from(successionLinks)
    .innerJoin(successionEvents, eq(successionEvents.id, successionLinks.eventId))
    .innerJoin(districts, eq(districts.id, successionLinks.districtId));
  const rows = eventIds === null ? q.all() : eventIds.length === 0 ? [] : q.where(inArray(successionLinks.eventId, eventIds)).all();
  return rows.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** A district's predecessors (the districts it came from) and successors (those it became), each with the event. */
export function successionsOfDistrict(db: Reader, districtId: number): { predecessors: SuccessionNeighbour[]; successors: SuccessionNeighbour[] } {
  const own = db
    .select({ eventId: successionLinks.eventId, side: successionLinks.side })
    .from(successionLinks)
    .where(eq(successionLinks.districtId, districtId))
    .all();
  const links = linksOf(db, [...new Set(own.map((o) => o.eventId))]);
  const neighbour = (l: LinkRow): SuccessionNeighbour => ({
    id: l.id,
    code: l.code,
    name: l.name,
    firstMonth: l.firstMonth,
    label: l.label,
    eventId: l.eventId,
  });
  const predecessors: SuccessionNeighbour[] = [];
  const successors: SuccessionNeighbour[] = [];
  for (const o of own) {
    const other = o.side === 'successor' ? 'predecessor' : 'successor';
    for (const l of links) if (l.eventId === o.eventId && l.side === other) (o.side === 'successor' ? predecessors : successors).push(neighbour(l));
  }
  return { predecessors, successors };
}

/** Every recorded event, newest first month first. */
export function listSuccessions(db: Reader): SuccessionSummary[] {
  const events = db.select().from(successionEvents).orderBy(asc(successionEvents.firstMonth), asc(successionEvents.id)).all().reverse();
  const links = linksOf(db, null);
  return events.map((e) => ({
    id: e.id,
    label: e.label,
    firstMonth: e.firstMonth,
    createdAt: e.createdAt,
    predecessors: links.filter((l) => l.eventId === e.id && l.side === 'predecessor').map(({ id, code, name }) => ({ id, code, name })),
    successors: links.filter((l) => l.eventId === e.id && l.side === 'successor').map(({ id, code, name }) => ({ id, code, name })),
  }));
}

/** The reporting bounds of every district that is part of an event (or of `districtIds`): DESIGN §2, completeness and entry follow the first month. */
export function successionBounds(db: Reader | Conn, districtIds?: readonly number[]): Map<number, ReportingBounds> {
  if (districtIds && districtIds.length === 0) return new Map();
  const rows = db
    .select({ districtId: successionLinks.districtId, side: successionLinks.side, firstMonth: successionEvents.firstMonth })
    .from(successionLinks)
    .innerJoin(successionEvents, eq(successionEvents.id, successionLinks.eventId))
    .where(districtIds ? inArray(successionLinks.districtId, [...districtIds]) : undefined)
    .all();
  const out = new Map<number, ReportingBounds>();
  for (const r of rows) {
    const b = out.get(r.districtId) ?? { from: null, until: null };
    if (r.side === 'successor' && (b.from === null || r.firstMonth < b.from)) b.from = r.firstMonth;
    if (r.side === 'predecessor' && (b.until === null || r.firstMonth < b.until)) b.until = r.firstMonth;
    out.set(r.districtId, b);
  }
  return out;
}

/** Why a district cannot report `month` under its successions, or null when it can. */
export function successionMonthProblem(db: Reader, district: { id: number; name: string }, month: string): string | null {
  const b = successionBounds(db, [district.id]).get(district.id);
  if (!b) return null;
  if (b.until !== null && month >= b.until) {
    return `${district.name}は${monthLabelLong(b.until)}から後継の校(地)区に引き継がれたため、${monthLabelLong(month)}の報告は後継の校(地)区で入力してください。`;
  }
  if (b.from !== null && month < b.from) {
    return `${district.name}は${monthLabelLong(b.from)}から報告を始めた校(地)区です。${monthLabelLong(month)}の報告は元の校(地)区で入力してください。`;
  }
  return null;
}

/**
 * For the city's ward summary: active districts of each ward that are not due
 * in a month of fiscal year `fy` because of a succession, per `${wardId}:${month}`.
 */
export function notDueByWardMonth(db: Reader, fy: number): Map<string, number> {
  const bounds = successionBounds(db);
  const out = new Map<string, number>();
  if (bounds.size === 0) return out;
  const list = db
    .select({ id: districts.id, wardId: districts.wardId, activeFrom: districts.activeFrom, activeTo: districts.activeTo })
    .from(districts)
    .where(inArray(districts.id, [...bounds.keys()]))
    .all();
  for (const d of list) {
    if (!isDistrictActive(d, fy)) continue;
    for (const month of monthsOfFiscalYear(fy)) {
      if (isMonthInBounds(month, bounds.get(d.id))) continue;
      const key = `${d.wardId}:${month}`;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}
