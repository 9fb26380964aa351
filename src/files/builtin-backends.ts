/**
 * Every built-in backend registered in the default registry: the public entry point (which
 * registers the ones it exports) and then every `src/backends/<name>/index` there is, so a
 * backend counts as built in as soon as its folder exists. Kept out of `./index.ts`: the
 * public entry point may import this folder.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';

export async function registerBuiltinBackends(): Promise<void> {
  await import('../index.js');
  const folder = new URL('../backends/', import.meta.url);
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    // index.js when compiled, index.ts when the sources run directly (tests)
    const index = ['index.js', 'index.ts'].map((name) => new URL(`${entry.name}/${name}`, folder)).find((url) => existsSync(url));
    if (index) await import(index.href);
  }
}
