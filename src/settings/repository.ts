import { z } from 'zod';
import type { Db } from '../db/index.js';
import { preparedOnce } from '../db/prepared.js';
import { settings } from '../db/schema.js';
import { recordAudit } from '../audit/repository.js';
import { recomputeFiscalYears, storedYears } from '../figures/recompute.js';

/** Every setting the city can change, with its default. */
export const settingsSchema = z.object({
  /** ③: months with a coordination meeting that make a district "regular" (定例的). */
  regularMeetingMonths: z.number().int().min(1).max(12).default(6),
  /** A month's report is due on this day of the following month. */
  reportDueDay: z.number().int().min(1).max(28).default(10),
  /** Plausibility: a value more than this many times the recent maximum (or below the recent minimum divided by it) asks for confirmation. */
  plausibilityFactor: z.number().min(1.1).max(100).default(3),
  /** Plausibility: how many earlier months count as "recent". */
  plausibilityMonths: z.number().int().min(1).max(24).default(6),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

/** Reads all settings, falling back to defaults for anything not stored. */
export function getSettings(db: Db): Settings {
  const all = preparedOnce(db, 'settings.all', (c) => c.select().from(settings).prepare());
  const stored = Object.fromEntries(all.all().map((r) => [r.key, JSON.parse(r.value) as unknown]));
  const known = Object.fromEntries(Object.entries(stored).filter(([k]) => k in settingsSchema.shape));
  return settingsSchema.parse(known);
}

/** Settings that the yearly figures depend on (③ uses regularMeetingMonths). */
const FIGURE_SETTINGS: readonly SettingKey[] = ['regularMeetingMonths'];

/**
 * Changes one setting, audited in the same transaction. A setting the figures
 * depend on recomputes the stored figures of every open year (closed years keep theirs).
 */
export function updateSetting<K extends SettingKey>(db: Db, key: K, value: Settings[K], userId: number | null): void {
  const parsed = settingsSchema.shape[key].parse(value);
  db.transaction((tx) => {
    const before = getSettings(tx)[key];
    tx.insert(settings)
      .values({ key, value: JSON.stringify(parsed) })
      .onConflictDoUpdate({ target: settings.key, set: { value: JSON.stringify(parsed) } })
      .run();
    recordAudit(tx, { userId, action: 'update', entity: 'setting', entityId: key, before, after: parsed });
    if (FIGURE_SETTINGS.includes(key) && before !== parsed) recomputeFiscalYears(tx, storedYears(tx));
  });
}
