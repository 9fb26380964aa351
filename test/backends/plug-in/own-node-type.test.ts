/**
 * A backend written outside the package, through the public API only (as a user would): a
 * node type of its own whose executor runs commands in a "box" (here: under `env`, with the
 * box's name in the environment), with a session of its own. `linux::Application` and
 * `linux::Ping` run on it unchanged: they ask the node for its executor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createLocalExecutor,
  defineBackend,
  defineResourceType,
  ExperimentController,
  LinuxApplication,
  LinuxPing,
  TypeRegistry,
  type Executor,
} from '../../../src/index.js';

/** The box backend's session: which boxes gave out an executor, and what each was asked. */
class BoxSession {
  readonly calls: string[] = [];
  disposed = false;
  dispose(): void {
    this.disposed = true;
  }
}

const sessions: BoxSession[] = [];
const boxBackend = defineBackend({
  name: 'box',
  open: () => {
    const session = new BoxSession();
    sessions.push(session);
    return session;
  },
});

const Box = defineResourceType({
  type: 'box::Node',
  help: 'A box that commands run in.',
  backend: boxBackend,
  attributes: { label: { type: 'string', default: 'plain', help: 'What the box says it is.' } },
  node: {
    executor(node): Executor {
      // its own executor: the local one, inside the box, with every call noted in the session
      const inside = createLocalExecutor({ prefix: ['env', `BOX=${node.guid}`, `BOX_LABEL=${node.get('label')}`], where: `box ${node.guid}` });
      const noted =
        <A extends unknown[], R>(name: string, call: (...args: A) => R) =>
        (...args: A): R => {
          node.session.calls.push(`${node.guid} ${name}`);
          return call(...args);
        };
      return {
        where: inside.where,
        upload: noted('upload', inside.upload),
        depends: noted('depends', inside.depends),
        start: noted('start', inside.start),
        run: noted('run', inside.run),
        stop: noted('stop', inside.stop),
        release: noted('release', inside.release),
        probe: inside.probe,
        reattach: inside.reattach,
      };
    },
    addresses: () => ['127.0.0.1/8'],
  },
});

let localDir: string;
beforeEach(() => {
  localDir = mkdtempSync(join(tmpdir(), 'nepi-box-'));
  sessions.length = 0;
});
afterEach(() => rmSync(localDir, { recursive: true, force: true }));

function registry(): TypeRegistry {
  const types = new TypeRegistry();
  for (const type of [Box, LinuxApplication, LinuxPing]) types.register(type);
  return types;
}

describe('a node type from outside the package', () => {
  it('runs linux::Application on it, unchanged, through the executor it provides', async () => {
    const ec = new ExperimentController({ registry: registry(), localDir });
    ec.registerResource('box::Node', { label: 'blue' }, { name: 'box1' });
    ec.registerResource('linux::Application', { command: 'echo "in $BOX ($BOX_LABEL)"' }, { name: 'app' });
    ec.registerConnection('box1', 'app');
    const summary = await ec.run();
    expect(summary.failures).toEqual([]);
    expect(summary.resources['app']?.state).toBe('RELEASED');
    expect(await ec.trace('app', 'stdout')).toBe('in box1 (blue)\n');
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.calls).toEqual(['box1 start', 'box1 run', 'box1 release']);
    expect(sessions[0]!.disposed).toBe(true);
    // registering the type registered its backend
    expect(
      registry()
        .backends()
        .map((backend) => backend.name),
    ).toContain('box');
  });

  it('runs linux::Ping on it, resolving the target by the node name the box gives an address', async () => {
    const ec = new ExperimentController({ registry: registry(), localDir });
    ec.registerResource('box::Node', {}, { name: 'box1' });
    ec.registerResource('linux::Ping', { target: 'box1', count: 2, interval: '200ms' }, { name: 'ping' });
    ec.registerConnection('box1', 'ping');
    const summary = await ec.run();
    expect(summary.failures).toEqual([]);
    expect(summary.resources['ping']?.results).toMatchObject({ target: '127.0.0.1', transmitted: 2, received: 2 });
  });

  it('refuses an application connected to two nodes, or to none, naming the rule', () => {
    const ec = new ExperimentController({ registry: registry(), localDir, record: false });
    ec.registerResource('box::Node', {}, { name: 'box1' });
    ec.registerResource('box::Node', {}, { name: 'box2' });
    ec.registerResource('linux::Application', { command: 'true' }, { name: 'app' });
    ec.registerConnection('box1', 'app');
    expect(() => ec.registerConnection('box2', 'app')).toThrow(
      "resource 'app' (linux::Application) already has 1 connection(s) to node (any node type), the most it takes",
    );
    ec.registerResource('linux::Application', { command: 'true' }, { name: 'alone' });
    expect(() => ec.validate()).toThrow("resource 'alone' (linux::Application) must be connected to at least 1 node (any node type), has 0");
  });
});
