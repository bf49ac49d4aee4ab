/**
 * Council-defined indicators (DESIGN §11): the rules of a definition, pure.
 * The definition page and the `indicators` CSV import both check what was
 * typed here, so a file is refused exactly as the page is. Field names are the
 * CSV column names; messages are plain Japanese, one per field.
 */
import { INDICATOR_ENTERED_BY, INDICATOR_ROLLUPS, type IndicatorEnteredBy, type IndicatorRollup } from '../db/schema.js';
import { parseFiscalYear } from '../domain/fiscalYear.js';
import { HOUSEHOLD_ROWS } from '../domain/items.js';
import { DECIMAL_PLACES, parseDecimal, toHalfWidth } from '../domain/numbers.js';
import { characterCount, normaliseText } from '../domain/text.js';
import { COUNT_FIELDS, FIELD_LABELS, type CountField } from '../domain/catalogue.js';

/** Separates category names in the `categories` CSV cell; a category name may not contain it. */
export const CATEGORY_SEPARATOR = '|';

/** The 13 kinds of help of seed 004 (Ogori): the default breakdown of ② mutual-aid cases. */
export const MUTUAL_AID_KINDS: readonly string[] = [
  '安否確認の声かけ',
  '心配ごとなどの相談相手',
  '子どもの短時間の預かり',
  '子どもの学習支援',
  '買い物の手伝い',
  '家事の手伝い',
  '外出の手伝い',
  'ごみ出しの手伝い',
  '急病になった時の看病',
  '介護を必要とする人の短時間の預かり',
  '災害時の手助け',
  '日常的な話し相手',
  'その他',
];

export const ENTERED_BY_LABELS: Record<IndicatorEnteredBy, string> = {
  district_monthly: '校(地)区が毎月入力する',
  ward_yearly: '区が年度ごとに入力する',
};

export const ROLLUP_LABELS: Record<IndicatorRollup, string> = {
  sum: '月の値の合計',
  latest: 'その年度の最新の月の値',
  districts_meeting: '基準の値以上の校(地)区の数',
  ratio: '割合（分子の指標 ÷ 分母の指標 × 100）',
};

/** Monthly fields an indicator may break down (its categories then add up to that field; the total stays the field). */
export const BREAKDOWN_FIELDS: readonly CountField[] = COUNT_FIELDS;
export const breakdownFieldLabel = (field: string): string => FIELD_LABELS[field as CountField] ?? field;

export const NAME_MAX = 60;
export const UNIT_MAX = 10;
export const CATEGORY_NAME_MAX = 40;
const KEY_RE = /^[a-z][a-z0-9_]{1,39}$/;
// Keys the trend rows and files already use for the seven items and the household rows.
const RESERVED_KEYS = new Set<string>([...COUNT_FIELDS, ...HOUSEHOLD_ROWS.map((r) => r.key), 'note', 'total', 'city']);

/** A definition as typed (page fields or CSV cells), every value a string. */
export interface DefinitionText {
  key: string;
  name: string;
  unit: string;
  entered_by: string;
  rollup: string;
  threshold: string;
  breaks_down_field: string;
  first_fy: string;
  last_fy: string;
  /** 「小数点以下の桁数」: '' or 0, 1, 2 (the CSV column is optional: blank is 0). */
  decimals?: string;
  /** For `ratio`: the keys of the numerator and denominator indicators ('' or absent otherwise). */
  numerator?: string;
  denominator?: string;
}

/** Another indicator, as a ratio's numerator or denominator is checked against it. */
export interface RatioPart {
  key: string;
  name: string;
  enteredBy: IndicatorEnteredBy;
  rollup: IndicatorRollup;
}

/** One category row as typed: `id` null for a new one. */
export interface CategoryText {
  id: number | null;
  name: string;
  first_fy: string;
  last_fy: string;
}

export interface CategoryValue {
  id: number | null;
  name: string;
  firstFy: number;
  lastFy: number | null;
}

export interface DefinitionValue {
  key: string;
  name: string;
  unit: string;
  enteredBy: IndicatorEnteredBy;
  rollup: IndicatorRollup;
  threshold: number | null;
  breaksDownField: CountField | null;
  firstFy: number;
  lastFy: number | null;
  categories: CategoryValue[];
  /** Places after the decimal point (0, 1 or 2). */
  decimals: number;
  /** For `ratio`: the numerator's and denominator's keys; null otherwise. */
  numeratorKey: string | null;
  denominatorKey: string | null;
}

