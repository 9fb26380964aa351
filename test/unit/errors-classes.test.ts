import { describe, expect, it } from 'vitest';
import {
  AttributeValueError,
  ConditionCycleError,
  ConditionError,
  ExperimentAbortedError,
  InvalidActionError,
  InvalidConnectionError,
  NepiError,
  UnknownAttributeError,
  UnknownResourceError,
  UnknownTypeError,
} from '../../src/errors.js';
import type { Failure } from '../../machines/controller.js';

describe('error classes', () => {
  const cases: Array<[string, () => NepiError]> = [
    ['NepiError', () => new NepiError('base')],
    ['UnknownResourceError', () => new UnknownResourceError('x')],
    ['UnknownTypeError', () => new UnknownTypeError('x')],
    ['UnknownAttributeError', () => new UnknownAttributeError('g', 't', 'a')],
    ['AttributeValueError', () => new AttributeValueError('g', 't', 'a', 'is wrong')],
    ['InvalidConnectionError', () => new InvalidConnectionError('bad connection')],
    ['ConditionError', () => new ConditionError('never holds')],
    ['ConditionCycleError', () => new ConditionCycleError([{ guid: 'a', action: 'START', waitsFor: 'b', state: 'STARTED', why: 'condition' }], (guid) => guid)],
    ['InvalidActionError', () => new InvalidActionError('not now')],
    ['ExperimentAbortedError', () => new ExperimentAbortedError([])],
  ];

  it.each(cases)('%s is an instanceof NepiError and Error with name equal to its class name', (name, make) => {
    const error = make();
    expect(error).toBeInstanceOf(NepiError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.constructor.name).toBe(name);
  });

  it('ConditionCycleError is a ConditionError and describes each link of the cycle', () => {
    const error = new ConditionCycleError(
      [
        { guid: 'a', action: 'START', waitsFor: 'b', state: 'STARTED', why: 'condition' },
        { guid: 'b', action: 'START', waitsFor: 'a', state: 'STARTED', why: 'dependency' },
      ],
      (guid) => `<${guid}>`,
    );
    expect(error).toBeInstanceOf(ConditionError);
    expect(error.message).toBe(
      'conditions form a cycle and can never hold: <a> START waits for <b> STARTED (condition) -> <b> START waits for <a> STARTED (dependency)',
    );
    expect(error.guid).toBe('a');
    expect(error.cycle).toHaveLength(2);
  });

  it('NepiError keeps its context fields and cause', () => {
    const cause = new Error('root');
    const error = new NepiError('m', { guid: 'g', type: 't', attribute: 'a' }, { cause });
    expect([error.guid, error.type, error.attribute]).toEqual(['g', 't', 'a']);
    expect(error.cause).toBe(cause);
  });
});

describe('ExperimentAbortedError', () => {
  const failures: Failure[] = [
    { guid: 'node1', type: 'dummy::Node', step: 'deploy', error: new Error('disk full'), time: 10, critical: true },
    { guid: 'app1', type: 'dummy::Application', step: undefined, error: 'exit code 3', time: 20, critical: true },
  ];

  it('lists each failure with its guid, type, step and cause message', () => {
    const error = new ExperimentAbortedError(failures);
    expect(error.message).toBe('experiment aborted: node1 (dummy::Node) failed at deploy: disk full; app1 (dummy::Application) failed at run: exit code 3');
    expect(error.failures).toBe(failures);
  });

  it('says that no failure was recorded when the list is empty', () => {
    expect(new ExperimentAbortedError([]).message).toBe('experiment aborted: no failure recorded');
  });
});
