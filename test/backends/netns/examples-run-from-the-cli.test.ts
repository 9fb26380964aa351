/** The netns examples, run as a user would: `nepi run examples/netns-*.yaml` and `examples/topology-linear.yaml`, as root. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/index.js';
import { EXAMPLES, nepi } from '../../cli/cli.js';
import { netnsTestDir, runDirsUnder } from './support.js';

const dir = netnsTestDir('examples');

function runDirOf(expId: string): string {
  const [runDir] = runDirsUnder(dir.path).filter((d) => d.includes(`/${expId}/`));
  if (!runDir) throw new Error(`no run directory for ${expId}`);
  return runDir;
}

describe('the netns examples', () => {
  it('netns-ping: the ping starts after the link is READY and reports 0% loss and its rtt', async () => {
    const result = await nepi(['run', join(EXAMPLES, 'netns-ping.yaml'), '--local-dir', dir.path]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const runDir = runDirOf('netns-ping');
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.status).toBe('released');
    const { ping, link } = summary.resources as Record<string, RunSummary['resources'][string]>;
    expect(ping!.state).toBe('RELEASED');
    expect(ping!.times.STARTED!).toBeGreaterThanOrEqual(link!.times.READY!);
    expect(ping!.results).toMatchObject({ target: '10.0.0.2', transmitted: 5, received: 5, loss: 0 });
    const rtt = (ping!.results as { rtt: { min: number; avg: number; max: number } }).rtt;
    expect(rtt.min).toBeGreaterThan(0);
    expect(rtt.avg).toBeGreaterThanOrEqual(rtt.min);
    expect(rtt.max).toBeGreaterThanOrEqual(rtt.avg);
    expect(readFileSync(join(runDir, 'ping', 'stdout'), 'utf8')).toContain('5 packets transmitted, 5 received, 0% packet loss');
    expect(result.stdout).toMatch(
      /results:\n {2}ping: target 10\.0\.0\.2, transmitted 5, received 5, loss 0%, rtt min\/avg\/max\/mdev [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms\n/,
    );
  });

  it('topology-linear: a chain of four namespaces made by a topology, pinged at both ends once every link is READY', async () => {
    const result = await nepi(['run', join(EXAMPLES, 'topology-linear.yaml'), '--local-dir', dir.path]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(runDirOf('topology-linear'), 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.status).toBe('released');
    const resources = summary.resources as Record<string, RunSummary['resources'][string]>;
    expect(Object.keys(resources)).toEqual(['h1', 'h2', 'h3', 'h4', 'l1-2', 'l2-3', 'l3-4', 'ping-h1', 'ping-h4']);
    const linksReady = Math.max(...['l1-2', 'l2-3', 'l3-4'].map((link) => resources[link]!.times.READY!));
    for (const [ping, end] of [
      ['ping-h1', 'h1'],
      ['ping-h4', 'h4'],
    ] as const) {
      expect(resources[ping]!.times.STARTED!).toBeGreaterThanOrEqual(linksReady);
      // an end of the chain has one address: the one its name stands for
      expect(resources[ping]!.results).toMatchObject({ target: summary.addresses![end]![0]!.replace(/\/30$/, ''), received: 3, loss: 0 });
    }
  });

  it('netns-rate: the throughput across a 1mbit link is within 10% of 1 Mbit/s', async () => {
    const result = await nepi(['run', join(EXAMPLES, 'netns-rate.yaml'), '--local-dir', dir.path]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = readFileSync(join(runDirOf('netns-rate'), 'server', 'stdout'), 'utf8');
    const match = /received (\d+) bytes in (\d+) ms: ([\d.]+) Mbit\/s/.exec(output);
    expect(match, output).not.toBeNull();
    const mbit = Number(match![3]);
    console.log(`netns-rate: ${mbit} Mbit/s across a 1mbit link`);
    expect(mbit).toBeGreaterThan(0.9);
    expect(mbit).toBeLessThan(1.1);
  });

  it('set-rate: a SET condition changes the link from 1mbit to 4mbit mid-run; the throughput follows', async () => {
    const result = await nepi(['run', join(EXAMPLES, 'set-rate.yaml'), '--local-dir', dir.path]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const runDir = runDirOf('set-rate');
    const output = readFileSync(join(runDir, 'server', 'stdout'), 'utf8');
    const rate = (window: string) => Number(new RegExp(`${window}: ([\\d.]+) Mbit/s`).exec(output)?.[1]);
    console.log(`set-rate: ${rate('before')} Mbit/s before, ${rate('after')} Mbit/s after the change to 4mbit`);
    expect(rate('before')).toBeGreaterThan(0.85);
    expect(rate('before')).toBeLessThan(1.15);
    expect(rate('after')).toBeGreaterThan(3.0);
    expect(rate('after')).toBeLessThan(4.8);
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
    const { link, client } = summary.resources as Record<string, RunSummary['resources'][string]>;
    expect(link!.changes).toHaveLength(1);
    expect(link!.changes![0]).toMatchObject({ name: 'rate', previous: '1mbit', value: '4mbit' });
    // 3 s after the client started, by the controller's clock
    expect(link!.changes![0]!.time - client!.times.STARTED!).toBeGreaterThanOrEqual(3000);
    expect(link!.changes![0]!.time - client!.times.STARTED!).toBeLessThan(5000);
    expect(result.stdout).toMatch(/changes:\n {2}link: rate 1mbit -> 4mbit at \+\d+\.\d+s\n/);
  });
});
