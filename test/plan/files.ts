/** Experiment files for the plan tests, written into a temporary folder. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempFolder(): { dir: string; write: (name: string, lines: readonly string[]) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'nepi-plan-'));
  return {
    dir,
    write: (name, lines) => {
      const file = join(dir, name);
      writeFileSync(file, `${lines.join('\n')}\n`);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Real processes (linux::*) with plan hints: the node takes 2 s to provision, the server 1 s
 * to deploy and runs 10 s; the client starts 2 s after the server STARTED and runs 3 s. Both
 * commands would leave a file behind if they ran.
 */
export function clientServer(marker: string): string[] {
  return [
    'expId: planned',
    'resources:',
    '  node: { type: linux::Node, plan: { provision: 2s } }',
    '  server:',
    '    type: linux::Application',
    '    connect: [node]',
    `    attributes: { command: "touch ${marker}; sleep 100" }`,
    '    plan: { deploy: 1s, run: 10s }',
    '  client:',
    '    type: linux::Application',
    '    connect: [node]',
    `    attributes: { command: "touch ${marker}" }`,
    '    plan: { run: 3s }',
    '    conditions:',
    '      - { action: START, group: [server], state: STARTED, time: 2s }',
  ];
}
