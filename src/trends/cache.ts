// Figures served from memory until the next write (issue 9, item 4).
//
// Trend tables, household tables, the trend API, charts and exports are kept
// here under a key of everything they show (kind, scope, window, basis,
// thresholds, format …). Every write transaction that can change a figure bumps
// the one-row `data_version` table (SQLite triggers, migration 0004), also
// when another process (the CLI) writes; each request reads that version with
// one prepared statement, and a different version empties the cache.
//
// Only what is the same for every user who may see it is cached: table models,
// JSON, SVG and files. Pages are rendered per request, so a name, a CSRF token
// or a flash message never comes from the cache.
import type Database from 'better-sqlite3';

/** Entries kept at most; the least recently used goes first. */
export const CACHE_ENTRIES = 300;

export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
  /** How many times a new data version emptied the cache. */
  invalidations: number;
}

/**
 * The data version of one connection, read with one statement prepared once; a
 * request reads it at most once (`of(request)`), however many caches it asks.
 */
class DataVersion {
  /** How many times the version was read (a test proves a warm page reads it once). */
  reads = 0;
  private readonly statement: Database.Statement<[], number>;
  private readonly byRequest = new WeakMap<object, number>();

  constructor(sqlite: Database.Database) {
    this.statement = sqlite.prepare<[], number>('SELECT version FROM data_version WHERE id = 1').pluck();
  }

  read(): number {
    this.reads++;
    return this.statement.get() ?? 0;
  }

  /** The version as of the request's first look: read once, then the same for the rest of the request. */
  of(request: object): number {
    let version = this.byRequest.get(request);
    if (version === undefined) this.byRequest.set(request, (version = this.read()));
    return version;
  }
}

const dataVersions = new WeakMap<Database.Database, DataVersion>();

/** The data version reader of a connection. */
export function dataVersionOf(sqlite: Database.Database): DataVersion {
  let reader = dataVersions.get(sqlite);
  if (!reader) dataVersions.set(sqlite, (reader = new DataVersion(sqlite)));
  return reader;
}

/**
 * The data version as of this request's first look at it (the scope guard's, usually), read once per
 * request and passed to every cache the request asks: its cached parts are all as of its start.
 */
export function requestDataVersion(sqlite: Database.Database, request: object): number {
  return dataVersionOf(sqlite).of(request);
}

export class FiguresCache {
  private readonly entries = new Map<string, unknown>();
  private readonly dataVersion: DataVersion;
  private version = -1;
  private readonly counts = { hits: 0, misses: 0, invalidations: 0 };

  constructor(
    sqlite: Database.Database,
    private readonly maxEntries = CACHE_ENTRIES,
  ) {
    this.dataVersion = dataVersionOf(sqlite);
  }

  /** The current data version; empties the cache when it has moved since the last look. */
  currentVersion(): number {
    return this.adopt(this.dataVersion.read());
  }

  /** Moves the cache to `version` (read by the caller), emptying it when it differs. */
  private adopt(version: number): number {
    if (version !== this.version) {
      if (this.entries.size > 0) this.counts.invalidations++;
      this.entries.clear();
      this.version = version;
    }
    return version;
  }

  /**
   * The value under `key`, built by `build` when missing. The version is read
   * before building, so a write that lands while building leaves an entry that
   * the next request throws away. A promise is kept as it is (one build for
   * requests that arrive together); a failed one is forgotten.
   *
   * `version`: the data version the caller read at the start of its request (requestDataVersion()). It
   * is not read again: a newer one empties the cache; an older one (a write landed since the request
   * began) finds the cache already emptied for the newer data, which it may serve, as if it had been
   * answered a moment later. Every entry is built after its version was read, so an entry is never
   * older than its version. Without `version`, the version is read here.
   */
  get<T>(key: string, build: () => T, version?: number): T {
    if (version === undefined) this.currentVersion();
    else if (version > this.version) this.adopt(version);
    if (this.entries.has(key)) {
      const value = this.entries.get(key) as T;
      // Most recently used last: a Map keeps insertion order.
      this.entries.delete(key);
      this.entries.set(key, value);
      this.counts.hits++;
      return value;
    }
    this.counts.misses++;
    const value = build();
    this.entries.set(key, value);
    if (value instanceof Promise) value.catch(() => this.entries.get(key) === value && this.entries.delete(key));
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  stats(): CacheStats {
    return { ...this.counts, entries: this.entries.size };
  }
}

/** One cache per database connection and purpose, made on first use. */
function perConnection(): (sqlite: Database.Database) => FiguresCache {
  const caches = new WeakMap<Database.Database, FiguresCache>();
  return (sqlite) => {
    let cache = caches.get(sqlite);
    if (!cache) {
      cache = new FiguresCache(sqlite);
      caches.set(sqlite, cache);
    }
    return cache;
  };
}

/** The cache of one database connection (one per app; tests each have their own). */
export const figuresCache = perConnection();

/**
 * A second cache under the same data version, for the small lookups around a
 * table that every request makes (a scope by its key, the default window, the
 * scope picker's choices), kept apart from the figures and their counts.
 */
export const lookupCache = perConnection();

/** A cache key from its parts, in a fixed order. */
export function cacheKey(parts: Record<string, string | number | boolean | null | undefined>): string {
  return Object.entries(parts)
    .map(([k, v]) => `${k}=${v ?? ''}`)
    .join('&');
}