export type DefinitionCheck = { ok: true; value: DefinitionValue } | { ok: false; errors: Record<string, string> };

/** The field name of category row `i`'s `part` ('name', 'first_fy', 'last_fy') on the page. */
export const categoryField = (i: number, part: 'name' | 'first_fy' | 'last_fy'): string => `cat-${i}-${part}`;

function line(raw: string, max: number, what: string): { value: string } | { error: string } {
  const checked = normaliseText(raw, 'line');
  if (!checked.ok) return { error: `${what}に${checked.message}` };
  if (checked.value === '') return { error: `${what}を入力してください。` };
  if (characterCount(checked.value) > max) return { error: `${what}は${max}文字以内で入力してください。` };
  return { value: checked.value };
}

function fiscalYear(raw: string, what: string, required: boolean): { value: number | null } | { error: string } {
  const s = raw.trim();
  if (s === '') return required ? { error: `${what}を入力してください（例：2024 または R6）。` } : { value: null };
  const fy = parseFiscalYear(s);
  if (fy === null || fy < 1989 || fy > 2999) return { error: `${what}は 2024 または R6 のように入力してください。` };
  return { value: fy };
}

/** Reads 「小数点以下の桁数」 as typed: blank is 0; else 0, 1 or 2 (half- or full-width). */
export function readDecimals(raw: string): number | null {
  const s = toHalfWidth(raw).trim();
  if (s === '') return 0;
  return (DECIMAL_PLACES as readonly number[]).includes(Number(s)) && /^\d$/.test(s) ? Number(s) : null;
}

/** Reads a rollup as typed: the stored names, and `districts_at_least` (DESIGN §8's word for `districts_meeting`). */
export function readRollup(raw: string): IndicatorRollup | null {
  const s = toHalfWidth(raw).trim().toLowerCase();
  if (s === 'districts_at_least') return 'districts_meeting';
  return (INDICATOR_ROLLUPS as readonly string[]).includes(s) ? (s as IndicatorRollup) : null;
}

/**
 * Checks a definition and its categories; returns what to store, or one
 * message per field (category problems under `cat-<row>-<part>`).
 * `existingKey`: when editing, the key cannot change. `others`: the indicators a
 * ratio may divide (its numerator and denominator must be among them).
 */
