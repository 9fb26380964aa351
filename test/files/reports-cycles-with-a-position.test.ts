import { describe, expect, it } from 'vitest';
import { ConditionCycleError } from '../../src/index.js';
import { at, loadError, useTempFiles } from './temp-files.js';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('conditions that can never hold', () => {
  const files = useTempFiles();

  it('are reported at the first condition of the cycle, before anything runs', async () => {
    const lines = [
      'resources:',
      '  node: { type: dummy::Node }',
      '  a:',
      '    type: dummy::Application',
      '    connect: [node]',
      '    conditions:',
      '      - { action: START, group: [b], state: STARTED }',
      '  b:',
      '    type: dummy::Application',
      '    connect: [node]',
      '    conditions:',
      '      - { action: START, group: [a], state: STARTED, time: 1s }',
    ];
    const file = await files.write('cycle.yaml', ...lines);
    const error = await loadError(file);
    // the controller spells the cycle out from where it found it
    expect(error.message).toMatch(
      new RegExp(
        `^${escape(file)}:${at(lines, 7, '{')}: resources\\.a\\.conditions\\[0\\]: conditions form a cycle and can never hold: ` +
          `('a' START waits for 'b' STARTED \\(condition\\) -> 'b' START waits for 'a' STARTED \\(condition\\)` +
          `|'b' START waits for 'a' STARTED \\(condition\\) -> 'a' START waits for 'b' STARTED \\(condition\\))$`,
      ),
    );
    expect(error.cause).toBeInstanceOf(ConditionCycleError);
    expect(error.guid).toBe('a');
    expect(error.type).toBe('dummy::Application');
  });

  it('are reported at the condition when the cycle goes through a dependency', async () => {
    const lines = [
      'resources:',
      '  node:',
      '    type: dummy::Node',
      '    conditions:',
      '      - { action: STOP, group: app, state: STARTED }',
      '      - { action: DEPLOY, group: app, state: STARTED }',
      '  app: { type: dummy::Application, connect: [node] }',
    ];
    const file = await files.write('dependency.yaml', ...lines);
    const error = await loadError(file);
    expect(error.path).toBe('resources.node.conditions[1]');
    expect([error.line, error.column]).toEqual([6, 9]);
    expect(error.message).toMatch(/^.*dependency\.yaml:6:9: resources\.node\.conditions\[1\]: conditions form a cycle .*\(dependency\)/);
  });

  it('are reported at the condition when a resource waits for itself', async () => {
    const lines = ['resources:', '  node:', '    type: dummy::Node', '    conditions: [{ action: DEPLOY, group: node, state: READY }]'];
    const file = await files.write('self.yaml', ...lines);
    const error = await loadError(file);
    expect(error.message).toBe(
      `${file}:${at(lines, 4, '{')}: resources.node.conditions[0]: conditions form a cycle and can never hold: 'node' DEPLOY waits for 'node' READY (condition)`,
    );
  });
});
