import { describe, expect, it } from 'vitest';
import { loadError, useTempFiles } from './temp-files.js';

describe('a file that cannot be read', () => {
  const files = useTempFiles();

  it('is reported with its name', async () => {
    const file = files.path('missing.yaml');
    const error = await loadError(file);
    expect(error.message).toBe(`${file}: cannot read: ENOENT: no such file or directory, open '${file}'`);
    expect(error.line).toBeUndefined();
  });
});
