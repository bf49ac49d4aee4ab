/**
 * The audit log is append-only (issue 8 finding 10): the database itself
 * refuses to change or delete a recorded event, whoever asks; events written
 * without a signed-in user carry the process's actor.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openDatabase, type Database$ } from '../../src/db/index.js';
import { auditEvents } from '../../src/db/schema.js';
import { recordAudit, setProcessActor } from '../../src/audit/repository.js';

const open: Database$[] = [];
afterEach(() => {
  setProcessActor(null);
  for (const d of open.splice(0)) d.sqlite.close();
});
async function database(): Promise<Database$> {
  const d = await openDatabase(':memory:');
  open.push(d);
  return d;
}

describe('audit events', () => {
  it('cannot be changed or deleted, by SQL or through the ORM', async () => {
    const d = await database();
    recordAudit(d.db, { userId: null, action: 'create', entity: 'ward', entityId: 1, after: { name: '東区' } });
    const before = d.db.select().from(auditEvents).all();
    expect(before).toHaveLength(1);
    expect(() => d.sqlite.prepare("UPDATE audit_events SET action = 'delete'").run()).toThrow('監査記録は変更できません');
    expect(() => d.sqlite.prepare('UPDATE audit_events SET actor = ?').run('someone-else')).toThrow('監査記録は変更できません');
    expect(() => d.sqlite.prepare('DELETE FROM audit_events').run()).toThrow('監査記録は削除できません');
    expect(() => d.db.delete(auditEvents).where(eq(auditEvents.id, before[0]!.id)).run()).toThrow('監査記録は削除できません');
    expect(() => d.db.update(auditEvents).set({ detail: 'x' }).run()).toThrow('監査記録は変更できません');
    expect(d.db.select().from(auditEvents).all()).toEqual(before);
    // Adding is still possible.
    recordAudit(d.db, { userId: null, action: 'update', entity: 'ward', entityId: 1 });
    expect(d.db.select().from(auditEvents).all()).toHaveLength(2);
  });

  it('record the process actor when no user acted, and no actor when a user did', async () => {
    const d = await database();
    recordAudit(d.db, { userId: null, action: 'sign_in_failed', entity: 'session' });
    setProcessActor('cli:tanaka');
    recordAudit(d.db, { userId: null, action: 'create', entity: 'user', entityId: 7 });
    recordAudit(d.db, { userId: null, action: 'restore', entity: 'database', actor: 'cli:explicit' });
    const rows = d.db.select({ action: auditEvents.action, actor: auditEvents.actor }).from(auditEvents).all();
    expect(rows).toEqual([
      { action: 'sign_in_failed', actor: null },
      { action: 'create', actor: 'cli:tanaka' },
      { action: 'restore', actor: 'cli:explicit' },
    ]);
  });
});
