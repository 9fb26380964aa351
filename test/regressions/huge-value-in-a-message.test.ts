// Found by the fuzzer (test/fuzz): a 10 MB string given to an enum attribute was quoted
// whole in the error, so `nepi run` printed a 10 MB message. Messages quote the start only.
import { describe, expect, it } from 'vitest';
import { ExperimentController, parseExperiment } from '../../src/index.js';

describe('a huge attribute value', () => {
  it('is quoted by its first characters in the message', () => {
    const huge = 'x'.repeat(1_000_000);
    const ec = new ExperimentController({ record: false });
    let message = '';
    try {
      ec.registerResource('dummy::Node', { failAt: huge });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`got "${'x'.repeat(57)}..." (string)`);
    expect(message.length).toBeLessThan(300);
    expect(() => parseExperiment(`resources:\n  n: { type: dummy::Node, attributes: { failAt: "${huge}" } }\n`)).toThrow(/got "x{57}\.\.\."/);
    ec.actor.stop();
  });
});
