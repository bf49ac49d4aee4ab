/** The demo city records its merger (枝光 + 枝光北 → 枝光台 from 2023-04) as a succession event (issue 10). */
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openDatabase } from '../../src/db/index.js';
import { districts } from '../../src/db/schema.js';
import { ensureDemoCity } from '../../src/demo/demoCity.js';
import { listSuccessions, successionsOfDistrict } from '../../src/successions/repository.js';
import { TEST_SCRYPT } from '../support/app.js';

describe('the demo city', () => {
  it('has 枝光 + 枝光北 → 枝光台 as one event, shown on each district', async () => {
    const database = await openDatabase(':memory:');
    try {
      await ensureDemoCity(database.db, { passwordParams: TEST_SCRYPT, now: new Date('2026-11-23T03:00:00Z') });
      const list = listSuccessions(database.db);
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ label: '枝光台校区の統合', firstMonth: '2023-04' });
      expect(list[0]!.predecessors.map((d) => `${d.code} ${d.name}`)).toEqual(['511 枝光校区', '512 枝光北校区']);
      expect(list[0]!.successors.map((d) => `${d.code} ${d.name}`)).toEqual(['513 枝光台校区']);
      const edamitsudai = database.db.select().from(districts).where(eq(districts.code, '513')).get()!;
      expect(successionsOfDistrict(database.db, edamitsudai.id).predecessors.map((d) => d.code)).toEqual(['511', '512']);
      // Their active years were already those of the event: nothing to change.
      const spans = database.db
        .select()
        .from(districts)
        .all()
        .filter((d) => ['511', '512', '513'].includes(d.code));
      expect(spans.map((d) => [d.code, d.activeFrom, d.activeTo])).toEqual([
        ['511', null, 2022],
        ['512', null, 2022],
        ['513', 2023, null],
      ]);
    } finally {
      database.sqlite.close();
    }
  }, 120_000);
});
