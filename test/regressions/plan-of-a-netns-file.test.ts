// `nepi plan` of any file with a netns::Node crashed (TypeError: Cannot read properties of
// undefined (reading 'addressesOf')): the end of a run asks every node for its addresses, and
// a plan stand-in kept the real node type's `addresses`, which reads a netns session that a
// plan never has. A stand-in node has no addresses (nothing was made). Needs no root.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, nepi } from '../cli/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nepi-plan-netns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nepi plan of a netns file', () => {
  it('predicts the timeline of examples/netns-ping.yaml, without root and without a crash', async () => {
    const result = await nepi(['plan', join(EXAMPLES, 'netns-ping.yaml'), '-o', join(dir, 'plan')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^link\s+netns::Link\s/m);
    expect(result.stdout).toMatch(/^ping\s+linux::Ping\s.*FINISHED/m);
  });
});
