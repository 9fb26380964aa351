import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
    });
  }

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
