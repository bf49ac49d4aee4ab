/**
 * 指標 (DESIGN §11): city staff define the council's own indicators (list by
 * fiscal year, new, edit: rename or end a category, end an indicator); ward
 * staff enter their ward's yearly values; the values file for download.
 * District-monthly indicators are entered on the monthly form (src/indicators/form.ts).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { guard, signedInUser, type WardRow } from '../guards/guard.js';
import type { CurrentUser } from '../auth/access.js';
import { INDICATOR_ENTERED_BY, INDICATOR_ROLLUPS } from '../db/schema.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { currentFiscalYear, parseFiscalYear, warekiLong, warekiShort } from '../domain/fiscalYear.js';
import { closedYearMessage, ClosedFiscalYearError, isFiscalYearClosed } from '../fiscalYears/repository.js';
import { listWards } from '../districts/repository.js';
import { contentDisposition, CSV_TYPE, toCsv, toXlsx, XLSX_TYPE } from '../web/files.js';
import {
  BREAKDOWN_FIELDS,
  breakdownFieldLabel,
  categoryField,
  checkDefinition,
  countsIn,
  ENTERED_BY_LABELS,
  MUTUAL_AID_KINDS,
  rangeWords,
  ROLLUP_LABELS,
  type CategoryText,
  type DefinitionText,
  type RatioPart,
} from './definitions.js';
import { DECIMAL_PLACES } from '../domain/numbers.js';
import { createIndicator, DefinitionError, getIndicatorByKey, keyOfId, listIndicators, updateIndicator, valuesAt, type Indicator } from './repository.js';
import { entryGroups, saveIndicatorCells, wardIndicators } from './form.js';
import { checkEntry, entryLabels, typedFromStored } from './values.js';
import { postedValuesVersion, sameAsStored, valuesVersion, wardConflictView } from './conflict.js';
import { lastWardValuesSave } from './lastSaved.js';
import { formatJapanDateTime } from '../web/japanTime.js';
import { indicatorDefinitionsGrid, indicatorValuesGrid } from './importer.js';

const STYLES = ['admin.css', 'indicators.css'];
/** Blank category rows offered below the stored ones (more on request, without JavaScript). */
const BLANK_ROWS = 3;
const MAX_ROWS = 100;

export const DEFINITION_LABELS: Record<string, string> = {
  key: '記号',
  name: '名前',
  unit: '単位',
  entered_by: 'だれが入力するか',
  rollup: '年度の集計のしかた',
  threshold: '基準の値',
  breaks_down_field: '月次報告の欄の内訳',
  first_fy: '最初の年度',
  last_fy: '最後の年度',
  decimals: '小数点以下の桁数',
  numerator: '分子の指標',
  denominator: '分母の指標',
};

interface DefinitionForm {
  text: DefinitionText;
  categories: CategoryText[];
  version: number | null;
  action: string;
}

function field(body: Record<string, unknown>, name: string, max = 200): string {
  const v = body[name];
  return typeof v === 'string' ? v.slice(0, max) : '';
}

/** Reads the posted definition form (every value a string, as typed). */
function readDefinitionForm(raw: unknown): DefinitionForm {
  const body = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const rows = Math.min(MAX_ROWS, Math.max(0, Number(/^\d{1,3}$/.exec(field(body, 'cat_rows'))?.[0] ?? 0)));
  const categories: CategoryText[] = [];
  for (let i = 0; i < rows; i++) {
    const id = /^[1-9]\d{0,9}$/.exec(field(body, `cat-${i}-id`))?.[0];
    categories.push({
      id: id ? Number(id) : null,
      name: field(body, categoryField(i, 'name')),
      first_fy: field(body, categoryField(i, 'first_fy')),
      last_fy: field(body, categoryField(i, 'last_fy')),
    });
  }
  const version = /^\d{1,9}$/.exec(field(body, 'version'))?.[0];
  return {
    text: {
      key: field(body, 'key'),
      name: field(body, 'name'),
      unit: field(body, 'unit'),
      entered_by: field(body, 'entered_by'),
      rollup: field(body, 'rollup'),
      threshold: field(body, 'threshold'),
      breaks_down_field: field(body, 'breaks_down_field'),
      first_fy: field(body, 'first_fy'),
      last_fy: field(body, 'last_fy'),
      decimals: field(body, 'decimals'),
      numerator: field(body, 'numerator'),
      denominator: field(body, 'denominator'),
    },
    categories,
    version: version === undefined ? null : Number(version),
    action: field(body, 'action', 20),
  };
}

