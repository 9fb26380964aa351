import { describe, expect, it } from 'vitest';
import { at, loadError, useTempFiles } from './temp-files.js';

const DURATION = 'expected a number of milliseconds or a string such as "500ms", "2s", "1.5m", "1h" or "2m30s"';
const STATES = 'NEW, DISCOVERED, PROVISIONED, READY, STARTED, STOPPED, FINISHED, FAILED or RELEASED';

/** A file whose client has the conditions given (one line each, in flow style). */
function client(...conditions: string[]): string[] {
  return [
    'resources:',
    '  node: { type: dummy::Node }',
    '  server: { type: dummy::Application, connect: [node] }',
    '  client:',
    '    type: dummy::Application',
    '    connect: [node]',
    '    conditions:',
    ...conditions.map((condition) => `      - ${condition}`),
  ];
}

const cases: [string, string[], (lines: string[]) => string][] = [
  [
    'conditions that are not a list',
    ['resources:', '  node: { type: dummy::Node, conditions: { action: START } }'],
    (l) => `${at(l, 2, '{ action')}: resources.node.conditions: expected a list of conditions, got a mapping`,
  ],
  [
    'a condition that is not a mapping',
    client('START'),
    (l) => `${at(l, 8, 'START')}: resources.client.conditions[0]: expected a mapping with 'action', 'group' and 'state', got "START"`,
  ],
  ['missing keys', client('{ action: START }'), (l) => `${at(l, 8, '{')}: resources.client.conditions[0]: missing 'group' and 'state'`],
  [
    'an unknown key',
    client('{ action: START, group: server, state: STARTED, after: 1s }'),
    (l) =>
      `${at(l, 8, 'after')}: resources.client.conditions[0].after: unknown key 'after': expected action, attribute, value, group, state, time, timeout or onTimeout`,
  ],
  [
    'a misspelt key',
    client('{ action: START, group: server, stat: STARTED }'),
    (l) =>
      `${at(l, 8, '{')}: resources.client.conditions[0]: missing 'state'\n${at(l, 8, 'stat')}: resources.client.conditions[0].stat: unknown key 'stat' - did you mean 'state'?`,
  ],
  [
    'an unknown action, with the nearest one',
    client('{ action: STRAT, group: server, state: STARTED }'),
    (l) => `${at(l, 8, 'STRAT')}: resources.client.conditions[0].action: unknown action 'STRAT' - did you mean 'START'?`,
  ],
  [
    'an unknown action with no near one',
    client('{ action: JUMP, group: server, state: STARTED }'),
    (l) => `${at(l, 8, 'JUMP')}: resources.client.conditions[0].action: unknown action 'JUMP': expected DEPLOY, START, STOP, RELEASE or SET`,
  ],
  [
    'an action that is not a word',
    client('{ action: 1, group: server, state: STARTED }'),
    (l) => `${at(l, 8, '1')}: resources.client.conditions[0].action: expected an action (DEPLOY, START, STOP, RELEASE or SET), got 1`,
  ],
  [
    'an unknown state, with the nearest one',
    client('{ action: START, group: server, state: STARED }'),
    (l) => `${at(l, 8, 'STARED')}: resources.client.conditions[0].state: unknown state 'STARED' - did you mean 'STARTED'?`,
  ],
  [
    'a state in lower case',
    client('{ action: START, group: server, state: started }'),
    (l) => `${at(l, 8, 'started')}: resources.client.conditions[0].state: unknown state 'started' - did you mean 'STARTED'?`,
  ],
  [
    'an unknown state with no near one',
    client('{ action: START, group: server, state: WAITING }'),
    (l) => `${at(l, 8, 'WAITING')}: resources.client.conditions[0].state: unknown state 'WAITING': expected ${STATES}`,
  ],
  [
    'a group listing an unknown resource',
    client('{ action: START, group: [node, sever], state: STARTED }'),
    (l) => `${at(l, 8, 'sever')}: resources.client.conditions[0].group[1]: unknown resource 'sever' - did you mean 'server'?`,
  ],
  [
    'a group naming an unknown resource',
    client('{ action: START, group: sever, state: STARTED }'),
    (l) => `${at(l, 8, 'sever')}: resources.client.conditions[0].group: unknown resource 'sever' - did you mean 'server'?`,
  ],
  [
    'an empty group',
    client('{ action: START, group: [], state: STARTED }'),
    (l) => `${at(l, 8, '[]')}: resources.client.conditions[0].group: expected at least one resource name to wait for`,
  ],
  [
    'a group that is not a name',
    client('{ action: START, group: 3, state: STARTED }'),
    (l) => `${at(l, 8, '3')}: resources.client.conditions[0].group: expected a resource name or a list of them, got 3`,
  ],
  [
    'a time that is not a duration',
    client('{ action: START, group: server, state: STARTED, time: 2 fortnights }'),
    (l) => `${at(l, 8, '2 fortnights')}: resources.client.conditions[0].time: invalid duration "2 fortnights": ${DURATION}`,
  ],
  [
    'a negative time',
    client('{ action: START, group: server, state: STARTED, time: -5 }'),
    (l) => `${at(l, 8, '-5')}: resources.client.conditions[0].time: invalid duration -5: ${DURATION}`,
  ],
];

describe('a bad condition', () => {
  const files = useTempFiles();

  it.each(cases)('is reported: %s', async (_, lines, expected) => {
    const file = await files.write('bad.yaml', ...lines);
    const error = await loadError(file);
    const want = expected(lines)
      .split('\n')
      .map((line) => `${file}:${line}`)
      .join('\n');
    expect(error.message).toBe(want);
  });

  it('is reported in a block mapping at its first key', async () => {
    const lines = [...client(), '      - action: START', '        group: server', '        time: 1s'];
    const file = await files.write('block.yaml', ...lines);
    const error = await loadError(file);
    expect(error.message).toBe(`${file}:8:9: resources.client.conditions[0]: missing 'state'`);
  });
});
