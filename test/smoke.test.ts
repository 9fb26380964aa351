import { test } from 'vitest';
import { ExperimentController } from '../src/index.js';
import { VirtualClock } from '../src/testing/index.js';
test('smoke', async () => {
  const w = console.warn; let n = 0;
  console.warn = (...a: unknown[]) => { if (n++ === 0) w(new Error('where').stack); };
  const clock = new VirtualClock();
  const ec = new ExperimentController({ clock });
  ec.onStateChange((e) => console.log('state', e.guid, e.from, e.to, e.time, e.error));
  const node = ec.registerResource('dummy::Node', { deployTime: '1s' });
  const app1 = ec.registerResource('dummy::Application', { runTime: '10s' });
  ec.registerConnection(node, app1);
  ec.deploy();
  for (let i = 0; i < 5; i++) { await clock.advance(3000);  console.log('pending timers', clock.now(), clock.pending, ec.state(node), ec.state(app1)); }
}, 2000);
