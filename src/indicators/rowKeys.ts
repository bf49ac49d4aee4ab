// Row keys of council-defined indicators in trend tables and agenda sheets (no imports: used everywhere).

/** The row key of an indicator (`ind:<key>`) or of one of its categories (`ind:<key>:<category>`). */
export function indicatorRowKey(indicatorKey: string, categoryKey: string | null = null): `ind:${string}` {
  return categoryKey === null ? `ind:${indicatorKey}` : `ind:${indicatorKey}:${categoryKey}`;
}

/** True if a row key names an indicator row. */
export function isIndicatorRowKey(key: string): key is `ind:${string}` {
  return /^ind:[^:]+(:[^:]+)?$/.test(key);
}
