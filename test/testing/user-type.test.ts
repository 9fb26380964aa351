/** The example of docs/testing.md: testing a user-written type, and what a failure reads like. */
import { afterAll, describe, expect, it } from 'vitest';
import { ResourceTypeTestError, testResourceType } from '../../src/testing/index.js';
import { cleanUp, LeakyScratch, Scratch } from './scratch-type.js';

afterAll(cleanUp);

describe('testing a user-written type', () => {
  it('passes every lifecycle path when its release cleans up', async () => {
    const report = await testResourceType(Scratch, { attributes: { content: 'hi' } });
    console.log(report.summary());
    expect(report.summary()).toMatch(/^demo::Scratch: 32 of 32 lifecycle paths passed \(210 events, plan: every step, [\d.]+ s\)$/);
    expect(report).toMatchObject({ type: 'demo::Scratch', paths: 32, passed: 32, events: 210, failures: [], skipped: 0 });
  });

  it('reports each path that leaves the directory behind, as a readable list of events', async () => {
    const error = await testResourceType(LeakyScratch, { probeGrace: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceTypeTestError);
    const { report } = error as ResourceTypeTestError;
    console.log(report.toString());
    // released while provision runs (its directory made) or after it failed, before deploy filled it
    expect(report.failures.map((f) => f.events.join(' → '))).toEqual([
      'DEPLOY → discover ok → RELEASE → release ok',
      'DEPLOY → discover ok → RELEASE → release fails',
      'DEPLOY → discover ok → provision fails → RELEASE → release fails',
      'DEPLOY → discover ok → provision fails → RELEASE → release ok',
    ]);
    expect(report.failures[0]!.message).toMatch(
      /^after release \(from DISCOVERED with provision running\), probe found: directory .*nepi-scratch-\w+ still exists$/,
    );
    expect(report.failures[0]!.at).toBe(report.failures[0]!.events.length);
    expect((error as Error).message).toContain('demo::Scratch: 28 of 32 lifecycle paths passed');
  });

  it('runs on its own plan: the steps it has', async () => {
    const report = await testResourceType(Scratch, { plan: 'type' });
    // released (ok or failing) from NEW, provisioning, deploying, READY, STARTED, STOPPED, and
    // after provision or deploy failed
    expect(report.paths).toBe(16);
  });
});
