import { describe, expect, it } from 'vitest';
import { plotCampaign, type CampaignState } from '../../src/campaign/index.js';
import { resolveStopSettings } from '../../src/campaign/stop-rule.js';

/** A finished campaign over `x` (and `y`), each combination with the given samples. */
function campaign(combinations: { parameters: Record<string, string | number>; samples: number[] }[]): CampaignState {
  return {
    version: 1,
    id: 'test',
    createdAt: '2026-01-01T00:00:00.000Z',
    expId: 'plot<&>',
    experiment: { kind: 'code' },
    metric: { kind: 'code' },
    stop: resolveStopSettings({ runs: 3 }, true),
    parameters: Object.keys(combinations[0]!.parameters),
    status: 'done',
    combinations: combinations.map(({ parameters, samples }, index) => ({
      index,
      parameters,
      status: 'done',
      stopped: 'max-runs',
      runs: samples.map((metric, i) => ({
        combination: index,
        run: i + 1,
        runId: `r${index}-${i}`,
        runDir: '/nowhere',
        status: 'ok',
        metric,
        startedAt: '2026-01-01T00:00:00.000Z',
      })),
    })),
  };
}

const circles = (svg: string) => [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="4" fill="[^"]+"><title>([^<]*)<\/title>/g)];

describe('plotCampaign', () => {
  it('places each mean on a numeric axis, with its interval as an error bar and each run as a dot', () => {
    const svg = plotCampaign(
      campaign([
        { parameters: { x: 1 }, samples: [10, 12, 14] },
        { parameters: { x: 2 }, samples: [20, 20, 20] },
        { parameters: { x: 4 }, samples: [40, 42, 44] },
      ]),
      { x: 'x' },
    );
    const means = circles(svg);
    // 2·σ/√n with σ = √(8/3): 1.886
    expect(means.map((m) => m[3])).toEqual(['x=1: mean 12 ± 1.886 (n=3)', 'x=2: mean 20 ± 0 (n=3)', 'x=4: mean 42 ± 1.886 (n=3)']);
    const [a, b, c] = means.map((m) => [Number(m[1]), Number(m[2])] as const);
    // linear in x: 1 -> 2 is a third of 1 -> 4; higher metric is higher up (smaller y)
    expect((b![0] - a![0]) / (c![0] - a![0])).toBeCloseTo(1 / 3, 2);
    expect(a![1]).toBeGreaterThan(b![1]);
    expect(b![1]).toBeGreaterThan(c![1]);
    expect(svg.match(/r="2.2"/g)).toHaveLength(9);
    // text is escaped
    expect(svg).toContain('plot&lt;&amp;&gt;: metric against x');
  });

  it('spaces values evenly on a logarithmic axis', () => {
    const svg = plotCampaign(campaign([1, 10, 100].map((x) => ({ parameters: { x }, samples: [x, x + 1] }))), { x: 'x', logX: true });
    const xs = circles(svg).map((m) => Number(m[1]));
    expect(xs[1]! - xs[0]!).toBeCloseTo(xs[2]! - xs[1]!, 0);
    expect(svg).toContain('x (log scale)');
    expect(() => plotCampaign(campaign([{ parameters: { x: 'a' }, samples: [1] }]), { x: 'x', logX: true })).toThrow(
      'a logarithmic x axis needs positive numbers',
    );
  });

  it('draws one series per value of the other parameters, and text values as categories', () => {
    const svg = plotCampaign(
      campaign([
        { parameters: { rate: '1mbit', n: 1 }, samples: [1, 2] },
        { parameters: { rate: '1mbit', n: 2 }, samples: [3, 4] },
        { parameters: { rate: '5mbit', n: 1 }, samples: [5, 6] },
        { parameters: { rate: '5mbit', n: 2 }, samples: [7, 8] },
      ]),
      { x: 'rate' },
    );
    expect(svg).toContain('>n=1</text>');
    expect(svg).toContain('>n=2</text>');
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('>1mbit</text>');
    expect(svg).toContain('>5mbit</text>');
  });

  it('refuses an unknown parameter and a campaign without samples', () => {
    expect(() => plotCampaign(campaign([{ parameters: { x: 1 }, samples: [1] }]), { x: 'rate' })).toThrow(
      "the campaign has no parameter 'rate': its parameters are x",
    );
    expect(() => plotCampaign(campaign([{ parameters: { x: 1 }, samples: [] }]), { x: 'x' })).toThrow('no run has a metric yet');
  });
});