export function checkDefinition(
  text: DefinitionText,
  categories: readonly CategoryText[],
  existingKey: string | null = null,
  others: readonly RatioPart[] = [],
): DefinitionCheck {
  const errors: Record<string, string> = {};
  let key = existingKey ?? '';
  if (existingKey === null) {
    key = toHalfWidth(text.key).trim();
    if (key === '') errors.key = '記号を入力してください（例：help_kinds）。';
    else if (!KEY_RE.test(key)) errors.key = '記号は半角の小文字英字で始め、小文字英字・数字・「_」だけで2〜40文字にしてください（例：help_kinds）。';
    else if (RESERVED_KEYS.has(key)) errors.key = `「${key}」は7項目の欄の名前として使われているため、記号にできません。別の記号にしてください。`;
  }
  const name = line(text.name, NAME_MAX, '名前');
  if ('error' in name) errors.name = name.error;
  const unit = line(text.unit, UNIT_MAX, '単位');
  if ('error' in unit) errors.unit = unit.error.replace('単位を入力してください。', '単位を入力してください（例：件、人、か所）。');

  const enteredBy = (INDICATOR_ENTERED_BY as readonly string[]).includes(text.entered_by.trim()) ? (text.entered_by.trim() as IndicatorEnteredBy) : null;
  if (!enteredBy) errors.entered_by = `だれが入力するかを選んでください（${INDICATOR_ENTERED_BY.join(' または ')}）。`;
  const rollup = readRollup(text.rollup);
  if (!rollup) errors.rollup = '年度の集計のしかたを選んでください（sum、latest、districts_meeting、ratio のどれか）。';
  else if (enteredBy === 'ward_yearly' && rollup !== 'sum' && rollup !== 'ratio')
    errors.rollup = '区が年度ごとに入力する指標は、集計のしかたを「合計」（sum）か「割合」（ratio）にしてください。';

  const decimals = readDecimals(text.decimals ?? '');
  if (decimals === null) errors.decimals = '小数点以下の桁数は 0、1、2 のどれかにしてください（整数だけのときは 0）。';

  let threshold: number | null = null;
  const thresholdText = text.threshold.trim();
  if (rollup === 'districts_meeting') {
    const t = parseDecimal(thresholdText, { decimals: decimals ?? 0, units: [unit && 'value' in unit ? unit.value : ''] });
    if (!t.ok) errors.threshold = `基準の値は${t.message}`;
    else if (t.value === null) errors.threshold = '「基準の値以上の校(地)区の数」で数えるときは、基準の値を入力してください（例：6）。';
    else threshold = t.value;
  } else if (thresholdText !== '' && rollup) {
    errors.threshold = '基準の値は、集計のしかたが「基準の値以上の校(地)区の数」のときだけ入力します。空欄にしてください。';
  }

  const first = fiscalYear(text.first_fy, '最初の年度', true);
  if ('error' in first) errors.first_fy = first.error;
  const last = fiscalYear(text.last_fy, '最後の年度', false);
  if ('error' in last) errors.last_fy = last.error;
  const firstFy = 'value' in first ? first.value : null;
  const lastFy = 'value' in last ? last.value : null;
  if (firstFy !== null && lastFy !== null && lastFy < firstFy) errors.last_fy = '最後の年度は、最初の年度と同じか、それより後にしてください。';

  const checkedCategories: CategoryValue[] = [];
  const seen = new Map<string, number>();
  categories.forEach((c, i) => {
    const blankRow = c.id === null && c.name.trim() === '' && c.first_fy.trim() === '' && c.last_fy.trim() === '';
    if (blankRow) return;
    const n = line(c.name, CATEGORY_NAME_MAX, '内訳の名前');
    let catName = '';
    if ('error' in n) errors[categoryField(i, 'name')] = n.error;
    else if (n.value.includes(CATEGORY_SEPARATOR))
      errors[categoryField(i, 'name')] = `内訳の名前に「${CATEGORY_SEPARATOR}」は使えません（ファイルで内訳を区切る記号です）。`;
    else if (seen.has(n.value)) errors[categoryField(i, 'name')] = `内訳「${n.value}」が2つあります。名前を変えてください。`;
    else {
      catName = n.value;
      seen.set(catName, i);
    }
    const cf = c.first_fy.trim() === '' ? { value: firstFy } : fiscalYear(c.first_fy, '内訳の最初の年度', true);
    if ('error' in cf) errors[categoryField(i, 'first_fy')] = cf.error;
    const cl = fiscalYear(c.last_fy, '内訳の最後の年度', false);
    if ('error' in cl) errors[categoryField(i, 'last_fy')] = cl.error;
    const cFirst = 'value' in cf ? cf.value : null;
    const cLast = 'value' in cl ? cl.value : null;
    if (cFirst !== null && firstFy !== null && cFirst < firstFy && !errors[categoryField(i, 'first_fy')]) {
      errors[categoryField(i, 'first_fy')] = '内訳の最初の年度は、指標の最初の年度より前にはできません。';
    }
    if (cFirst !== null && cLast !== null && cLast < cFirst && !errors[categoryField(i, 'last_fy')]) {
      errors[categoryField(i, 'last_fy')] = '内訳の最後の年度は、内訳の最初の年度と同じか、それより後にしてください。';
    }
    if (catName && cFirst !== null) checkedCategories.push({ id: c.id, name: catName, firstFy: cFirst, lastFy: cLast });
  });

  const ratio = checkRatio(text, rollup, enteredBy, existingKey ?? key, others, errors);
  if (rollup === 'ratio') {
    const firstCategory = categories.findIndex((c) => c.id !== null || c.name.trim() !== '');
    if (firstCategory >= 0) errors[categoryField(firstCategory, 'name')] = '割合の指標には内訳を付けられません。内訳の欄を空にしてください。';
  }

  let breaksDownField: CountField | null = null;
  const bd = text.breaks_down_field.trim();
  if (bd !== '') {
    if (!(BREAKDOWN_FIELDS as readonly string[]).includes(bd)) errors.breaks_down_field = '内訳にする月次報告の欄を選び直してください。';
    else if (enteredBy === 'ward_yearly') errors.breaks_down_field = '月次報告の欄の内訳は、校(地)区が毎月入力する指標にだけ設定できます。';
    else if (rollup === 'ratio') errors.breaks_down_field = '割合の指標は、月次報告の欄の内訳にはできません。「内訳にしない」を選んでください。';
    else if ((decimals ?? 0) > 0) errors.decimals = '月次報告の欄は整数で数えるため、その内訳の小数点以下の桁数は 0 にしてください。';
    else if (categories.every((c) => c.name.trim() === ''))
      errors.breaks_down_field = `「${breakdownFieldLabel(bd)}」の内訳にするときは、内訳を1つ以上入力してください。`;
    else breaksDownField = bd as CountField;
  }

  if (Object.keys(errors).length > 0 || !enteredBy || !rollup || firstFy === null || decimals === null || 'error' in name || 'error' in unit)
    return { ok: false, errors };
  return {
    ok: true,
    value: {
      key,
      name: name.value,
      unit: unit.value,
      enteredBy,
      rollup,
      threshold,
      breaksDownField,
      firstFy,
      lastFy,
      categories: checkedCategories,
      decimals,
      numeratorKey: ratio.numerator,
      denominatorKey: ratio.denominator,
    },
  };
}

