/** Changing the city's settings (the settings page); reading them is src/db/settings.ts. */
import type { Db } from '../db/index.js';
import { settings } from '../db/schema.js';
import { getSettings, settingsSchema, type SettingKey, type Settings } from '../db/settings.js';
import { recordAudit } from '../audit/repository.js';
import { recomputeFiscalYears, storedYears } from '../figures/recompute.js';

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
