import { describe, expect, it } from 'vitest';
import { buildExperiment, ExperimentFileError, formatExperiment, parseExperiment } from '../../../src/index.js';
import { settle } from '../../helpers.js';
import { VirtualClock } from '../../../src/testing/index.js';

const file = (condition: string) =>
  ['resources:', '  a: { type: dummy::Node, attributes: { startTime: 10s } }', '  b:', '    type: dummy::Node', '    conditions:', `      - ${condition}`].join(
    '\n',
  );

function problem(text: string): string {
  try {
    parseExperiment(text, { file: 'x.yaml' });
  } catch (error) {
    expect(error).toBeInstanceOf(ExperimentFileError);
    return (error as Error).message;
  }
  throw new Error('no problem reported');
}

describe('condition timeouts in experiment files', () => {
  it('reads timeout and onTimeout, and runs them', async () => {
    const { description } = parseExperiment(file('{ action: START, group: a, state: STARTED, timeout: 2s, onTimeout: skip }'));
    expect(description.resources['b']!.conditions).toEqual([{ action: 'START', group: ['a'], state: 'STARTED', timeout: '2s', onTimeout: 'skip' }]);
    const clock = new VirtualClock();
    const ec = buildExperiment(description, { clock, record: false });
    ec.deploy();
    await clock.runAll();
    expect(ec.getResource('b').times.STARTED).toBe(2000);
    // what describe() gives back loads again the same
    const again = parseExperiment(formatExperiment(ec.describe(), 'yaml')).description;
    expect(again.resources['b']!.conditions).toEqual(description.resources['b']!.conditions);
    await settle(clock, ec.shutdown());
  });

  it('defaults onTimeout to fail', () => {
    const { description } = parseExperiment(file('{ action: START, group: a, state: STARTED, timeout: 2s }'));
    const ec = buildExperiment(description, { record: false, clock: new VirtualClock() });
    expect(ec.describe().resources['b']!.conditions).toEqual([{ action: 'START', group: ['a'], state: 'STARTED', timeout: '2s', onTimeout: 'fail' }]);
    ec.actor.stop();
  });

  it('reports a bad timeout, a bad onTimeout, an onTimeout without timeout and a RELEASE that would fail', () => {
    expect(problem(file('{ action: START, group: a, state: STARTED, timeout: soon }'))).toContain(
      'x.yaml:6:61: resources.b.conditions[0].timeout: invalid duration "soon"',
    );
    expect(problem(file('{ action: START, group: a, state: STARTED, timeout: 1s, onTimeout: retry }'))).toContain(
      `resources.b.conditions[0].onTimeout: onTimeout must be 'fail' or 'skip', got "retry"`,
    );
    expect(problem(file('{ action: START, group: a, state: STARTED, onTimeout: skip }'))).toContain(
      "resources.b.conditions[0].onTimeout: onTimeout 'skip' needs a timeout",
    );
    expect(problem(file('{ action: RELEASE, group: a, state: RELEASED, timeout: 1s }'))).toContain(
      "resources.b.conditions[0].timeout: a RELEASE condition cannot fail its resource when it times out: give it onTimeout 'skip'",
    );
    expect(problem(file('{ action: START, group: a, state: STARTED, timeout: [1] }'))).toContain('resources.b.conditions[0].timeout: invalid duration');
  });
});
