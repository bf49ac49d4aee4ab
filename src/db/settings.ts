/**
 * The city's settings as stored (the settings table holds one JSON value per key), read with their
 * defaults. Below every feature: the figures, the monthly form, the due dates and the trend pages
 * all read them; only the settings page changes them (src/settings/repository.ts).
 */
import { z } from 'zod';
import type { Db } from './index.js';
import { preparedOnce } from './prepared.js';
import { settings } from './schema.js';

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

/** The stored rows last parsed (as text) and what they parsed to: the same rows give the same settings. */
let lastParsed: { text: string; settings: Settings } | null = null;

/** Reads all settings, falling back to defaults for anything not stored (parsed again only when the rows changed). */
export function getSettings(db: Db): Settings {
  const all = preparedOnce(db, 'settings.all', (c) => c.select().from(settings).prepare());
  const rows = all.all();
  const text = JSON.stringify(rows.map((r) => [r.key, r.value]));
  if (lastParsed?.text !== text) {
    const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
    const known = Object.fromEntries(Object.entries(stored).filter(([k]) => k in settingsSchema.shape));
    lastParsed = { text, settings: settingsSchema.parse(known) };
  }
  // A copy: a caller that changes what it got changes nothing for the next one.
  return { ...lastParsed.settings };
}
