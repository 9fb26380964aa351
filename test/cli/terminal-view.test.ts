/**
 * The terminal view of `nepi run` on a real terminal (tmux): colours by state, what each
 * resource waits for and the time left, a failure that stays shown after the resource moved
 * on, results with units and the recap per type; -q, -v and NO_COLOR.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, nepi } from './cli.js';

const EXPERIMENT = `
expId: terminal
resources:
  node: { type: linux::Node }
  server:
    type: linux::Application
    connect: [node]
    attributes: { command: "sleep 4" }
  client:
    type: linux::Application
    connect: [node]
    attributes: { command: "sleep 0.5" }
    conditions:
      - { action: START, group: [server], state: STARTED, time: 2s }
  probe:
    type: linux::Application
    connect: [node]
    attributes: { critical: false, command: "exit 2" }
  ping:
    type: linux::Ping
    connect: [node]
    attributes: { target: 127.0.0.1, count: 2, interval: 100ms }
`;

let dir: string;
const session = `nepi-test-${process.pid}`;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nepi-terminal-'));
  writeFileSync(join(dir, 'exp.yaml'), EXPERIMENT);
});
afterAll(() => {
  try {
    execFileSync('tmux', ['kill-session', '-t', session], { stdio: 'ignore' });
  } catch {
    // already gone
  }
  rmSync(dir, { recursive: true, force: true });
});

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
/** The screen, with its colours as escape codes (`-e`) or without. */
const screen = (colours = false) => tmux('capture-pane', '-p', '-t', session, ...(colours ? ['-e'] : []));

async function until(what: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error(`not seen within ${ms} ms; the screen:\n${screen()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the terminal view', () => {
  it('shows states in colour, waits and countdowns, a failure that stays, results with units and a recap', async () => {
    // TERM and a size of its own: the same on every machine; the shell stays after nepi ends
    const command = `cd ${dir} && TERM=xterm-256color NO_COLOR= FORCE_COLOR= node ${BIN} run exp.yaml --local-dir runs; echo "exit $?"; sleep 60`;
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '30', command);

    await until(() => /client\s+READY\s+\S+\s+START in \d/.test(screen()), 15_000);
    const live = screen();
    expect(live).toMatch(/^terminal\/\S+\s+\d/m);
    expect(live).toMatch(/^ {2}server\s+STARTED\s+\S+$/m);
    // probe failed in a few ms and was then released: still marked
    await until(() => /probe\s+\S+\s+\S+\s+✕ failed at run: command exited with code 2/.test(screen()), 10_000);
    const coloured = screen(true);
    expect(coloured).toContain('\x1b[32mSTARTED'); // green
    expect(coloured).toContain('\x1b[31m✕ failed at run'); // red

    await until(() => screen().includes('exit 0'), 20_000);
    const end = screen();
    expect(end).toMatch(/^ {2}probe\s+RELEASED\s+\S+\s+✕ failed at run: command exited with code 2$/m);
    expect(end).toMatch(/^ {2}ping: target 127\.0\.0\.1, transmitted 2, received 2, loss 0%, rtt min\/avg\/max\/mdev [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms$/m);
    expect(end).toMatch(
      /^recap:\n {2}linux::Node {9}ok=1 {2}failed=0 {2}stopped=0 {2}interrupted=0\n {2}linux::Application {2}ok=2 {2}failed=1 {2}stopped=0 {2}interrupted=0\n {2}linux::Ping {9}ok=1/m,
    );
    expect(screen(true)).toContain('\x1b[31mfailed=1');
  }, 60_000);

  it('is plain lines without a terminal, with -v condition records too, and only the summary with -q', async () => {
    const lines = await nepi(['run', join(dir, 'exp.yaml'), '--local-dir', join(dir, 'runs')]);
    expect(lines.stdout).toMatch(/^\+\s*\S+ {2}client {2}READY -> STARTED$/m);
    expect(lines.stdout).not.toContain('\x1b[');
    expect(lines.stdout).not.toContain('held');

    const verbose = await nepi(['run', join(dir, 'exp.yaml'), '--local-dir', join(dir, 'runs'), '-v']);
    expect(verbose.stdout).toMatch(/^\+\s*\S+ {2}client {2}START after server STARTED \+2s: held, fires at \+[\d.]+s$/m);
    expect(verbose.stdout).toMatch(/^\+\s*\S+ {2}client {2}START after server STARTED \+2s: fired$/m);

    const quiet = await nepi(['run', join(dir, 'exp.yaml'), '--local-dir', join(dir, 'runs'), '-q']);
    expect(quiet.stdout.trimStart().startsWith('status: released (5 resources, 1 failure)')).toBe(true);
    expect(quiet.stdout).not.toContain('->');

    // colour on request in a pipe, and never with NO_COLOR
    const forced = await nepi(['run', join(dir, 'exp.yaml'), '--local-dir', join(dir, 'runs'), '-q'], {
      env: { ...process.env, FORCE_COLOR: '1', NO_COLOR: '' },
    });
    expect(forced.stdout).toContain('\x1b[32mreleased\x1b[39m');
    const none = await nepi(['run', join(dir, 'exp.yaml'), '--local-dir', join(dir, 'runs'), '-q'], {
      env: { ...process.env, FORCE_COLOR: '1', NO_COLOR: '1' },
    });
    expect(none.stdout).not.toContain('\x1b[');
  }, 60_000);
});
