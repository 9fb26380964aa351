import { describe, expect, it } from 'vitest';
import { loadError, useTempFiles } from './temp-files.js';

describe('a file with several problems', () => {
  const files = useTempFiles();

  it('lists them all in the order of the file, one per line, the first in the error fields', async () => {
    const file = await files.write(
      'many.yaml',
      'resources:',
      '  node: { type: dummy::Nod }',
      '  app: { type: dummy::Application, connect: [nod] }',
      'extra: true',
    );
    const error = await loadError(file);
    expect(error.message).toBe(
      [
        `${file}:2:17: resources.node.type: unknown resource type 'dummy::Nod' - did you mean 'dummy::Node'?`,
        `${file}:3:46: resources.app.connect[0]: unknown resource 'nod' - did you mean 'node'?`,
        `${file}:4:1: extra: unknown key 'extra': expected expId, types, topologies or resources`,
      ].join('\n'),
    );
    expect(error.problems).toHaveLength(3);
    expect(error.problems[1]).toEqual({
      file,
      line: 3,
      column: 46,
      path: 'resources.app.connect[0]',
      problem: "unknown resource 'nod' - did you mean 'node'?",
    });
    expect([error.line, error.column, error.path, error.problem]).toEqual([
      2,
      17,
      'resources.node.type',
      "unknown resource type 'dummy::Nod' - did you mean 'dummy::Node'?",
    ]);
  });

  it('spells out twenty and counts the rest', async () => {
    const lines = ['resources:', ...Array.from({ length: 25 }, (_, i) => `  r${i}: { type: nope::Type }`)];
    const file = await files.write('lots.yaml', ...lines);
    const error = await loadError(file);
    expect(error.problems).toHaveLength(25);
    const messageLines = error.message.split('\n');
    expect(messageLines).toHaveLength(21);
    expect(messageLines[19]).toBe(`${file}:21:16: resources.r19.type: unknown resource type 'nope::Type'`);
    expect(messageLines[20]).toBe('... and 5 more problems');
  });
});
