/**
 * Property-based tests of the controller: random experiments of dummies (random resources,
 * connections, deployment groups deployed at random times, DEPLOY/START/STOP conditions with
 * delays, ec.stop() by hand, step times, critical and non-critical failures), run on a
 * VirtualClock and compared with the reference model in reference.ts. The properties are
 * those of `check` in harness.ts:
 *
 * - early: no action is sent before all its conditions hold plus their delay (nor before its
 *   node is READY, its group is READY, the resource itself is READY/STARTED, or ec.stop());
 * - timing: every action is sent, every state entered and every failure recorded exactly
 *   when the reference model says (up to an abort);
 * - abort: a critical failure releases everything, moves nothing but releases afterwards,
 *   and rejects every pending wait, and waits started later;
 * - wait: without an abort, each wait resolves exactly when the reference says;
 * - release: after shutdown() every resource is RELEASED, applications before their node.
 *
 * A counter-example fast-check finds is shrunk and printed as JSON: save it in
 * test/regressions/ (see the tests there) with the property it broke.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { experimentSeed, interpret, toSource, type SeedShape } from './experiment.js';
import { verify } from './harness.js';

interface Tally {
  experiments: number;
  resources: number;
  conditions: number;
  aborted: number;
  ambiguous: number;
}

function property(shape: SeedShape, tally: Tally) {
  return fc.asyncProperty(experimentSeed(shape), async (seed) => {
    const experiment = interpret(seed);
    const { violations, prediction } = await verify(experiment);
    if (violations.length > 0) throw new Error(`${violations.slice(0, 12).join('\n')}\n${toSource(experiment)}`);
    tally.experiments++;
    tally.resources += experiment.rms.length;
    tally.conditions += experiment.conditions.length;
    if (prediction.abortAt < Infinity) tally.aborted++;
    if (prediction.ambiguous.length > 0) tally.ambiguous++;
  });
}

const report = (what: string, t: Tally) =>
  `${what}: ${t.experiments} experiments, ${t.resources} resources, ${t.conditions} conditions; ${t.aborted} aborted by a critical failure, ${t.ambiguous} with a tie compared only in part`;

/** Multiplies every run count: NEPI_PROPERTY_FACTOR=50 npx vitest run test/properties for a long search. */
const FACTOR = Number(process.env['NEPI_PROPERTY_FACTOR'] ?? 1);

const fresh = (): Tally => ({ experiments: 0, resources: 0, conditions: 0, aborted: 0, ambiguous: 0 });

describe('the controller against the reference model', () => {
  it('holds every property on 300 random experiments of up to 60 resources', async () => {
    const tally = fresh();
    await fc.assert(property({ maxNodes: 10, maxApps: 50, maxConditions: 40, failOneIn: 25 }, tally), { numRuns: 300 * FACTOR });
    console.log(report('small', tally));
    // both outcomes are exercised, and ties stay rare
    expect(tally.aborted).toBeGreaterThan(30 * FACTOR);
    expect(tally.aborted).toBeLessThan(240 * FACTOR);
    expect(tally.ambiguous).toBeLessThan(45 * FACTOR);
  });

  it('holds every property on 300 experiments with many failures', async () => {
    const tally = fresh();
    await fc.assert(property({ maxNodes: 4, maxApps: 8, maxConditions: 20, failOneIn: 4 }, tally), { numRuns: 300 * FACTOR });
    console.log(report('failures', tally));
  });

  it('holds every property on 200 experiments with many conditions and no failure', async () => {
    const tally = fresh();
    await fc.assert(property({ maxNodes: 3, maxApps: 6, maxConditions: 30, failOneIn: 100_000 }, tally), { numRuns: 200 * FACTOR });
    console.log(report('conditions', tally));
    expect(tally.aborted).toBe(0);
  });

  it('holds every property on 20 large experiments (120 to 300 resources)', async () => {
    const tally = fresh();
    await fc.assert(
      property({ maxNodes: 30, maxApps: 270, minApps: 120, maxConditions: 300, failOneIn: 150, size: 'max' }, tally),
      // a failure is reported as found: shrinking experiments of hundreds of resources takes long
      { numRuns: 20 * FACTOR, endOnFailure: true },
    );
    console.log(report('large', tally));
  });
});
