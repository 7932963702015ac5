// The shape of the code (issue #14, docs/architecture.md): every module under src/ and parsers/
// imports only from its own layer or the layers below it, and no module reaches itself again
// through its imports. Both kinds of import count, runtime and type-only: a type-only cycle is
// still two modules that cannot be understood (or moved) one without the other.
//
// The module graph is read from the sources themselves: ts.preProcessFile finds import/export
// ... from, import type, and import('...') (also inside types), and a regex finds the worker
// scripts started with new Worker(new URL('./x.js', import.meta.url)), which no import names.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..');

/** Bottom up: a module may import from its own layer and the ones before it, never after. */
const LAYERS = [
  'util', 'parsers', 'config', 'store', 'query', 'ingest', 'report', 'diagnose', 'correlate', 'postmortem', 'tui', 'demo', 'cli',
] as const;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(rel));
    else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Every relative module specifier in a file's text. */
function specifiers(text: string): string[] {
  const found = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  for (const m of text.matchAll(/new\s+URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g)) found.push(m[1]);
  return found.filter((s) => s.startsWith('.'));
}

interface Graph {
  files: string[];
  edges: Map<string, string[]>;
  unresolved: string[];
}

function buildGraph(files: string[], read: (f: string) => string): Graph {
  const known = new Set(files);
  const edges = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const f of files) {
    const to = new Set<string>();
    for (const spec of specifiers(read(f))) {
      const base = normalize(join(dirname(f), spec));
      // NodeNext: the specifier names the emitted .js; the source is .ts or .tsx
      const hit = [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base].find((c) => known.has(c));
      if (hit) to.add(hit);
      else unresolved.push(`${f} -> ${spec}`);
    }
    edges.set(f, [...to].sort());
  }
  return { files, edges, unresolved };
}

function layerOf(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'src' ? parts[1] : parts[0];
}

/** Edges that point up the layers (or into a folder no layer names). */
function upwardEdges(g: Graph): string[] {
  const rank = new Map<string, number>(LAYERS.map((l, i) => [l, i]));
  const out: string[] = [];
  for (const [from, tos] of g.edges) {
    for (const to of tos) {
      const a = rank.get(layerOf(from)), b = rank.get(layerOf(to));
      if (a === undefined || b === undefined) out.push(`${from} -> ${to} (no layer for ${a === undefined ? layerOf(from) : layerOf(to)})`);
      else if (b > a) out.push(`${from} -> ${to} (${layerOf(from)} is below ${layerOf(to)})`);
    }
  }
  return out;
}

/** One cycle per strongly connected component (Tarjan), each written a -> b -> ... -> a. */
function cycles(g: Graph): string[] {
  let next = 0;
  const index = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || (g.edges.get(v) ?? []).includes(v)) components.push(c);
    }
  };
  for (const f of g.files) if (!index.has(f)) visit(f);
  return components.map((c) => {
    // the shortest way from the component's first file back to itself, within the component
    const inside = new Set(c);
    const start = c.sort()[0];
    const prev = new Map<string, string>();
    const queue = [start];
    let end: string | null = null;
    for (let i = 0; i < queue.length && end === null; i++) {
      for (const w of g.edges.get(queue[i]) ?? []) {
        if (!inside.has(w)) continue;
        if (w === start) { end = queue[i]; break; }
        if (!prev.has(w)) { prev.set(w, queue[i]); queue.push(w); }
      }
    }
    const path = [start];
    for (let v = end!; v !== start; v = prev.get(v)!) path.splice(1, 0, v);
    const others = c.filter((f) => !path.includes(f)).sort();
    return [...path, start].join(' -> ') + (others.length ? ` (the same knot also holds ${others.join(', ')})` : '');
  });
}

const FILES = [...sources('src'), ...sources('parsers')].sort();
const GRAPH = buildGraph(FILES, (f) => readFileSync(join(ROOT, f), 'utf8'));

describe('architecture', () => {
  it('reads every kind of import the code uses', () => {
    const g = buildGraph(['src/a/x.ts', 'src/a/y.ts', 'src/a/z.tsx', 'src/a/w.ts', 'src/b/v.ts'], (f) => ({
      'src/a/x.ts': "import type { T } from './y.js';\nexport { z } from './z.js';\nconst w = new Worker(new URL('./w.js', import.meta.url));\n" +
        "type V = typeof import('../b/v.js');\n// import { n } from './comment.js'\nimport { readFileSync } from 'node:fs';",
      'src/a/y.ts': "const m = await import('./x.js');",
    } as Record<string, string>)[f] ?? '');
    expect(g.edges.get('src/a/x.ts')).toEqual(['src/a/w.ts', 'src/a/y.ts', 'src/a/z.tsx', 'src/b/v.ts']);
    expect(g.unresolved).toEqual([]);
    expect(cycles(g)).toEqual(['src/a/x.ts -> src/a/y.ts -> src/a/x.ts']);
    // and the real graph has the edges of each kind (a scanner that missed them would pass below)
    expect(GRAPH.edges.get('src/query/rollup-stream.ts')).toContain('src/query/rollup-stream-worker.ts');
    expect(GRAPH.edges.get('src/cli/main.ts')).toContain('src/cli/ingest.ts');
    expect(GRAPH.edges.get('src/store/writer.ts')).toContain('src/store/db.ts');
  });

  it('every relative import names a file under src/ or parsers/', () => {
    expect(GRAPH.unresolved).toEqual([]);
  });

  it(`imports point down the layers (bottom up: ${LAYERS.join(', ')})`, () => {
    expect(upwardEdges(GRAPH)).toEqual([]);
  });

  it('no import cycles, runtime or type-only', () => {
    expect(cycles(GRAPH)).toEqual([]);
  });
});