function formOf(i: Indicator, all: readonly Indicator[]): DefinitionForm {
  return {
    text: {
      key: i.key,
      name: i.name,
      unit: i.unit,
      entered_by: i.enteredBy,
      rollup: i.rollup,
      threshold: i.threshold === null ? '' : String(i.threshold),
      breaks_down_field: i.breaksDownField ?? '',
      first_fy: String(i.firstFy),
      last_fy: i.lastFy === null ? '' : String(i.lastFy),
      decimals: String(i.decimals),
      numerator: keyOfId(all, i.numeratorId),
      denominator: keyOfId(all, i.denominatorId),
    },
    categories: i.categories.map((c) => ({ id: c.id, name: c.name, first_fy: String(c.firstFy), last_fy: c.lastFy === null ? '' : String(c.lastFy) })),
    version: i.version,
    action: '',
  };
}

/** A new definition's form: blank, or the kinds of help of seed 004 as the breakdown of ② (preset). */
function newForm(preset: string | undefined): DefinitionForm {
  const fy = String(currentFiscalYear());
  const blank = {
    key: '',
    name: '',
    unit: '',
    entered_by: 'district_monthly',
    rollup: 'sum',
    threshold: '',
    breaks_down_field: '',
    first_fy: fy,
    last_fy: '',
    decimals: '0',
    numerator: '',
    denominator: '',
  };
  if (preset === 'mutual_aid_kinds') {
    return {
      text: { ...blank, key: 'mutual_aid_kinds', name: '助け合いの種類別の件数', unit: '件', breaks_down_field: 'mutual_aid_cases' },
      categories: MUTUAL_AID_KINDS.map((name) => ({ id: null, name, first_fy: '', last_fy: '' })),
      version: null,
      action: '',
    };
  }
  return { text: blank, categories: [], version: null, action: '' };
}

/** View data of the definition page (pure). */
export function definitionView(
  form: DefinitionForm,
  stored: Indicator | null,
  errors: Record<string, string>,
  extraRows = 0,
  others: readonly RatioPart[] = [],
) {
  const rows = [...form.categories];
  const blanks = Math.max(BLANK_ROWS - rows.filter((c) => c.id === null && c.name === '').length, 0) + extraRows;
  for (let i = 0; i < blanks && rows.length < MAX_ROWS; i++) rows.push({ id: null, name: '', first_fy: '', last_fy: '' });
  const labels: Record<string, string> = { ...DEFINITION_LABELS };
  const categories = rows.map((c, i) => {
    const storedCategory = c.id === null ? undefined : stored?.categories.find((s) => s.id === c.id);
    labels[categoryField(i, 'name')] = `内訳${i + 1}の名前`;
    labels[categoryField(i, 'first_fy')] = `内訳${i + 1}の最初の年度`;
    labels[categoryField(i, 'last_fy')] = `内訳${i + 1}の最後の年度`;
    return {
      index: i,
      id: c.id,
      key: storedCategory?.key ?? null,
      storedName: storedCategory && storedCategory.name !== c.name ? storedCategory.name : null,
      name: c.name,
      first_fy: c.first_fy,
      last_fy: c.last_fy,
      errors: { name: errors[categoryField(i, 'name')], first_fy: errors[categoryField(i, 'first_fy')], last_fy: errors[categoryField(i, 'last_fy')] },
    };
  });
  return {
    form: form.text,
    version: form.version,
    categories,
    catRows: categories.length,
    errors,
    labels,
    enteredByChoices: INDICATOR_ENTERED_BY.map((v) => ({ value: v, label: ENTERED_BY_LABELS[v] })),
    rollupChoices: INDICATOR_ROLLUPS.map((v) => ({ value: v, label: ROLLUP_LABELS[v] })),
    decimalsChoices: DECIMAL_PLACES.map((d) => ({ value: String(d), label: d === 0 ? '0（整数だけ）' : `${d}（例：${(97).toFixed(d)}）` })),
    // A ratio divides two indicators that are entered (not other ratios), listed with who enters them.
    ratioChoices: [
      { value: '', label: '（割合のときだけ選びます）' },
      ...others
        .filter((o) => o.rollup !== 'ratio' && o.key !== stored?.key)
        .map((o) => ({ value: o.key, label: `${o.name}（${o.key}・${ENTERED_BY_LABELS[o.enteredBy]}）` })),
    ],
    breakdownChoices: [
      { value: '', label: '（月次報告の欄の内訳にしない）' },
      ...BREAKDOWN_FIELDS.map((f) => ({ value: f, label: `${breakdownFieldLabel(f)}の内訳` })),
    ],
  };
}

