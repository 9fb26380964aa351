import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nepi } from './cli.js';

const NODE = '  n: { type: linux::Node }';
const cases: { name: string; file: string; text: string[]; message: string }[] = [
  {
    name: 'an unknown type',
    file: 'type.yaml',
    text: ['  n: { type: linux::Nod }'],
    message: "type.yaml:2:14: resources.n.type: unknown resource type 'linux::Nod' - did you mean 'linux::Node'?",
  },
  {
    name: 'an unknown attribute',
    file: 'attr.yaml',
    text: [NODE, '  a: { type: linux::Application, connect: [n], attributes: { comand: "true" } }'],
    message: "attr.yaml:3:62: resources.a.attributes.comand: type 'linux::Application' has no attribute 'comand' - did you mean 'command'?",
  },
  {
    name: 'a bad duration',
    file: 'value.yaml',
    text: [NODE, '  a: { type: linux::Application, connect: [n], attributes: { command: "true", stopTimeout: soon } }'],
    message: 'value.yaml:3:92: resources.a.attributes.stopTimeout: attribute \'stopTimeout\' invalid duration "soon"',
  },
  {
    name: 'an unknown resource name in a connection',
    file: 'connect.yaml',
    text: ['  node: { type: linux::Node }', '  a: { type: linux::Application, connect: [nod], attributes: { command: "true" } }'],
    message: "connect.yaml:3:44: resources.a.connect[0]: unknown resource 'nod' - did you mean 'node'?",
  },
  {
    name: 'an unknown state',
    file: 'state.yaml',
    text: [
      NODE,
      '  a:',
      '    type: linux::Application',
      '    connect: [n]',
      '    attributes: { command: "true" }',
      '    conditions:',
      '      - { action: START, group: [n], state: STARTD }',
    ],
    message: "state.yaml:8:45: resources.a.conditions[0].state: unknown state 'STARTD' - did you mean 'STARTED'?",
  },
  { name: 'a YAML syntax error', file: 'syntax.yaml', text: ['  n: { type: linux::Node'], message: 'syntax.yaml:3:1:' },
  {
    name: 'a condition cycle',
    file: 'cycle.yaml',
    text: [
      NODE,
      '  a: { type: linux::Application, connect: [n], attributes: { command: "true" }, conditions: [ { action: START, group: [b], state: STARTED } ] }',
      '  b: { type: linux::Application, connect: [n], attributes: { command: "true" }, conditions: [ { action: START, group: [a], state: STARTED } ] }',
    ],
    message: 'cycle.yaml:3:95: resources.a.conditions[0]: conditions form a cycle and can never hold',
  },
  {
    name: 'a missing required attribute',
    file: 'required.yaml',
    text: [NODE, '  a: { type: linux::Application, connect: [n] }'],
    message: "required.yaml:3:3: resources.a: resource 'a' (linux::Application): attribute 'command' is required and not set",
  },
];

/**
 * The code frame after the message `FILE:LINE:COL: ...`: the line itself marked `>`, its
 * neighbours, and a caret under the column.
 */
function expectFrame(stderr: string, message: string): void {
  const [, file, line, column] = /^([^:]+):(\d+):(\d+):/.exec(message)!;
  const source = readFileSync(join(dir, file!), 'utf8').split('\n');
  const lines = stderr.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`> ${line} |`));
  expect(at, stderr).toBeGreaterThan(0);
  expect(lines[at]).toBe(`> ${line} | ${source[Number(line) - 1]}`.replace(/ +$/, ''));
  const caret = lines[at + 1]!;
  expect(caret.indexOf('^') - caret.indexOf('|') - 2).toBe(Number(column) - 1);
  if (Number(line) > 1) expect(lines[at - 1]).toBe(`  ${Number(line) - 1} | ${source[Number(line) - 2]}`.replace(/ +$/, ''));
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nepi-bad-'));
  for (const { file, text } of cases) writeFileSync(join(dir, file), ['resources:', ...text, ''].join('\n'));
  writeFileSync(join(dir, 'key.json'), '{"resources": {"n": {"type": "linux::Node", "atributes": {}}}}\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bad experiment files', () => {
  for (const { name, file, message } of cases) {
    it(`rejects ${name} with exit code 2, the position and the path`, async () => {
      const result = await nepi(['validate', file], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`nepi: ${message}`);
      expectFrame(result.stderr, message);
    });
  }

  it('shows the offending line of a JSON file too, and colours the frame only when asked to', async () => {
    const plain = await nepi(['validate', 'key.json'], { cwd: dir, env: { ...process.env, FORCE_COLOR: '', NO_COLOR: '' } });
    expectFrame(plain.stderr, 'key.json:1:45:');
    expect(plain.stderr).not.toContain('\x1b[');
    const forced = await nepi(['validate', 'key.json'], { cwd: dir, env: { ...process.env, FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(forced.stderr).toContain('\x1b[');
    const off = await nepi(['validate', 'key.json'], { cwd: dir, env: { ...process.env, FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(off.stderr).toBe(plain.stderr);
  });

  it('rejects an unknown key in a JSON file with its position', async () => {
    const result = await nepi(['validate', 'key.json'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("nepi: key.json:1:45: resources.n.atributes: unknown key 'atributes' - did you mean 'attributes'?");
  });

  it('rejects a missing file with exit code 2', async () => {
    const result = await nepi(['validate', 'missing.yaml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing.yaml: cannot read: ENOENT');
  });

  it('runs nothing when the file is invalid', async () => {
    const result = await nepi(['run', 'cycle.yaml', '--local-dir', join(dir, 'runs')], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('conditions form a cycle');
    expect(() => readdirSync(join(dir, 'runs'))).toThrow();
  });
});
