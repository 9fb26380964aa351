/**
 * The shape of the code, checked on the built modules (`npm test` builds first): no import
 * cycle; the machines import nothing of src/; the engine's layers import in one direction
 * (files build on the experiment, never the other way; the engine knows no backend); no
 * backend keeps state at module level (a backend's state lives in its per-experiment
 * session); the facade stays small.
 */
import ts from 'typescript';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dist = join(root, 'dist');

function files(dir: string, extension: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, extension) : path.endsWith(extension) ? [path] : [];
  });
}

/** Every built module of src/ and machines/ and the modules it imports at run time (static, re-exports, import()). */
function importGraph(): Map<string, string[]> {
  if (!existsSync(join(dist, 'src'))) throw new Error('dist/ is missing: run `npm test`, which builds before it tests');
  const modules = [...files(join(dist, 'src'), '.js'), ...files(join(dist, 'machines'), '.js')];
  const known = new Set(modules);
  const graph = new Map<string, string[]>();
  for (const module of modules) {
    const text = readFileSync(module, 'utf8');
    const targets = new Set<string>();
    for (const match of text.matchAll(
      /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"](\.[^'"]+)['"]/g,
    )) {
      const target = resolve(dirname(module), (match[1] ?? match[2] ?? match[3])!);
      if (known.has(target)) targets.add(target);
    }
    graph.set(module, [...targets]);
  }
  return graph;
}

/** The strongly connected components of more than one module (or a module importing itself): the cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) found.push(component.map((m) => relative(dist, m)));
    }
  };
  for (const module of graph.keys()) if (!index.has(module)) visit(module);
  return found;
}

const folder = (module: string) => relative(dist, module).split('/').slice(0, 2).join('/');

describe('the layers of the code', () => {
  const graph = importGraph();

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('imports in one direction: machines ← engine ← files, and the engine knows no backend', () => {
    const wrong: string[] = [];
    const forbidden: Array<[from: string, to: RegExp, why: string]> = [
      ['machines', /^src\//, 'the machines are free of I/O and of the rest'],
      ['src/experiment', /^src\/(files|backends|cli|campaign|ui|plan|graph)\//, 'the experiment layer is below them'],
      ['src/resources', /^src\/(experiment|files|backends|cli)\//, 'resource types are below the experiment'],
      ['src/run', /^src\/(experiment|files|backends|cli)\//, 'the run directory is below the experiment'],
      ['src/files', /^src\/(backends|cli)\//, 'files know no backend'],
    ];
    for (const [module, targets] of graph) {
      const from = relative(dist, module);
      for (const target of targets) {
        const to = relative(dist, target);
        for (const [layer, pattern, why] of forbidden) {
          if ((from.startsWith(`${layer}/`) || folder(module) === layer) && pattern.test(to)) wrong.push(`${from} -> ${to} (${why})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps no backend state at module level: only the process exit guard holds anything', () => {
    const holding: string[] = [];
    for (const file of files(join(root, 'src/backends'), '.ts')) {
      const text = readFileSync(file, 'utf8');
      for (const [i, line] of text.split('\n').entries()) {
        // a top-level `let`, or a top-level collection (a Map, Set, WeakMap, array) that can be
        // filled; a constant table (an UPPER_CASE name) is read only
        if (/^(let |(export )?const (?![A-Z][A-Z0-9_]*\b)\w+(: [^=]+)? = (new (Map|Set|WeakMap|WeakSet)\b|\[\]))/.test(line))
          holding.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
      }
    }
    expect(holding).toEqual(['src/backends/exit-guard.ts:9: const cleanups = new Set<() => void>();', 'src/backends/exit-guard.ts:10: let hooked = false;']);
  });

  // the facade carries NEPI's whole ExperimentController API (some forty calls, most of them
  // documented one-liners): what keeps it easy to read is that each call only checks and
  // delegates (to the model, the machine, the waits), which the second check holds it to
  it('keeps the facade small: experiment-controller.ts under 450 lines', () => {
    const lines = readFileSync(join(root, 'src/experiment/experiment-controller.ts'), 'utf8').split('\n').length;
    expect(lines).toBeLessThan(450);
  });

  it('keeps every call of the facade short: no method body over 15 lines (the work is done elsewhere)', () => {
    const path = join(root, 'src/experiment/experiment-controller.ts');
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const long: string[] = [];
    const visit = (node: ts.Node): void => {
      if ((ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessor(node)) && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.body.getStart()).line;
        const end = source.getLineAndCharacterOfPosition(node.body.getEnd()).line;
        const name = ts.isConstructorDeclaration(node) ? 'constructor' : node.name.getText();
        // the constructor wires the parts together, once
        if (end - start - 1 > (name === 'constructor' ? 40 : 15)) long.push(`${name}: ${end - start - 1} lines`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    expect(long).toEqual([]);
  });
});