/** The list page's rows and its table of fiscal years (which indicators count in which year). */
export function indicatorListView(indicators: readonly Indicator[], thisFy: number) {
  const firstYears = indicators.map((i) => i.firstFy);
  const from = Math.max(Math.min(thisFy - 2, ...firstYears), thisFy - 6);
  const years = Array.from({ length: thisFy + 1 - from + 1 }, (_, k) => from + k);
  return {
    years: years.map((fy) => ({ fy, label: warekiShort(fy), current: fy === thisFy })),
    rows: indicators.map((i) => ({
      key: i.key,
      name: i.name,
      unit: i.unit,
      enteredBy: ENTERED_BY_LABELS[i.enteredBy],
      rollup: rollupWords(i, indicators),
      breaksDown: i.breaksDownField ? `${breakdownFieldLabel(i.breaksDownField)}の内訳` : null,
      period: rangeWords(i, warekiLong),
      categories: i.categories.map((c) => ({ name: c.name, period: countsIn(c, thisFy) ? null : rangeWords(c, warekiLong) })),
      counts: years.map((fy) => countsIn(i, fy)),
      editUrl: `/indicators/${i.key}/edit`,
    })),
  };
}

const wardFormUrl = (wardId: number, fy: number) => `/wards/${wardId}/indicators/${fy}`;

function fiscalYearOr404(raw: unknown): number {
  const fy = typeof raw === 'string' ? parseFiscalYear(raw) : null;
  if (fy === null || fy < 1989 || fy > 2999) throw new NotFoundError('年度の指定が正しくありません。');
  return fy;
}

