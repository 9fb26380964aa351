/** The ledger a backend writes before creating things, and the cleaner registry `nepi clean` runs. */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, registerCleaner, registeredCleaners, type Cleaner } from '../../src/backends/cleanup.js';
import { ledgerPath, readLedger, recordInLedger } from '../../src/backends/ledger.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nepi-ledger-'));
  dirs.push(dir);
  return join(dir, 'exp', 'run'); // not created yet: the ledger creates what it needs
}

describe('the ledger', () => {
  it('appends entries before anything else of the run exists, and reads them back in order', () => {
    const dir = runDir();
    recordInLedger(dir, 'demo', { kind: 'thing', name: 'a', guid: 'r1' });
    recordInLedger(dir, 'demo', { kind: 'thing', name: 'b', extra: 1 });
    expect(readLedger(dir, 'demo')).toEqual([
      expect.objectContaining({ kind: 'thing', name: 'a', guid: 'r1', time: expect.any(String) }),
      expect.objectContaining({ kind: 'thing', name: 'b', extra: 1 }),
    ]);
    expect(readLedger(dir, 'other')).toEqual([]);
  });

  it('skips a last line cut short by a crash', () => {
    const dir = runDir();
    recordInLedger(dir, 'demo', { kind: 'thing', name: 'a' });
    appendFileSync(ledgerPath(dir, 'demo'), '{"kind":"thing","na');
    expect(readLedger(dir, 'demo').map((e) => e.name)).toEqual(['a']);
  });
});

describe('cleaners', () => {
  it('runs every registered cleaner on a run or on everything, and reports a throw as a problem', async () => {
    const calls: string[] = [];
    const ok: Cleaner = {
      backend: 'test-ok',
      cleanRun: async (dir) => (calls.push(`run ${dir}`), { removed: ['x'], problems: [] }),
      cleanAll: async () => (calls.push('all'), { removed: [], problems: [] }),
    };
    const broken: Cleaner = {
      backend: 'test-broken',
      cleanRun: async () => {
        throw new Error('no permission');
      },
      cleanAll: async () => ({ removed: [], problems: [] }),
    };
    registerCleaner(ok);
    registerCleaner(broken);
    expect(registeredCleaners().map((c) => c.backend)).toEqual(expect.arrayContaining(['netns', 'test-ok', 'test-broken']));
    const reports = await cleanUp({ runDir: '/no/such/run' });
    expect(reports.get('test-ok')).toEqual({ removed: ['x'], problems: [] });
    expect(reports.get('test-broken')).toEqual({ removed: [], problems: ['no permission'] });
    expect(reports.get('netns')).toEqual({ removed: [], problems: [] }); // no ledger: nothing to do
    expect(calls).toEqual(['run /no/such/run']);
  });
});
