import { describe, expect, it } from 'vitest';
import { ConditionIndex } from '../../../machines/conditions/condition-index.js';

/** b's START waits for a STARTED, 3 s at most; `timeoutFirst`: the condition before the request. */
function index(): ConditionIndex {
  const index = new ConditionIndex();
  index.add('a', true);
  index.add('b', true);
  const w = index.watch(['a'], 'STARTED', { kind: 'condition' });
  index.attach(w, 'b', 'START', { timeout: 3000, onTimeout: 'fail' });
  return index;
}

describe('when a condition timeout starts', () => {
  it('at the request when the resource was ready before it', () => {
    const ix = index();
    ix.recordState('b', 'READY', 1000);
    ix.request('b', 'START', 2500);
    expect(ix.startedTimeouts.map((ct) => ct.startedAt)).toEqual([2500]);
  });

  it('when the resource gets ready after the request', () => {
    const ix = index();
    ix.request('b', 'START', 0);
    expect(ix.startedTimeouts).toEqual([]);
    ix.recordState('b', 'READY', 1200);
    expect(ix.startedTimeouts.map((ct) => ct.startedAt)).toEqual([1200]);
  });

  it('at the readiness recorded before a resume that requests at the original time', () => {
    const ix = index();
    ix.recordState('b', 'READY', 700); // replayed
    ix.request('b', 'START', 0); // the resumed deploy, at the time of the first record
    expect(ix.startedTimeouts.map((ct) => ct.startedAt)).toEqual([700]);
  });

  it("at the controller's now when the request said no time", () => {
    const ix = index();
    ix.recordState('b', 'READY', 700);
    ix.request('b', 'START');
    expect(ix.startedTimeouts.map((ct) => ct.startedAt)).toEqual([undefined]);
  });
});
