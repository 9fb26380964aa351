// Found by the fuzzer (test/fuzz): an expId holding a NUL character passed the file checks
// and then crashed `nepi run` with a TypeError (and a stack trace) when the run directory
// was created. Resource names become folders too (<runDir>/<name>/): a name such as
// '../../x' put an application's files outside its run directory.
import { describe, expect, it } from 'vitest';
import { ExperimentController, ExperimentFileError, NepiError, parseExperiment } from '../../src/index.js';

function problem(text: string): string {
  try {
    parseExperiment(text, { file: 'x.yaml' });
  } catch (error) {
    expect(error).toBeInstanceOf(ExperimentFileError);
    return (error as Error).message;
  }
  throw new Error('no problem reported');
}

describe('names that cannot name a folder', () => {
  it('reports an expId with a control character in the file', () => {
    expect(problem('expId: "\\0"\nresources:\n  n: { type: dummy::Node }\n')).toBe(
      'x.yaml:1:8: expId: "\\u0000" cannot name a folder: it holds a control character; the run directory is <localDir>/<expId>/<runId>',
    );
  });

  it('reports resource names with a path separator, a control character, or that are . or ..', () => {
    expect(problem('resources:\n  ../../x: { type: dummy::Node }\n')).toContain(
      'x.yaml:2:3: resources["../../x"]: ' + "'../../x' cannot name a folder: it holds a path separator: a resource's traces go to <runDir>/<name>/",
    );
    expect(problem('resources:\n  "..": { type: dummy::Node }\n')).toContain("'..' cannot name a folder");
    expect(problem('resources:\n  "a\\tb": { type: dummy::Node }\n')).toContain('cannot name a folder: it holds a control character');
  });

  it('refuses them through the API too', () => {
    expect(() => new ExperimentController({ expId: 'a\0b', record: false })).toThrow(NepiError);
    const ec = new ExperimentController({ record: false });
    expect(() => ec.registerResource('dummy::Node', {}, { name: 'a/b' })).toThrow("invalid resource name: 'a/b' cannot name a folder");
    expect(() => ec.registerResource('dummy::Node', {}, { name: '..' })).toThrow("invalid resource name: '..' cannot name a folder");
    // names in any script, with spaces and dots, are fine
    for (const name of ['节点 1', 'node.1', '🚀', '...']) expect(ec.registerResource('dummy::Node', {}, { name })).toBe(name);
    ec.actor.stop();
  });
});
