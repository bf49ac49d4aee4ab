import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { publishedFigures, type ScopeType } from '../db/schema.js';
import { recordAudit } from '../audit/repository.js';

export type PublishedFigureRow = typeof publishedFigures.$inferSelect;

export interface PublishedFigureInput {
  /** '1'…'7' or a household row key. */
  item: string;
  fiscalYear: number;
  scopeType: ScopeType;
  /** 0 for the city. */
  scopeId: number;
  /** null = not available (公表値なし), with `note` as the reason printed in the cell. */
  value: number | null;
  note: string | null;
}

/** The published figure of one (item, FY, scope) cell, or undefined when the rollup shows. */
export function getPublishedFigure(
  db: Pick<Db, 'select'>,
  key: Pick<PublishedFigureInput, 'item' | 'fiscalYear' | 'scopeType' | 'scopeId'>,
): PublishedFigureRow | undefined {
  return db
    .select()
    .from(publishedFigures)
    .where(
      and(
        eq(publishedFigures.item, key.item),
        eq(publishedFigures.fiscalYear, key.fiscalYear),
        eq(publishedFigures.scopeType, key.scopeType),
        eq(publishedFigures.scopeId, key.scopeId),
      ),
    )
    .get();
}

/** Enters or changes the published figure of one (item, FY, scope) cell (audited). */
export function upsertPublishedFigure(db: Db, input: PublishedFigureInput, userId: number | null): PublishedFigureRow {
  return db.transaction((tx) => {
    const existing = getPublishedFigure(tx, input);
    const now = new Date().toISOString();
    const row = existing
      ? tx
          .update(publishedFigures)
          .set({ value: input.value, note: input.note, updatedBy: userId, updatedAt: now })
          .where(eq(publishedFigures.id, existing.id))
          .returning()
          .get()
      : tx
          .insert(publishedFigures)
          .values({ ...input, updatedBy: userId, updatedAt: now })
          .returning()
          .get();
    recordAudit(tx, {
      userId,
      action: existing ? 'update' : 'create',
      entity: 'published_figure',
      entityId: row.id,
      districtId: input.scopeType === 'district' ? input.scopeId : null,
      before: existing ?? null,
      after: row,
    });
    return row;
  });
}

/** Removes a published figure so the rollup shows again (audited). */
export function deletePublishedFigure(db: Db, id: number, userId: number): boolean {
  return db.transaction((tx) => {
    const existing = tx.select().from(publishedFigures).where(eq(publishedFigures.id, id)).get();
    if (!existing) return false;
    tx.delete(publishedFigures).where(eq(publishedFigures.id, id)).run();
    recordAudit(tx, {
      userId,
      action: 'delete',
      entity: 'published_figure',
      entityId: id,
      districtId: existing.scopeType === 'district' ? existing.scopeId : null,
      before: existing,
      after: null,
    });
    return true;
  });
}