/** 指標: definition pages (city), the ward yearly form, and the values file. */
export function indicatorRoutes(app: FastifyInstance): void {
  const { db } = app.database;

  app.get('/indicators', { preHandler: guard.city('admin') }, async (_request, reply) => {
    const indicators = listIndicators(db);
    const fy = currentFiscalYear();
    return reply.viewAsync('indicators/index', {
      title: '指標の定義',
      styles: STYLES,
      mainClass: 'wide',
      ...indicatorListView(indicators, fy),
      hasMutualAidKinds: indicators.some((i) => i.breaksDownField === 'mutual_aid_cases'),
      wardLinks: indicators.some((i) => i.enteredBy === 'ward_yearly') ? listWards(db).map((w) => ({ name: w.name, url: wardFormUrl(w.id, fy) })) : [],
      fyLabel: warekiLong(fy),
    });
  });

  async function renderDefinition(
    reply: FastifyReply,
    form: DefinitionForm,
    stored: Indicator | null,
    errors: Record<string, string> = {},
    extras: Record<string, unknown> = {},
    extraRows = 0,
  ) {
    const isNew = stored === null;
    return reply.viewAsync('indicators/edit', {
      title: isNew ? '指標を作る' : `指標の変更（${stored.name}）`,
      styles: STYLES,
      isNew,
      stored,
      action: isNew ? '/indicators/new' : `/indicators/${stored.key}/edit`,
      conflict: null,
      ...definitionView(form, stored, errors, extraRows, listIndicators(db)),
      ...extras,
    });
  }

  /** Checks and saves a posted definition; re-renders with the typed values on any problem. */
  async function saveDefinition(reply: FastifyReply, user: CurrentUser, form: DefinitionForm, stored: Indicator | null, flash: (msg: string) => void) {
    if (form.action === 'more_rows') return renderDefinition(reply, form, stored, {}, {}, 5);
    const checked = checkDefinition(form.text, form.categories, stored?.key ?? null, listIndicators(db));
    if (!checked.ok) {
      reply.code(422);
      return renderDefinition(reply, form, stored, checked.errors);
    }
    // Which row each category came from, so that an error found against the stored data is shown beside it.
    const rowOf = (c: { id: number | null; name: string }) =>
      categoryField(
        Math.max(
          0,
          form.categories.findIndex((t) => (c.id !== null ? t.id === c.id : t.name.trim() === c.name)),
        ),
        'last_fy',
      );
    try {
      if (!stored) {
        const created = createIndicator(db, checked.value, user.id, rowOf);
        flash(`指標「${created.name}」を作りました。`);
        return reply.redirect('/indicators', 303);
      }
      const result = updateIndicator(db, { key: stored.key, expectedVersion: form.version, value: checked.value, userId: user.id, categoryFieldOf: rowOf });
      if (result.status === 'conflict') {
        reply.code(409);
        // What was typed stays; the version becomes the stored one, so that saving again overwrites knowingly.
        return renderDefinition(reply, { ...form, version: result.stored.version }, result.stored, {}, { conflict: definitionSummary(result.stored) });
      }
      flash(result.status === 'unchanged' ? `指標「${stored.name}」は変更されていません。` : `指標「${result.indicator.name}」を保存しました。`);
      return reply.redirect('/indicators', 303);
    } catch (err) {
      if (!(err instanceof DefinitionError)) throw err;
      reply.code(422);
      return renderDefinition(reply, form, stored, err.fieldErrors);
    }
  }

  app.get('/indicators/new', { preHandler: guard.city('admin') }, async (request, reply) => {
    const preset = (request.query as Record<string, unknown> | undefined)?.preset;
    return renderDefinition(reply, newForm(typeof preset === 'string' ? preset : undefined), null);
  });

  app.post('/indicators/new', { preHandler: guard.city('admin') }, async (request, reply) => {
    const user = signedInUser(request);
    return saveDefinition(reply, user, readDefinitionForm(request.body), null, (m) => (request.session.flash = m));
  });

  function indicatorOr404(params: unknown): Indicator {
    const key = (params as Record<string, unknown>).key;
    const indicator = typeof key === 'string' && key.length <= 40 ? getIndicatorByKey(db, key) : undefined;
    if (!indicator) throw new NotFoundError('その指標は見つかりません。');
    return indicator;
  }

  app.get('/indicators/:key/edit', { preHandler: guard.city('admin') }, async (request, reply) => {
    const indicator = indicatorOr404(request.params);
    return renderDefinition(reply, formOf(indicator, listIndicators(db)), indicator);
  });

  app.post('/indicators/:key/edit', { preHandler: guard.city('admin') }, async (request, reply) => {
    const user = signedInUser(request);
    const indicator = indicatorOr404(request.params);
    return saveDefinition(reply, user, readDefinitionForm(request.body), indicator, (m) => (request.session.flash = m));
  });

  app.get('/indicators/values.csv', { preHandler: guard.city('admin') }, async (_request, reply) => {
    reply.header('content-disposition', contentDisposition('指標の値.csv', 'indicator_values.csv'));
    reply.header('cache-control', 'private, no-store');
    return reply.type(CSV_TYPE).send(toCsv([indicatorValuesGrid(db)]));
  });

  app.get('/indicators/values.xlsx', { preHandler: guard.city('admin') }, async (_request, reply) => {
    reply.header('content-disposition', contentDisposition('指標の値.xlsx', 'indicator_values.xlsx'));
    reply.header('cache-control', 'private, no-store');
    return reply.type(XLSX_TYPE).send(await toXlsx([indicatorValuesGrid(db)]));
  });

  app.get('/indicators/definitions.csv', { preHandler: guard.city('admin') }, async (_request, reply) => {
    reply.header('content-disposition', contentDisposition('指標の定義.csv', 'indicators.csv'));
    reply.header('cache-control', 'private, no-store');
    return reply.type(CSV_TYPE).send(toCsv([indicatorDefinitionsGrid(db)]));
  });

  app.get('/wards/:wardId/indicators', { preHandler: guard.ward('read') }, async (request, reply) => {
    const ward = request.ward as WardRow;
    return reply.redirect(wardFormUrl(ward.id, currentFiscalYear()), 303);
  });

  /** The ward yearly form's values as stored, and their version. */
  function storedWardForm(active: ReturnType<typeof wardIndicators>, wardId: number, fy: number) {
    const stored = valuesAt(db, { kind: 'ward', wardId, fiscalYear: fy });
    return { typed: typedFromStored(active, stored), version: valuesVersion(stored) };
  }

  /**
   * The ward yearly form: the stored values and their version, or (after a failed save) what was
   * typed and the version the form was based on, so that a later save still notices a change.
   */
  async function renderWardForm(
    reply: FastifyReply,
    ward: WardRow,
    fy: number,
    posted: { typed: Record<string, string>; version: string } | null,
    errors: Record<string, string> = {},
  ) {
    const active = wardIndicators(db, fy);
    const shown = posted ?? storedWardForm(active, ward.id, fy);
    const closed = isFiscalYearClosed(db, fy);
    return reply.viewAsync('indicators/ward', {
      title: `${ward.name}の指標（${warekiLong(fy)}）`,
      styles: ['monthly.css', 'indicators.css'],
      ward,
      fiscalYear: fy,
      version: shown.version,
      groups: entryGroups(active, { typed: shown.typed, errors }),
      errors,
      labels: entryLabels(active),
      refusal: closed ? closedYearMessage(fy) : null,
      action: wardFormUrl(ward.id, fy),
      previousUrl: wardFormUrl(ward.id, fy - 1),
      nextUrl: fy < currentFiscalYear() ? wardFormUrl(ward.id, fy + 1) : null,
    });
  }

  app.get('/wards/:wardId/indicators/:fy', { preHandler: guard.ward('read') }, async (request, reply) => {
    const ward = request.ward as WardRow;
    const fy = fiscalYearOr404((request.params as Record<string, unknown>).fy);
    return renderWardForm(reply, ward, fy, null);
  });

  app.post('/wards/:wardId/indicators/:fy', { preHandler: guard.ward('write') }, async (request, reply) => {
    const user = signedInUser(request);
    const ward = request.ward as WardRow;
    const fy = fiscalYearOr404((request.params as Record<string, unknown>).fy);
    if (isFiscalYearClosed(db, fy)) throw new ClosedFiscalYearError(fy, 'fiscal_year');
    if (fy > currentFiscalYear())
      throw new ValidationError(
        { fiscal_year: `${warekiLong(fy)}はまだ始まっていないため、入力できません。` },
        `${warekiLong(fy)}はまだ始まっていないため、入力できません。`,
      );
    const active = wardIndicators(db, fy);
    const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
    const check = checkEntry(active, (f) => {
      const typed = body[f];
      return typeof typed === 'string' ? typed.slice(0, 1000) : '';
    });
    const basedOn = postedValuesVersion(request.body);
    if (Object.keys(check.errors).length > 0) {
      reply.code(422);
      return renderWardForm(reply, ward, fy, { typed: check.typed, version: basedOn }, check.errors);
    }
    const target = { kind: 'ward', wardId: ward.id, fiscalYear: fy } as const;
    // Checked and written in one transaction: values stored since the form was opened are never
    // overwritten unseen. A save that changes nothing stored is no conflict (a double click's second save).
    const outcome = db.transaction((tx) => {
      const stored = valuesAt(tx, target);
      const stale = valuesVersion(stored) !== basedOn;
      if (stale && !sameAsStored(check.cells, stored)) return { status: 'conflict', stored } as const;
      return { status: 'saved', changed: saveIndicatorCells(tx, active, target, check.cells, user.id) || stale } as const;
    });
    if (outcome.status === 'conflict') {
      reply.code(409);
      const saved = lastWardValuesSave(db, ward.id, fy);
      const lastSaved = saved && { updatedAt: formatJapanDateTime(saved.updatedAt), editor: saved.editor };
      return reply.viewAsync(
        'indicators/wardConflict',
        wardConflictView({
          ward,
          fiscalYear: fy,
          formUrl: wardFormUrl(ward.id, fy),
          active,
          cells: check.cells,
          typed: check.typed,
          stored: outcome.stored,
          lastSaved,
        }),
      );
    }
    request.session.flash = outcome.changed
      ? `${ward.name}の${warekiLong(fy)}の指標を保存しました。`
      : `${ward.name}の${warekiLong(fy)}の指標は変更されていません。`;
    return reply.redirect(wardFormUrl(ward.id, fy), 303);
  });
}