/**
 * A ratio's numerator and denominator (「分子の指標」「分母の指標」): required for `ratio`, two
 * other indicators entered the same way that are not ratios themselves; blank for every other rule.
 */
function checkRatio(
  text: Pick<DefinitionText, 'numerator' | 'denominator'>,
  rollup: IndicatorRollup | null,
  enteredBy: IndicatorEnteredBy | null,
  ownKey: string,
  others: readonly RatioPart[],
  errors: Record<string, string>,
): { numerator: string | null; denominator: string | null } {
  const out: { numerator: string | null; denominator: string | null } = { numerator: null, denominator: null };
  for (const part of ['numerator', 'denominator'] as const) {
    const what = part === 'numerator' ? '分子の指標' : '分母の指標';
    const raw = toHalfWidth(text[part] ?? '').trim();
    if (rollup !== 'ratio') {
      if (raw !== '' && rollup) errors[part] = `${what}は、集計のしかたが「割合」のときだけ選びます。空欄にしてください。`;
      continue;
    }
    if (raw === '') {
      errors[part] = `「割合」で集計するときは、${what}を選んでください。`;
      continue;
    }
    const other = others.find((o) => o.key === raw);
    if (!other || raw === ownKey) errors[part] = `${what}「${raw}」はありません。ほかの指標の記号を選んでください。`;
    else if (other.rollup === 'ratio') errors[part] = `${what}に、割合の指標（${other.name}）は選べません。値を入力する指標を選んでください。`;
    else if (enteredBy && other.enteredBy !== enteredBy)
      errors[part] = `${what}（${other.name}）は入力する人が違います。${ENTERED_BY_LABELS[enteredBy]}指標を選んでください。`;
    else out[part] = raw;
  }
  if (out.numerator !== null && out.numerator === out.denominator) errors.denominator = '分子と分母に同じ指標は選べません。';
  return out;
}

/** Splits a `categories` CSV cell into names (blank parts dropped). */
export function splitCategories(cell: string): string[] {
  return cell
    .split(CATEGORY_SEPARATOR)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** True when fiscal year `fy` lies in [firstFy, lastFy] (lastFy null: still counted). */
export function countsIn(range: { firstFy: number; lastFy: number | null }, fy: number): boolean {
  return range.firstFy <= fy && (range.lastFy === null || fy <= range.lastFy);
}

/** The fiscal years of a definition in words, e.g. 「令和6年度から」「令和6年度〜令和7年度」. */
export function rangeWords(range: { firstFy: number; lastFy: number | null }, wareki: (fy: number) => string): string {
  return range.lastFy === null ? `${wareki(range.firstFy)}から` : `${wareki(range.firstFy)}〜${wareki(range.lastFy)}`;
}
