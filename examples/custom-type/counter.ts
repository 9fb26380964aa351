/**
 * A resource type of your own, `demo::Counter`, in a types module: it counts to `to`, one tick
 * every `interval` on the experiment's clock, writes one line per tick to its `ticks` trace
 * and reports how far it got as its `count` result. The module's default export is the list
 * of its types: that is what `types: [...]` in an experiment file, `--types` and
 * NEPI_TYPES_PATH load (docs/resource-types.md#types-modules).
 *
 * In your own project, import from 'nepi'; here the module imports the package's source, so
 * that `npm run build` compiles it with the rest, into dist/examples/custom-type/counter.js.
 */
import { appendFileSync } from 'node:fs';
import { defineResourceType } from '../../src/index.js';

export const Counter = defineResourceType({
  type: 'demo::Counter',
  help: 'Counts to `to`, one tick every `interval`, and reports how far it got.',
  attributes: {
    to: { type: 'integer', default: 3, range: [0, 1000], help: 'How many ticks it counts.' },
    interval: { type: 'duration', default: '100ms', help: 'The time between two ticks.' },
  },
  data: () => ({ count: 0 }),
  traces: { ticks: { help: 'One line per tick: its number and the clock time (ms).' } },
  results: { count: { help: 'The ticks counted.' } },
  steps: {
    async run(ctx) {
      ctx.results['count'] = ctx.data.count;
      while (ctx.data.count < ctx.get('to')) {
        await ctx.sleep(ctx.get('interval'));
        ctx.data.count++;
        ctx.results['count'] = ctx.data.count;
        if (ctx.traceEnabled('ticks')) {
          ctx.dir();
          appendFileSync(ctx.tracePath('ticks'), `${ctx.data.count} ${Math.round(ctx.clock.now())}\n`);
        }
      }
    },
  },
});

export default [Counter];