/** How an indicator's year is rolled up, in words for the list (a ratio names its numerator and denominator). */
function rollupWords(i: Indicator, all: readonly Indicator[]): string {
  const decimals = i.decimals > 0 ? `、小数点以下${i.decimals}桁` : '';
  if (i.rollup === 'districts_meeting') return `${ROLLUP_LABELS.districts_meeting}（${i.threshold ?? ''}${i.unit}以上）${decimals}`;
  if (i.rollup === 'ratio') {
    const name = (id: number | null) => all.find((o) => o.id === id)?.name ?? '（なし）';
    return `割合：${name(i.numeratorId)} ÷ ${name(i.denominatorId)} × 100${decimals}`;
  }
  return ROLLUP_LABELS[i.rollup] + decimals;
}

/** The stored definition in words, shown beside the typed one after a conflict. */
function definitionSummary(i: Indicator): { label: string; value: string }[] {
  return [
    { label: '名前', value: i.name },
    { label: '単位', value: i.unit },
    { label: 'だれが入力するか', value: ENTERED_BY_LABELS[i.enteredBy] },
    { label: '年度の集計のしかた', value: ROLLUP_LABELS[i.rollup] + (i.threshold === null ? '' : `（${i.threshold}${i.unit}以上）`) },
    { label: '小数点以下の桁数', value: i.decimals === 0 ? '0（整数だけ）' : `${i.decimals}桁` },
    { label: '期間', value: rangeWords(i, warekiLong) },
    { label: '内訳', value: i.categories.map((c) => c.name + (c.lastFy === null ? '' : `（${warekiShort(c.lastFy)}まで）`)).join('、') || 'なし' },
  ];
}
