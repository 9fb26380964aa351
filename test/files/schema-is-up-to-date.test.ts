import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { experimentSchema } from '../../src/files/index.js';
import { defaultRegistry } from '../../src/index.js';

describe('docs/experiment.schema.json', () => {
  it('is the schema of every built-in resource type', async () => {
    const committed: unknown = JSON.parse(await readFile(new URL('../../docs/experiment.schema.json', import.meta.url), 'utf8'));
    expect(committed, 'docs/experiment.schema.json is out of date: run `npm run build && npm run schema`').toEqual(experimentSchema(defaultRegistry));
  });
});
