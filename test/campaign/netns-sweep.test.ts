/** The netns sweep of docs/campaigns.md, as root (CI runs as root; without root this fails, never skips). */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCampaign } from '../../src/campaign/index.js';
import { leftovers, requireRoot, runDirsUnder } from '../backends/netns/support.js';
import { EXAMPLES, nepi } from '../cli/cli.js';
import { expectResultsAgree, useTempDir } from './fixtures.js';

const tmp = useTempDir();

beforeAll(() => requireRoot());

describe('a campaign over the netns rate example', () => {
  it('measures each swept link rate (TCP gets about 96% of it) and leaves no namespace behind', async () => {
    const dir = join(tmp.path, 'campaign');
    const result = await nepi([
      'run',
      join(EXAMPLES, 'netns-rate-sweep.yaml'),
      '--sweep',
      'mbit=2,8',
      '--runs',
      '1',
      '--metric',
      "grep -o '[0-9.]* Mbit/s' server/stdout | cut -d' ' -f1",
      '--campaign-dir',
      dir,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { result: campaign } = readCampaign(dir);
    expect(campaign.combinations.map((c) => c.parameters['mbit'])).toEqual([2, 8]);
    for (const combination of campaign.combinations) {
      const mbit = combination.parameters['mbit'] as number;
      expect(combination.samples).toHaveLength(1);
      expect(combination.samples[0]).toBeGreaterThan(mbit * 0.85);
      expect(combination.samples[0]).toBeLessThan(mbit * 1.05);
    }
    expectResultsAgree(dir);
    const runDirs = runDirsUnder(join(dir, 'runs'));
    expect(runDirs).toHaveLength(2);
    expect(leftovers(runDirs)).toEqual([]);
  });
});
