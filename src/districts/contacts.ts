/**
 * A district's contacts (担当者名・電話・メール), all optional: what the
 * overdue list prints so the ward can chase a missing report.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/index.js';
import { districts } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { recordAudit } from '../audit/repository.js';
import { characterCount, normaliseText } from '../domain/text.js';
import { formValues, type FormValues } from '../web/forms.js';

export const CONTACT_FIELDS = ['contact_name', 'contact_phone', 'contact_email'] as const;

export const CONTACT_LABELS = {
  contact_name: '担当者名',
  contact_phone: '電話',
  contact_email: 'メール',
} satisfies Record<string, string>;

export interface DistrictContacts {
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
}

export const CONTACT_NAME_MAX = 50;
export const CONTACT_PHONE_MAX = 20;

// Hyphen-like characters people type in a phone number (NFKC leaves these alone).
const DASHES = /[\u2010-\u2015\u2212\u30fc\uff70]/g;
const email = z.email();

type Parsed = { ok: true; data: DistrictContacts; values: FormValues } | { ok: false; errors: Record<string, string>; values: FormValues };

/** Reads the contacts form: blank fields store nothing; full-width digits, letters and hyphens are folded. */
export function parseContactsForm(body: unknown): Parsed {
  const values = formValues(body, CONTACT_FIELDS);
  const errors: Record<string, string> = {};
  let contactName: string | null = null;
  let contactPhone: string | null = null;
  let contactEmail: string | null = null;

  const name = normaliseText(values.contact_name, 'line');
  if (!name.ok) errors.contact_name = name.message;
  else if (characterCount(name.value) > CONTACT_NAME_MAX)
    errors.contact_name = `担当者名は${CONTACT_NAME_MAX}文字までにしてください（いま${characterCount(name.value)}文字）。`;
  else contactName = name.value === '' ? null : name.value;

  const phone = values.contact_phone.normalize('NFKC').replace(DASHES, '-').replace(/\s+/g, ' ').trim();
  if (phone !== '') {
    if (!/^[0-9()\- ]+$/.test(phone) || !/[0-9]/.test(phone)) errors.contact_phone = '電話番号は数字とハイフン（-）で入力してください。例：093-123-4567';
    else if (phone.length > CONTACT_PHONE_MAX) errors.contact_phone = `電話番号は${CONTACT_PHONE_MAX}文字までにしてください。`;
    else contactPhone = phone;
  }

  const mail = values.contact_email.normalize('NFKC').trim();
  if (mail !== '') {
    if (mail.length > 254 || !email.safeParse(mail).success) errors.contact_email = 'メールアドレスの形になっていません。例：tanaka@example.jp';
    else contactEmail = mail;
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return { ok: true, data: { contactName, contactPhone, contactEmail }, values };
}

/** The form's values for a stored district. */
export function contactsFormValues(d: DistrictContacts): FormValues {
  return { contact_name: d.contactName ?? '', contact_phone: d.contactPhone ?? '', contact_email: d.contactEmail ?? '' };
}

/** Stores a district's contacts, audited (entity district, before and after); false when nothing changed. */
export function updateDistrictContacts(db: Db, args: { id: number; input: DistrictContacts; userId: number }): boolean {
  return db.transaction(
    (tx) => {
      const stored = tx.select().from(districts).where(eq(districts.id, args.id)).get();
      if (!stored) throw new NotFoundError('その校(地)区は見つかりません。');
      const keys = ['contactName', 'contactPhone', 'contactEmail'] as const;
      if (keys.every((k) => (stored[k] ?? null) === args.input[k])) return false;
      const row = tx.update(districts).set(args.input).where(eq(districts.id, args.id)).returning().get();
      recordAudit(tx, { userId: args.userId, action: 'update', entity: 'district', entityId: row.id, districtId: row.id, before: stored, after: row });
      return true;
    },
    { behavior: 'immediate' },
  );
}
