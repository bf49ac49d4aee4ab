import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The shape of src/ (CONVENTIONS "Shared web helpers live in a shared module"): a feature never
 * imports another feature's routes (only src/app.ts registers them), and the feature directories
 * do not import each other in a circle. Read from the source text, so it needs no build.
 *
 * The layers, from the bottom (each imports only what lies below it):
 *   domain/      pure rules and the catalogue (fiscal years, numbers, cells of an import file,
 *                what an import reads and answers); imports nothing of the app.
 *   db/, web/    the connection, schema and stored settings; the web kit (parameters, replies,
 *                forms, files, SVG, URLs, Japan time): web imports only domain and db.
 *   auth/, audit/, figures/
 *                roles and sessions (the guard spec, not the guards); the audit log; the stored
 *                figures and which months and years hold data (read by every feature).
 *   the features (districts, monthlyReports, indicators, reviews, trends, agendas, …): acyclic
 *                among themselves; a shared piece goes down a layer, never sideways.
 *   imports/, exports/
 *                dispatchers that know every kind of file: they import the features, no feature
 *                imports them (a feature's own importer uses domain/importFile.ts and cells.ts).
 *   guards/      the guard factories: they load records through the user's scope with the
 *                features' repositories; only files that declare routes import them.
 *   routes       each feature's routes.ts (and route kits such as registers/entryPages.ts),
 *                registered by src/app.ts alone.
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

interface Import {
  /** File that imports, relative to src/ ('users/routes.ts'). */
  from: string;
  /** File imported, relative to src/, as written with .js turned into .ts. */
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import and re-export of every file under `root` (static, type-only and dynamic). */
export function importsOf(root: string): Import[] {
  const found: Import[] = [];
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    const specifiers = [
      ...text.matchAll(/\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g),
      ...text.matchAll(/\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g),
      ...text.matchAll(/^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/gm),
    ].map((m) => m[1]!);
    for (const spec of specifiers) {
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      found.push({ from: relative(root, file).split(sep).join('/'), to: relative(root, target).split(sep).join('/') });
    }
  }
  return found;
}

/** The feature directory of a path under src/ ('users/routes.ts' → 'users'); null for top-level files such as app.ts. */
const featureOf = (path: string): string | null => (path.includes('/') ? path.split('/')[0]! : null);

const isRouteFile = (path: string): boolean => /(^|\/)(routes|[A-Za-z0-9]*Routes)\.ts$/.test(path);

/** Imports of a feature's route file from outside that feature, except by src/app.ts. */
export function routeImportsAcrossFeatures(imports: readonly Import[]): string[] {
  return imports.filter((i) => i.from !== 'app.ts' && isRouteFile(i.to) && featureOf(i.to) !== featureOf(i.from)).map((i) => `${i.from} → ${i.to}`);
}

/**
 * The guard factories (src/guards/): they load records through the user's scope with the features'
 * repositories, so they sit above every feature's modules and below the routes. Only files that
 * declare routes import them (checked below); an import of the guards is the route's, not its
 * feature's, so it is no edge of the feature graph (the guards' own imports are).
 */
const GUARDS = 'guards';

/** Whether the source text declares routes (`app.get(…)`, `app.post(…)`, …): a routes file or a route kit such as registers/entryPages.ts. */
const declaresRoutes = (text: string): boolean => /\bapp\.(?:get|post|put|patch|delete|route)\s*\(/.test(text);

/** The directory graph: feature → the features it imports (top-level files and imports of the guards left out). */
export function featureGraph(imports: readonly Import[]): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const i of imports) {
    const a = featureOf(i.from);
    const b = featureOf(i.to);
    if (a === null || b === null || a === b || b === GUARDS) continue;
    const edges = graph.get(a) ?? new Map<string, string[]>();
    graph.set(a, edges);
    edges.set(b, [...(edges.get(b) ?? []), `${i.from} → ${i.to}`]);
  }
  return graph;
}

