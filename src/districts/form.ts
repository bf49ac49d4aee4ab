/**
 * The district forms (add, edit, end) read through the same rules as the
 * districts CSV import (rules.ts). Pure: the caller passes the wards.
 */
import { formValues, type FormValues } from '../web/forms.js';
import { parseFiscalYear, warekiLong } from '../domain/fiscalYear.js';
import { DISTRICT_RULES, readDistrict, type DistrictField } from './rules.js';
import type { DistrictEdit, NewDistrict } from './repository.js';
import { CONTACT_LABELS, parseContactsForm } from './contacts.js';

export const DISTRICT_LABELS = {
  code: '校(地)区コード',
  name: '校(地)区の名前',
  kana: 'よみがな',
  ward: '区',
  active_from: '活動を始めた年度',
  last_fy: '最後に活動する年度',
  ...CONTACT_LABELS,
} satisfies Record<string, string>;

export const CREATE_FIELDS = ['code', 'name', 'kana', 'ward', 'active_from'] as const;
export const EDIT_FIELDS = [
  'name',
  'kana',
  'ward',
  'contact_name',
  'contact_phone',
  'contact_email',
  'before_name',
  'before_kana',
  'before_ward',
  'before_contact_name',
  'before_contact_phone',
  'before_contact_email',
] as const;

interface WardChoice {
  id: number;
  name: string;
}

type Parsed<T> = { ok: true; data: T; values: FormValues } | { ok: false; errors: Record<string, string>; values: FormValues };

const WARD_MESSAGE = '区を選んでください。';

/** The ward a <select> chose (its id), or undefined when it is not one of the wards. */
function chosenWard(raw: string, wards: readonly WardChoice[]): WardChoice | undefined {
  return /^\d{1,9}$/.test(raw.trim()) ? wards.find((w) => w.id === Number(raw.trim())) : undefined;
}

/** In form order, so the error summary reads like the form. */
function ordered(errors: Partial<Record<string, string>>, fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) if (errors[f] !== undefined) out[f] = errors[f]!;
  return out;
}

/** 校(地)区を追加: code, name, kana, ward (an id from the list) and the first active FY (optional). */
export function parseCreateForm(body: unknown, wards: readonly WardChoice[]): Parsed<NewDistrict> {
  const values = formValues(body, CREATE_FIELDS);
  const ward = chosenWard(values.ward, wards);
  const cells: Record<DistrictField, string> = {
    code: values.code,
    name: values.name,
    kana: values.kana,
    ward: ward?.name ?? '',
    active_from: values.active_from,
    active_to: '',
  };
  const read = readDistrict((f) => cells[f].trim());
  const errors: Partial<Record<string, string>> = { ...read.errors };
  if (!ward) errors.ward = WARD_MESSAGE;
  if (read.data === null || !ward || Object.keys(errors).length > 0) return { ok: false, errors: ordered(errors, CREATE_FIELDS), values };
  const { code, name, kana, activeFrom } = read.data;
  return { ok: true, data: { code, name, kana, wardId: ward.id, activeFrom }, values };
}

/** The edit form: name, kana and ward, and what they were when the form was opened (before_*). */
export function parseEditForm(body: unknown, wards: readonly WardChoice[]): Parsed<{ input: DistrictEdit; expected: DistrictEdit }> {
  const values = formValues(body, EDIT_FIELDS);
  const errors: Record<string, string> = {};
  const name = DISTRICT_RULES.name(values.name.trim());
  if (!name.ok) errors.name = name.message;
  const kana = DISTRICT_RULES.kana(values.kana.trim());
  if (!kana.ok) errors.kana = kana.message;
  const ward = chosenWard(values.ward, wards);
  if (!ward) errors.ward = WARD_MESSAGE;
  const contacts = parseContactsForm(body);
  if (!contacts.ok) Object.assign(errors, contacts.errors);
  if (!name.ok || !kana.ok || !ward || !contacts.ok) return { ok: false, errors, values };
  // The values the page was opened with; garbled ones simply never match (a conflict, nothing written).
  const beforeWard = /^\d{1,9}$/.test(values.before_ward) ? Number(values.before_ward) : -1;
  return {
    ok: true,
    data: {
      input: { name: name.value, kana: kana.value, wardId: ward.id, ...contacts.data },
      expected: {
        name: values.before_name,
        kana: values.before_kana,
        wardId: beforeWard,
        contactName: values.before_contact_name || null,
        contactPhone: values.before_contact_phone || null,
        contactEmail: values.before_contact_email || null,
      },
    },
    values,
  };
}

/** The edit form's values for a stored district. */
export function editFormValues(d: DistrictEdit): FormValues {
  const contacts = { contact_name: d.contactName ?? '', contact_phone: d.contactPhone ?? '', contact_email: d.contactEmail ?? '' };
  return {
    name: d.name,
    kana: d.kana,
    ward: String(d.wardId),
    ...contacts,
    before_name: d.name,
    before_kana: d.kana,
    before_ward: String(d.wardId),
    before_contact_name: contacts.contact_name,
    before_contact_phone: contacts.contact_phone,
    before_contact_email: contacts.contact_email,
  };
}

/** The 活動終了 form: the last active FY (2024, R6, 令和6年度) and the end it replaces. */
export function parseEndForm(body: unknown): Parsed<{ lastFy: number; expectedActiveTo: number | null }> {
  const values = formValues(body, ['last_fy', 'before_active_to']);
  const raw = values.last_fy.trim();
  const expectedActiveTo = /^\d{4}$/.test(values.before_active_to) ? Number(values.before_active_to) : values.before_active_to === '' ? null : -1;
  if (raw === '') return { ok: false, errors: { last_fy: '最後に活動する年度を入力してください（例：令和6年度、R6、2024）。' }, values };
  const fy = parseFiscalYear(raw);
  if (fy === null) return { ok: false, errors: { last_fy: '年度は 令和6年度、R6、2024 のように入力してください。' }, values };
  if (fy < 1950 || fy > 2200) return { ok: false, errors: { last_fy: `${warekiLong(1950)}から後の年度を入力してください。` }, values };
  return { ok: true, data: { lastFy: fy, expectedActiveTo }, values };
}

/** Labels of a district as the conflict table shows it. */
export function districtDisplay(d: DistrictEdit, wards: readonly WardChoice[]): Record<string, string> {
  return {
    name: d.name,
    kana: d.kana,
    ward: wards.find((w) => w.id === d.wardId)?.name ?? '',
    contact_name: d.contactName ?? '',
    contact_phone: d.contactPhone ?? '',
    contact_email: d.contactEmail ?? '',
  };
}
