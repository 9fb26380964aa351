import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nepi } from '../cli/cli.js';
import { byKind, parseXml } from '../timeline/xml.js';
import { clientServer, tempFolder } from './files.js';

describe('nepi plan FILE', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('shows when SET conditions change attributes, and draws them in the timeline', async () => {
    const folder = tempFolder();
    cleanups.push(folder.cleanup);
    folder.write('set.yaml', [
      'expId: setplan',
      'resources:',
      '  n: { type: dummy::Node }',
      '  a: { type: dummy::Application, connect: [n], attributes: { runTime: 5s, startTime: 1s } }',
      '  b:',
      '    type: dummy::Application',
      '    connect: [n]',
      '    attributes: { runTime: 5s, rate: 1mbit }',
      '    conditions:',
      '      - { action: SET, attribute: rate, value: 2mbit, group: [a], state: STARTED, time: 2s }',
    ]);
    const result = await nepi(['plan', 'set.yaml'], { cwd: folder.dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('changes (SET conditions):\n  3s  b: rate -> "2mbit"\n');
    const svg = parseXml(readFileSync(join(folder.dir, 'nepi-runs', 'setplan', 'plan', 'timeline.svg'), 'utf8'));
    expect(byKind(svg, 'arrow')).toHaveLength(1);
  });

  it('prints the predicted start and end of every resource and the total, and writes the predicted timeline', async () => {
    const folder = tempFolder();
    cleanups.push(folder.cleanup);
    folder.write('exp.yaml', clientServer(join(folder.dir, 'ran')));
    const result = await nepi(['plan', 'exp.yaml'], { cwd: folder.dir });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('plan of planned (3 resources), times from the start of the deployment:');
    expect(lines).toContain('resource  type                deploy  ready  start  end           released');
    expect(lines).toContain('server    linux::Application  2s      3s     3s     13s FINISHED  13s');
    expect(lines).toContain('client    linux::Application  2s      2s     5s     8s FINISHED   13s');
    expect(lines).toContain('total: 13s');
    expect(lines).toContain(`timeline: ${join('nepi-runs', 'planned', 'plan', 'timeline.html')}`);
    expect(existsSync(join(folder.dir, 'ran'))).toBe(false);

    const planDir = join(folder.dir, 'nepi-runs', 'planned', 'plan');
    const records = readFileSync(join(planDir, 'events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind?: string; event?: string });
    const svg = parseXml(readFileSync(join(planDir, 'timeline.svg'), 'utf8'));
    expect(byKind(svg, 'bar')).toHaveLength(records.filter((r) => r.kind === undefined).length);
    expect(byKind(svg, 'arrow')).toHaveLength(1);
    expect(readFileSync(join(planDir, 'timeline.html'), 'utf8')).toContain('plan of planned');
    expect(JSON.parse(readFileSync(join(planDir, 'plan.json'), 'utf8'))).toMatchObject({ expId: 'planned', total: 13000 });
    // the plan folder is a run directory for `nepi timeline`
    expect((await nepi(['timeline', planDir, '-o', join(folder.dir, 'again.svg')])).code).toBe(0);
  });

  it('prints the plan as JSON and writes where -o says', async () => {
    const folder = tempFolder();
    cleanups.push(folder.cleanup);
    folder.write('exp.yaml', clientServer(join(folder.dir, 'ran')));
    const result = await nepi(['plan', 'exp.yaml', '--json', '-o', 'predicted'], { cwd: folder.dir });
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as { total: number; resources: { guid: string; start: number }[] };
    expect(plan.total).toBe(13000);
    expect(plan.resources.map((r) => [r.guid, r.start])).toEqual([
      ['node', 3000],
      ['server', 3000],
      ['client', 5000],
    ]);
    expect(existsSync(join(folder.dir, 'predicted', 'timeline.svg'))).toBe(true);
    expect(existsSync(join(folder.dir, 'nepi-runs'))).toBe(false);
  });

  it('plans every combination of --sweep, each into its own folder', async () => {
    const folder = tempFolder();
    cleanups.push(folder.cleanup);
    folder.write(
      'exp.yaml',
      clientServer(join(folder.dir, 'ran')).map((line) => line.replace('time: 2s', 'time: "${wait}"')),
    );
    const result = await nepi(['plan', 'exp.yaml', '--sweep', 'wait=1s,4s', '-o', 'predicted'], { cwd: folder.dir });
    expect(result.code, result.stderr).toBe(0);
    const sections = result.stdout.split(/^with /m).slice(1);
    expect(sections.map((section) => section.split('\n')[0])).toEqual(['wait=1s:', 'wait=4s:']);
    expect(sections[0]).toContain('client    linux::Application  2s      2s     4s     7s FINISHED   13s');
    expect(sections[1]).toContain('client    linux::Application  2s      2s     7s     10s FINISHED  13s');
    for (const name of ['wait=1s', 'wait=4s']) expect(existsSync(join(folder.dir, 'predicted', name, 'timeline.svg'))).toBe(true);

    const json = await nepi(['plan', 'exp.yaml', '--sweep', 'wait=1s,4s', '--json', '-o', 'predicted'], { cwd: folder.dir });
    const plans = JSON.parse(json.stdout) as { parameters: Record<string, string>; plan: { resources: { guid: string; start: number }[] } }[];
    expect(plans.map(({ parameters, plan }) => [parameters['wait'], plan.resources.find((r) => r.guid === 'client')?.start])).toEqual([
      ['1s', 4000],
      ['4s', 7000],
    ]);
  });

  it('reports conditions that can never hold exactly as validate does, with exit code 2', async () => {
    const folder = tempFolder();
    cleanups.push(folder.cleanup);
    folder.write('cycle.yaml', [
      'resources:',
      '  node: { type: dummy::Node }',
      '  a:',
      '    type: dummy::Application',
      '    connect: [node]',
      '    conditions: [{ action: START, group: b, state: STARTED }]',
      '  b:',
      '    type: dummy::Application',
      '    connect: [node]',
      '    conditions: [{ action: START, group: a, state: STARTED }]',
    ]);
    const plan = await nepi(['plan', 'cycle.yaml'], { cwd: folder.dir });
    const validate = await nepi(['validate', 'cycle.yaml'], { cwd: folder.dir });
    expect(plan.code).toBe(2);
    expect(validate.code).toBe(2);
    expect(plan.stderr).toContain('conditions form a cycle and can never hold');
    expect(plan.stderr).toBe(validate.stderr);
    expect(plan.stdout).toBe('');
    expect(existsSync(join(folder.dir, 'nepi-runs'))).toBe(false);
  });

  it('checks plan hints like the rest of the file', async () => {
    const folder = tempFolder();
    cleanups.push(folder.cleanup);
    folder.write('bad.yaml', ['resources:', '  node: { type: dummy::Node, plan: { deplyo: 2s, run: forever } }']);
    const result = await nepi(['plan', 'bad.yaml'], { cwd: folder.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("bad.yaml:2:38: resources.node.plan.deplyo: unknown key 'deplyo' - did you mean 'deploy'?");
    expect(result.stderr).toContain('resources.node.plan.run: invalid duration "forever"');
  });

  it('exits with 2, naming the folder, when -o is a file', async () => {
    const folder = tempFolder();
    cleanups.push(folder.cleanup);
    folder.write('exp.yaml', ['resources:', '  node: { type: dummy::Node }']);
    folder.write('taken', []);
    const result = await nepi(['plan', 'exp.yaml', '-o', 'taken'], { cwd: folder.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("nepi: cannot write 'taken': a file stands where a folder should be\n");
  });

  it('exits with 1 when the experiment would never end by itself', async () => {
    const folder = tempFolder();
    cleanups.push(folder.cleanup);
    folder.write('stuck.yaml', [
      'resources:',
      '  node: { type: dummy::Node }',
      '  server: { type: dummy::Application, connect: [node] }',
      '  client: { type: dummy::Application, connect: [node], attributes: { runTime: 1s }, conditions: [{ action: START, group: server, state: STOPPED }] }',
    ]);
    const result = await nepi(['plan', 'stuck.yaml'], { cwd: folder.dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("the experiment never ends by itself: 'client' stays READY forever; a run fails them once nothing else can happen:");
    expect(result.stdout).toContain("  client: the run stalled: nothing can happen any more and its START still waits for 'server' to reach STOPPED");
  });
});
