import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents, districts } from '../../src/db/schema.js';
import { createTestApp, seedSmallCity, signedIn, type TestContext } from '../support/app.js';

let ctx: TestContext;
let ids: Awaited<ReturnType<typeof seedSmallCity>>;

beforeEach(async () => {
  ctx = await createTestApp();
  ids = await seedSmallCity(ctx.database);
});
afterEach(async () => {
  await ctx.close();
});

const stored = (id: number) => ctx.database.db.select().from(districts).where(eq(districts.id, id)).get()!;
const audits = (id: number) =>
  ctx.database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entity, 'district'), eq(auditEvents.entityId, String(id))))
    .all();

describe('校(地)区の連絡先 (/districts/:code/contacts)', () => {
  it('a ward user saves contacts of a district of the ward: full-width folded, audited with before and after', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    const page = await ward.get('/districts/E02/contacts');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('東二校区の連絡先');
    const res = await ward.post('/districts/E02/contacts', {
      contact_name: ' 山田 太郎 ',
      contact_phone: '０９３ー１２３ー４５６７',
      contact_email: 'ｙａｍａｄａ＠example.jp',
    });
    expect(res.statusCode).toBe(303);
    expect(stored(ids.d2)).toMatchObject({ contactName: '山田 太郎', contactPhone: '093-123-4567', contactEmail: 'yamada@example.jp' });
    const a = audits(ids.d2);
    expect(a).toHaveLength(1);
    const audit = a[0];
    if (!audit) throw new Error('no audit event');
    expect(audit.action).toBe('update');
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;
    expect(json(audit.before)).toMatchObject({ contactName: null, contactPhone: null, contactEmail: null });
    expect(json(audit.after)).toMatchObject({ contactName: '山田 太郎', contactPhone: '093-123-4567', contactEmail: 'yamada@example.jp' });
    const after = await ward.get(res.headers.location as string);
    expect(after.body).toContain('東二校区の連絡先を保存しました。');
    expect(after.body).toContain('value="093-123-4567"');
    // Saving the same values again writes no audit; clearing them stores nulls.
    await ward.post('/districts/E02/contacts', { contact_name: '山田 太郎', contact_phone: '093-123-4567', contact_email: 'yamada@example.jp' });
    expect(audits(ids.d2)).toHaveLength(1);
    await ward.post('/districts/E02/contacts', { contact_name: '', contact_phone: '', contact_email: '' });
    expect(stored(ids.d2)).toMatchObject({ contactName: null, contactPhone: null, contactEmail: null });
    expect(audits(ids.d2)).toHaveLength(2);
  });

  it('refuses wrong values with a message beside each field, keeps what was typed, and writes nothing', async () => {
    const city = await signedIn(ctx.app, 'city');
    await city.get('/districts/E01/contacts');
    const res = await city.post('/districts/E01/contacts', {
      contact_name: 'あ'.repeat(51),
      contact_phone: '093-123-4567 内線12',
      contact_email: 'tanaka@@example',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/id="contact_name-error">担当者名は50文字までにしてください/);
    expect(res.body).toMatch(/id="contact_phone-error">電話番号は数字とハイフン/);
    expect(res.body).toMatch(/id="contact_email-error">メールアドレスの形になっていません/);
    expect(res.body).toContain('value="093-123-4567 内線12"');
    expect(res.body).toContain('value="tanaka@@example"');
    const long = await city.post('/districts/E01/contacts', { contact_phone: '0'.repeat(21) });
    expect(long.statusCode).toBe(422);
    expect(long.body).toContain('電話番号は20文字までにしてください。');
    expect(stored(ids.d1)).toMatchObject({ contactName: null, contactPhone: null, contactEmail: null });
    expect(audits(ids.d1)).toHaveLength(0);
    const ok = await city.post('/districts/E01/contacts', { contact_phone: '(093) 123 4567' });
    expect(ok.statusCode).toBe(303);
    expect(stored(ids.d1).contactPhone).toBe('(093) 123 4567');
  });

  it('only the city, the district’s ward and the district itself may open or change them', async () => {
    const west = await signedIn(ctx.app, 'ward-west');
    expect((await west.get('/districts/E01/contacts')).statusCode).toBe(403);
    await west.get('/');
    expect((await west.post('/districts/E01/contacts', { contact_name: '悪意' })).statusCode).toBe(403);
    const other = await signedIn(ctx.app, 'district-w01');
    expect((await other.get('/districts/E01/contacts')).statusCode).toBe(403);
    const own = await signedIn(ctx.app, 'district-e01');
    expect((await own.get('/districts/E01/contacts')).statusCode).toBe(200);
    expect((await own.post('/districts/E01/contacts', { contact_name: '本人' })).statusCode).toBe(303);
    expect(stored(ids.d1).contactName).toBe('本人');
    expect((await own.get('/districts/NOPE/contacts')).statusCode).toBe(404);
  });

  it('the districts list links every district’s contacts for ward staff', async () => {
    const ward = await signedIn(ctx.app, 'ward-east');
    const list = await ward.get('/districts');
    expect(list.body).toContain('href="/districts/E01/contacts"');
    expect(list.body).toContain('href="/districts/E02/contacts"');
  });

  it('the city’s district edit page has the contact fields: validated beside each field, saved and audited', async () => {
    const city = await signedIn(ctx.app, 'city');
    const page = await city.get('/districts/E01/edit');
    expect(page.body).toContain('name="contact_phone"');
    const base = {
      name: '東一校区',
      kana: 'ひがしいち',
      ward: String(ids.wardA),
      before_name: '東一校区',
      before_kana: 'ひがしいち',
      before_ward: String(ids.wardA),
    };
    const bad = await city.post('/districts/E01/edit', { ...base, contact_name: '佐藤', contact_phone: 'でんわ', contact_email: 'x@' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toMatch(/id="contact_phone-error">電話番号は数字とハイフン/);
    expect(bad.body).toMatch(/id="contact_email-error">メールアドレスの形になっていません/);
    expect(bad.body).toContain('value="佐藤"');
    expect(stored(ids.d1).contactName).toBeNull();
    const ok = await city.post('/districts/E01/edit', {
      ...base,
      contact_name: '佐藤',
      contact_phone: '０９３－１１１－２２２２',
      contact_email: 'sato@example.jp',
    });
    expect(ok.statusCode).toBe(303);
    expect(stored(ids.d1)).toMatchObject({ name: '東一校区', contactName: '佐藤', contactPhone: '093-111-2222', contactEmail: 'sato@example.jp' });
    expect(audits(ids.d1)).toHaveLength(1);
    // Someone changed the contacts meanwhile: a form opened before is refused as a conflict, nothing written.
    const stale = await city.post('/districts/E01/edit', { ...base, contact_name: '鈴木', contact_phone: '', contact_email: '' });
    expect(stale.statusCode).toBe(409);
    expect(stored(ids.d1).contactName).toBe('佐藤');
  });
});
