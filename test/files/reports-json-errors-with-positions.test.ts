import { describe, expect, it } from 'vitest';
import { at, loadError, useTempFiles } from './temp-files.js';

describe('a bad JSON file', () => {
  const files = useTempFiles();

  it('is reported with the line and column of the offending value', async () => {
    const lines = [
      '{',
      '  "expId": "json",',
      '  "resources": {',
      '    "node": { "type": "dummy::Node" },',
      '    "server": { "type": "dummy::Application", "connect": ["node"] },',
      '    "client": {',
      '      "type": "dummy::Application",',
      '      "connect": ["node"],',
      '      "conditions": [{ "action": "START", "group": ["sever"], "state": "STARTED" }]',
      '    }',
      '  }',
      '}',
    ];
    const file = await files.write('bad.json', ...lines);
    const error = await loadError(file);
    expect(error.message).toBe(
      `${file}:${at(lines, 9, '"sever"')}: resources.client.conditions[0].group[0]: unknown resource 'sever' - did you mean 'server'?`,
    );
  });

  it('with a syntax error is reported at the error', async () => {
    const file = await files.write('syntax.json', '{', '  "resources": {', '    "node": { "type": "dummy::Node" }', '  ', '}');
    const error = await loadError(file);
    expect(error.line).toBeGreaterThanOrEqual(4);
    expect(error.message.startsWith(`${file}:${error.line}:${error.column}: `)).toBe(true);
  });
});
