/**
 * Topologies through the real `nepi` command: problems in a template at its line and column
 * (exit 2), `${parameters}` in an entry, a file mixing a topology with resources that wait for
 * its nodes and links run to its end on the dummy backend, `nepi plan` of a netns topology
 * (no root), and `nepi show --expanded FILE`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXAMPLES, nepi } from './cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nepi-topologies-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, ...lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** A star of three dummy leaves around h0, a server on the centre once every link is READY, a client on a leaf after it. */
const MIXED = [
  'expId: topo-run',
  'topologies:',
  '  - kind: star',
  '    nodes: 3',
  '    prefix: h',
  '    node: { type: dummy::Node, attributes: { deployTime: 100ms } }',
  '    link: { type: dummy::Link, attributes: { deployTime: 50ms } }',
  'resources:',
  '  server:',
  '    type: dummy::Application',
  '    connect: [h0]',
  '    attributes: { runTime: 300ms }',
  '    conditions: [{ action: START, group: [l0-1, l0-2, l0-3], state: READY, time: 200ms }]',
  '  client:',
  '    type: dummy::Application',
  '    connect: [h3]',
  '    attributes: { runTime: 100ms }',
  '    conditions: [{ action: START, group: [server], state: STARTED, time: 100ms }]',
];

describe('nepi validate FILE with topologies', () => {
  it('reports a bad attribute of a template at its line and column, with its dotted path, and exits 2', async () => {
    const file = write(
      'bad.yaml',
      'topologies:',
      '  - kind: linear',
      '    nodes: 4',
      '    prefix: h',
      '    node: { type: netns::Node, attributes: { forwrding: true } }',
      '    link: { type: netns::Link, attributes: { rate: 10mbit } }',
    );
    const result = await nepi(['validate', file], { env: { ...process.env, NO_COLOR: '1' } });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        `nepi: ${file}:5:46: topologies[0].node.attributes.forwrding: type 'netns::Node' has no attribute 'forwrding' - did you mean 'forwarding'?`,
        '  4 |     prefix: h',
        '> 5 |     node: { type: netns::Node, attributes: { forwrding: true } }',
        '    |                                              ^',
        '  6 |     link: { type: netns::Link, attributes: { rate: 10mbit } }',
        '',
      ].join('\n'),
    );
  });

  it('reports a bad count, an unknown type and a clash with a resource of the file, each at its place', async () => {
    const file = write(
      'bad.yaml',
      'topologies:',
      '  - { kind: ring, nodes: 5, prefix: r, node: { type: dummy::Nod }, link: { type: dummy::Link } }',
      '  - { kind: tree, depth: 0, fanout: 2, prefix: t, node: { type: dummy::Node }, link: { type: dummy::Link } }',
      'resources:',
      '  r2: { type: dummy::Node }',
    );
    const result = await nepi(['validate', file]);
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n').filter((line) => line.startsWith(`nepi: ${file}`) || line.startsWith(file));
    // the tree cannot be expanded: the problems of the entries and of their names are reported, not yet the template's type
    expect(lines).toEqual([
      `nepi: ${file}:3:26: topologies[1].depth: expected a whole number of levels below the root, at least 1 for a tree, got 0`,
      `${file}:5:3: resources.r2: resource 'r2' is also made by topologies[0] (${file}:2:5): rename this resource, or give the topology another prefix`,
    ]);
    const fixed = write('fixed.yaml', ...readFileSync(file, 'utf8').replace('depth: 0', 'depth: 1').trimEnd().split('\n'));
    const again = await nepi(['validate', fixed]);
    expect(again.code).toBe(2);
    expect(again.stderr.split('\n').filter((line) => line.includes(fixed))).toEqual([
      `nepi: ${fixed}:2:54: topologies[0].node.type: unknown resource type 'dummy::Nod' - did you mean 'dummy::Node'?`,
      `${fixed}:5:3: resources.r2: resource 'r2' is also made by topologies[0] (${fixed}:2:5): rename this resource, or give the topology another prefix`,
    ]);
  });

  it('takes the size from --param, and needs it', async () => {
    const file = write(
      'sized.yaml',
      'topologies:',
      '  - kind: linear',
      '    nodes: ${n}',
      '    prefix: h',
      '    node: { type: netns::Node }',
      '    link: { type: netns::Link }',
    );
    const eight = await nepi(['validate', file, '--param', 'n=8']);
    expect(eight.stderr).toBe('');
    expect(eight.stdout).toBe(`${file}: valid (15 resources, 0 conditions)\n`);
    const swept = await nepi(['validate', file, '--sweep', 'n=2,3']);
    expect(swept.stdout).toBe(`${file}: valid with n=2 (3 resources, 0 conditions)\n${file}: valid with n=3 (5 resources, 0 conditions)\n`);
    const none = await nepi(['validate', file]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`${file}:3:12: topologies[0].nodes: parameter 'n' has no value: give one with --param n=VALUE`);
  });

  it('validates examples/topology-linear.yaml without root', async () => {
    const file = join(EXAMPLES, 'topology-linear.yaml');
    const result = await nepi(['validate', file]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${file}: valid (9 resources, 2 conditions)\n`);
  });
});

describe('nepi run FILE with a topology and resources of its own', () => {
  it('runs to its end on the dummy backend: links after their nodes, the conditions on topology links and nodes held', async () => {
    const file = write('mixed.yaml', ...MIXED);
    const result = await nepi(['run', file, '--local-dir', dir, '-q']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('status: released (9 resources, 0 failures)');
    const [runId] = readdirSync(join(dir, 'topo-run'));
    const runDir = join(dir, 'topo-run', runId!);
    const { resources } = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as {
      resources: Record<string, { state: string; times: Record<string, number> }>;
    };
    expect(Object.keys(resources)).toEqual(['h0', 'h1', 'h2', 'h3', 'l0-1', 'l0-2', 'l0-3', 'server', 'client']);
    for (const resource of Object.values(resources)) expect(resource.state).toBe('RELEASED');
    const ready = (name: string) => resources[name]!.times['READY']!;
    for (const leaf of [1, 2, 3]) expect(ready(`l0-${leaf}`)).toBeGreaterThanOrEqual(Math.max(ready('h0'), ready(`h${leaf}`)));
    const server = resources['server']!.times;
    expect(server['STARTED']! - Math.max(ready('l0-1'), ready('l0-2'), ready('l0-3'))).toBeGreaterThanOrEqual(200);
    expect(resources['client']!.times['STARTED']! - server['STARTED']!).toBeGreaterThanOrEqual(100);
    // the run directory holds the expanded experiment: what a resume or `nepi show` reads
    const recorded = JSON.parse(readFileSync(join(runDir, 'experiment.json'), 'utf8')) as { resources: Record<string, { type: string; connect?: string[] }> };
    expect(recorded.resources['l0-3']).toMatchObject({ type: 'dummy::Link', connect: ['h0', 'h3'] });
    const shown = await nepi(['show', runDir]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^ {2}l0-2\s+dummy::Link\s+RELEASED/m);
  });
});

describe('nepi plan FILE with a netns topology', () => {
  it('predicts every node and link the topology makes, without root', async () => {
    const result = await nepi(['plan', join(EXAMPLES, 'topology-linear.yaml'), '-o', join(dir, 'plan')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const rows = result.stdout
      .split('\n')
      .map((line) => /^(\S+)\s+(netns::\w+|linux::Ping)\s/.exec(line)?.slice(1, 3).join(' '))
      .filter((row) => row !== undefined);
    expect(rows).toEqual([
      'h1 netns::Node',
      'h2 netns::Node',
      'h3 netns::Node',
      'h4 netns::Node',
      'l1-2 netns::Link',
      'l2-3 netns::Link',
      'l3-4 netns::Link',
      'ping-h1 linux::Ping',
      'ping-h4 linux::Ping',
    ]);
  });
});

describe('nepi show --expanded FILE', () => {
  it('prints the experiment as it runs, as YAML: what each topology made, then the file’s own resources', async () => {
    const file = write(
      'small.yaml',
      'expId: small',
      'topologies:',
      '  - kind: linear',
      '    nodes: ${n}',
      '    prefix: h',
      '    node: { type: dummy::Node, attributes: { deployTime: 1s } }',
      '    link: { type: dummy::Link }',
      'resources:',
      '  app: { type: dummy::Application, connect: [h2], conditions: [{ action: START, group: [l1-2], state: READY }] }',
    );
    const result = await nepi(['show', '--expanded', file, '--param', 'n=2']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `# ${file}, expanded: 4 resources, 3 of them made by 1 topology`,
        '',
        'expId: small',
        'resources:',
        '  # topologies[0]: linear, 2 nodes (h1..h2), 1 link (l1-2)',
        '  h1:',
        '    type: dummy::Node',
        '    attributes:',
        '      deployTime: 1s',
        '  h2:',
        '    type: dummy::Node',
        '    attributes:',
        '      deployTime: 1s',
        '  l1-2:',
        '    type: dummy::Link',
        '    connect: [h1, h2]',
        '  app:',
        '    type: dummy::Application',
        '    connect: [h2]',
        '    conditions:',
        '      - action: START',
        '        group: [l1-2]',
        '        state: READY',
        '',
      ].join('\n'),
    );
    // what it prints is an experiment file, the same experiment
    const expanded = write('expanded.yaml', result.stdout);
    expect((await nepi(['validate', expanded])).stdout).toBe(`${expanded}: valid (4 resources, 1 conditions)\n`);
  });

  it('prints the example’s nodes and links', async () => {
    const result = await nepi(['show', '--expanded', join(EXAMPLES, 'topology-linear.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  # topologies[0]: linear, 4 nodes (h1..h4), 3 links (l1-2..l3-4)\n  h1:\n    type: netns::Node\n');
    expect(result.stdout).toContain('  l3-4:\n    type: netns::Link\n    connect: [h3, h4]\n    attributes:\n      rate: 10mbit\n');
  });

  it('reports a bad file as validate does, with exit code 2, and refuses a run directory beside it', async () => {
    const file = write('bad.yaml', 'topologies:', '  - { kind: lineer, nodes: 2, prefix: h, node: { type: dummy::Node }, link: { type: dummy::Link } }');
    const bad = await nepi(['show', '--expanded', file]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(`nepi: ${file}:2:13: topologies[0].kind: unknown topology kind "lineer" - did you mean 'linear'?`);
    const both = await nepi(['show', dir, '--expanded', file]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('nepi show takes a run directory or --expanded FILE, not both');
    const neither = await nepi(['show']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('nepi show needs a run directory');
  });
});