/** Groups of features that import each other in a circle (strongly connected components of two or more; Tarjan). */
export function featureCycles(graph: ReadonlyMap<string, ReadonlyMap<string, unknown>>, ignoredEdges: ReadonlySet<string> = new Set()): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (ignoredEdges.has(`${v} → ${w}`)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) cycles.push(group.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

/*
 * Feature imports that still close a circle, each to be turned around (move the shared piece below
 * both features) and then struck from this list. Empty since issue 13: the test fails on any
 * circle, and on an entry that no longer exists, so the list can only stay empty.
 */
const KNOWN_BACK_EDGES = new Map<string, string>([]);

describe('the shape of src/', () => {
  const imports = importsOf(SRC);

  it('reads the imports (the checker itself works)', () => {
    expect(imports.length).toBeGreaterThan(300);
    expect(imports).toContainEqual({ from: 'app.ts', to: 'trends/routes.ts' });
    // A made-up tree: a route import across features and a circle are both found.
    const made = [
      { from: 'a/routes.ts', to: 'b/query.ts' },
      { from: 'b/query.ts', to: 'a/repository.ts' },
      { from: 'c/view.ts', to: 'a/routes.ts' },
      { from: 'c/view.ts', to: 'c/routes.ts' },
      { from: 'app.ts', to: 'c/contactRoutes.ts' },
      { from: 'd/x.ts', to: 'c/contactRoutes.ts' },
    ];
    expect(routeImportsAcrossFeatures(made)).toEqual(['c/view.ts → a/routes.ts', 'd/x.ts → c/contactRoutes.ts']);
    expect(featureCycles(featureGraph(made))).toEqual([['a', 'b']]);
    expect(featureCycles(featureGraph(made), new Set(['b → a']))).toEqual([]);
    // A route's import of the guards is no edge; the guards' own imports are.
    const guarded = featureGraph([
      { from: 'a/routes.ts', to: 'guards/guard.ts' },
      { from: 'guards/guard.ts', to: 'a/repository.ts' },
    ]);
    expect(featureCycles(guarded)).toEqual([]);
    expect([...(guarded.get('guards')?.keys() ?? [])]).toEqual(['a']);
    expect(guarded.has('a')).toBe(false);
  });

  it('no feature imports another feature’s routes (only src/app.ts registers them)', () => {
    expect(routeImportsAcrossFeatures(imports)).toEqual([]);
  });

  it('only files that declare routes import the guards (the guards sit above every feature’s modules)', () => {
    const importers = [...new Set(imports.filter((i) => featureOf(i.to) === GUARDS && featureOf(i.from) !== GUARDS).map((i) => i.from))];
    expect(importers.length).toBeGreaterThan(20);
    expect(importers.filter((from) => from !== 'app.ts' && !declaresRoutes(readFileSync(join(SRC, from), 'utf8')))).toEqual([]);
    // The guards' own imports are edges of the graph: they load through the features, never through a route.
    expect(routeImportsAcrossFeatures(imports.filter((i) => featureOf(i.from) === GUARDS))).toEqual([]);
    expect(declaresRoutes("app.get('/x', { preHandler: guard.city('read') }, handler)")).toBe(true);
    expect(declaresRoutes("import { guard } from '../guards/guard.js';")).toBe(false);
  });

  it('the web kit and the domain import no feature', () => {
    const graph = featureGraph(imports);
    expect([...(graph.get('web')?.keys() ?? [])].filter((f) => f !== 'domain' && f !== 'db')).toEqual([]);
    expect([...(graph.get('domain')?.keys() ?? [])]).toEqual([]);
  });

  it('no import cycle between feature directories (beyond the listed imports still to turn around)', () => {
    const graph = featureGraph(imports);
    const cycles = featureCycles(graph, new Set(KNOWN_BACK_EDGES.keys()));
    const explain = cycles.map((group) =>
      group.flatMap((a) => group.filter((b) => graph.get(a)?.has(b)).map((b) => `${a} → ${b}: ${graph.get(a)!.get(b)![0]}`)),
    );
    expect(explain).toEqual([]);
    // An entry that no longer exists must go, so that the list only shrinks.
    const stale = [...KNOWN_BACK_EDGES.keys()].filter((edge) => {
      const [a, b] = edge.split(' → ') as [string, string];
      return !graph.get(a)?.has(b) || featureCycles(graph).every((group) => !(group.includes(a) && group.includes(b)));
    });
    expect(stale).toEqual([]);
  });

  it('the cycles this round broke stay broken', () => {
    const graph = featureGraph(imports);
    const mutual = (a: string, b: string) => !!graph.get(a)?.has(b) && !!graph.get(b)?.has(a);
    expect(mutual('fiscalYears', 'users')).toBe(false);
    expect(mutual('fiscalYears', 'completeness')).toBe(false);
    expect(mutual('completeness', 'districts')).toBe(false);
    expect(mutual('fiscalYears', 'monthlyReports')).toBe(false);
    // Issue 13: the layers above hold (no feature imports the dispatchers, auth loads nothing of a feature).
    const into = (b: string) => [...graph.entries()].filter(([, edges]) => edges.has(b)).map(([a]) => a);
    expect(into('imports').filter((a) => a !== 'exports')).toEqual([]);
    expect(into('exports')).toEqual([]);
    expect([...(graph.get('auth')?.keys() ?? [])].filter((f) => !['db', 'audit', 'web', 'domain'].includes(f))).toEqual([]);
    expect([...(graph.get('figures')?.keys() ?? [])].filter((f) => !['db', 'audit', 'web', 'domain'].includes(f))).toEqual([]);
  });
});
