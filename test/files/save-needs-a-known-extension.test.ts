import { access } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ExperimentFileError, saveExperimentFile } from '../../src/files/index.js';
import { ExperimentController } from '../../src/index.js';
import { useTempFiles } from './temp-files.js';

describe('saving to a file', () => {
  const files = useTempFiles();

  it.each([
    ['experiment.txt', "cannot tell the format from the extension '.txt': use .yaml, .yml or .json"],
    ['experiment', 'cannot tell the format from a name without an extension: use .yaml, .yml or .json'],
  ])('refuses %s and writes nothing', async (name, problem) => {
    const ec = new ExperimentController({ record: false });
    ec.registerResource('dummy::Node', {}, { name: 'node' });
    const path = files.path(name);
    const error = await saveExperimentFile(ec, path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExperimentFileError);
    expect((error as Error).message).toBe(`${path}: ${problem}`);
    await expect(access(path)).rejects.toThrow();
    await ec.shutdown();
  });

  it('takes the extension in any case', async () => {
    const ec = new ExperimentController({ record: false });
    ec.registerResource('dummy::Node', {}, { name: 'node' });
    const path = files.path('EXPERIMENT.JSON');
    await saveExperimentFile(ec, path);
    await expect(access(path)).resolves.toBeUndefined();
    await ec.shutdown();
  });
});
