import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The shape of src/ (CONVENTIONS "Shared web helpers live in a shared module"): a feature never
 * imports another feature's routes (only src/app.ts registers them), and the feature directories
 * do not import each other in a circle. Read from the source text, so it needs no build.
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

/** The directory graph: feature → the features it imports (top-level files left out). */
export function featureGraph(imports: readonly Import[]): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const i of imports) {
    const a = featureOf(i.from);
    const b = featureOf(i.to);
    if (a === null || b === null || a === b) continue;
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
 * both features) and then struck from this list. The test fails on any circle they do not explain,
 * and on an entry that no longer exists, so the list only shrinks.
 */
const KNOWN_BACK_EDGES = new Map<string, string>([
  // auth/guards.ts (the guard factories) loads records through the user's scope with the features'
  // repositories, while every feature imports auth/access.ts: the guards belong above the features.
  ['auth → agendas', 'guard.agendaSheet loads the sheet'],
  ['auth → districts', 'guard.district loads the district'],
  ['auth → trends', 'guard.scope resolves the scope'],
  ['settings → auth', 'settings routes use the guards (gone once the guards sit above the features)'],
  ['settings → figures', 'saving the trend thresholds recomputes the stored figures'],
  ['districts → registers', 'registers/form.ts holds the form helpers of every register and of the district forms'],
  ['districts → imports', 'districts/rules.ts reads cells with imports/cells.ts (one rule for forms and imports)'],
  ['fiscalYears → users', 'the year list names who closed each year'],
  ['fiscalYears → trends', 'the year list takes the years with data from trends/dataYears.ts'],
  ['imports → successions', 'the import dispatcher calls each kind’s importer'],
  ['imports → indicators', 'as above (indicator definitions and values)'],
  ['imports → monthlyReports', 'as above (monthly reports)'],
  ['imports → publishedFigures', 'as above (published figures)'],
  ['exports → monthlyReports', 'the year export reads the monthly reports'],
  ['exports → trends', 'the trend exports read the trend tables'],
  ['exports → agendas', 'the agenda exports read the sheets'],
  ['monthlyReports → reviews', 'the monthly page shows the ward’s review box'],
  ['monthlyReports → indicators', 'the monthly form carries the council indicators’ section'],
  ['trends → charts', 'the trend page draws a sparkline per row with charts/svg.ts'],
]);

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
  });

  it('no feature imports another feature’s routes (only src/app.ts registers them)', () => {
    expect(routeImportsAcrossFeatures(imports)).toEqual([]);
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
  });
});
