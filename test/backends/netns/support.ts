/**
 * Shared by the netns tests: they need root (CI runs as root) and fail, never skip, without
 * it; and after each test nothing of the runs it made may be left: no namespace with their
 * run tag (`ip netns list`), no interface of the host mentioning one (`ip link`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { runTag } from '../../../src/backends/netns/names.js';

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('the netns tests need root (network namespaces, veth pairs, tc): run them as root, as CI does');
  }
  for (const tool of ['ip', 'tc', 'ping', 'tcpdump']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      throw new Error(`the netns tests need '${tool}' (test/support/system-packages.sh installs it)`);
    }
  }
}

/** Every run directory under `localDir` (`<localDir>/<expId>/<runId>`). */
export function runDirsUnder(localDir: string): string[] {
  if (!existsSync(localDir)) return [];
  return readdirSync(localDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((exp) =>
      readdirSync(join(localDir, exp.name), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((run) => join(localDir, exp.name, run.name)),
    );
}

/** What is left of the runs in `runDirs`: namespaces with their tag, host interfaces naming one. */
export function leftovers(runDirs: readonly string[]): string[] {
  const tags = runDirs.map((dir) => `-${runTag(dir)}-`);
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n');
  const links = execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' }).split('\n');
  return [
    ...namespaces.filter((line) => tags.some((tag) => line.includes(tag))).map((line) => `namespace ${line}`),
    ...links.filter((line) => tags.some((tag) => line.includes(tag))).map((line) => `host interface ${line}`),
  ];
}

/**
 * A temporary local directory for the file's runs, checked after every test: nothing of
 * any run made under it may be left.
 */
export function netnsTestDir(name: string): { readonly path: string } {
  const dir = { path: '' };
  beforeAll(() => {
    requireRoot();
    dir.path = mkdtempSync(join(tmpdir(), `nepi-netns-${name}-`));
  });
  afterEach(() => {
    expect(leftovers(runDirsUnder(dir.path))).toEqual([]);
  });
  afterAll(() => {
    if (dir.path) rmSync(dir.path, { recursive: true, force: true });
  });
  return dir;
}
