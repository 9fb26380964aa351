/**
 * A user-written resource type, as in docs/testing.md: a scratch directory made at
 * provision, filled at deploy and removed at release, with a probe that finds it if it is
 * still there. `leakyScratch` is the same with a bug: its release forgets a directory that
 * was never filled.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineResourceType, type ResourceType, type StepContext } from '../../src/index.js';
import type { ProbeContext } from '../../src/testing/index.js';

/** Every directory made, to clean up after the tests whatever they found. */
export const made: string[] = [];

function provision(ctx: StepContext): void {
  const dir = mkdtempSync(join(tmpdir(), 'nepi-scratch-'));
  made.push(dir);
  ctx.data['dir'] = dir;
}

function deploy(ctx: StepContext): void {
  writeFileSync(join(ctx.data['dir'] as string, 'data.txt'), ctx.get('content') as string);
  ctx.data['filled'] = true;
}

function probe(resource: ProbeContext): string[] {
  const dir = resource.data['dir'] as string | undefined;
  return dir !== undefined && existsSync(dir) ? [`directory ${dir} still exists`] : [];
}

const definition = {
  type: 'demo::Scratch',
  help: 'A scratch directory: made at provision, filled at deploy, removed at release.',
  attributes: { content: { type: 'string', default: 'hello', help: 'What deploy writes in it.' } },
  probe,
} as const;

export const Scratch: ResourceType = defineResourceType({
  ...definition,
  steps: {
    provision,
    deploy,
    release(ctx) {
      const dir = ctx.data['dir'] as string | undefined;
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  },
});

export const LeakyScratch: ResourceType = defineResourceType({
  ...definition,
  steps: {
    provision,
    deploy,
    release(ctx) {
      // the bug: only a filled directory is removed
      if (ctx.data['filled']) rmSync(ctx.data['dir'] as string, { recursive: true, force: true });
    },
  },
});

export function cleanUp(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
