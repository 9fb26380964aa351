import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXAMPLES, nepi } from '../cli/cli.js';
import { findAll, parseXml } from '../timeline/xml.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nepi-graph-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('nepi graph FILE', () => {
  it('prints the graph as DOT on stdout', async () => {
    const result = await nepi(['graph', join(EXAMPLES, 'fan-in.yaml')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^digraph "fan-in" \{/);
    for (const name of ['node', 'producer1', 'producer2', 'producer3', 'consumer']) {
      expect(result.stdout).toContain(`"${name}" [label="${name}\\n`);
      if (name !== 'node') expect(result.stdout).toContain(`"node" -> "${name}" [dir=none`);
    }
    for (const producer of ['producer1', 'producer2', 'producer3']) {
      expect(result.stdout).toContain(`"${producer}" -> "consumer" [style=dashed`);
    }
  });

  it('writes SVG drawn by Graphviz compiled to WebAssembly, with every resource in it', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `app${i}`);
    writeFileSync(
      join(dir, 'many.yaml'),
      ['expId: many', 'resources:', '  host: { type: dummy::Node }', ...names.map((name) => `  ${name}: { type: dummy::Application, connect: [host] }`)].join(
        '\n',
      ),
    );
    const out = join(dir, 'graph.svg');
    const result = await nepi(['graph', join(dir, 'many.yaml'), '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    const svg = parseXml(readFileSync(out, 'utf8'));
    expect(svg.name).toBe('svg');
    const nodes = findAll(svg, (e) => e.name === 'g' && e.attributes['class'] === 'node');
    const titles = nodes.map((g) => g.children.find((c) => c.name === 'title')!.text);
    expect(titles.sort()).toEqual(['host', ...names].sort());
    expect(findAll(svg, (e) => e.name === 'g' && e.attributes['class'] === 'edge')).toHaveLength(30);
  });

  it('writes DOT to a .dot file', async () => {
    const out = join(dir, 'graph.dot');
    const result = await nepi(['graph', join(EXAMPLES, 'client-server.yaml'), '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('"server" -> "client" [style=dashed');
  });

  it('exits with 2 for an output it cannot write and for an invalid file', async () => {
    const png = await nepi(['graph', join(EXAMPLES, 'client-server.yaml'), '-o', join(dir, 'graph.png')]);
    expect(png.code).toBe(2);
    expect(png.stderr).toContain('expected a file name ending in .dot, .gv or .svg');
    expect(existsSync(join(dir, 'graph.png'))).toBe(false);
    writeFileSync(join(dir, 'bad.yaml'), 'resources:\n  a: { type: dummy::Nod }\n');
    const bad = await nepi(['graph', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown resource type 'dummy::Nod' - did you mean 'dummy::Node'?");
    const missing = join(dir, 'no-such-folder', 'graph.svg');
    const unwritable = await nepi(['graph', join(EXAMPLES, 'client-server.yaml'), '-o', missing]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toBe(`nepi: cannot write '${missing}': its folder does not exist\n`);
  });

  it('names a file without expId after the file, the same every time', async () => {
    writeFileSync(join(dir, 'no-id.yaml'), 'resources:\n  a: { type: dummy::Node }\n');
    const first = await nepi(['graph', join(dir, 'no-id.yaml')]);
    const second = await nepi(['graph', join(dir, 'no-id.yaml')]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^digraph "no-id" \{/);
    expect(second.stdout).toBe(first.stdout);
  });
});
