/**
 * Live progress of `nepi run`. On a terminal: one line per resource with its state and the
 * time in it, redrawn in place. Elsewhere: one line per state change. With --json: the
 * event records as NDJSON.
 */
import type { ResourceStateEvent } from '../../machines/resource.js';
import type { ExperimentController } from '../experiment/experiment-controller.js';
import { toEventRecord } from '../run/event-record.js';
import { formatElapsed } from './format.js';

export type ProgressMode = 'live' | 'lines' | 'json';

export interface Progress {
  /** Stop listening and draw the last state; later calls do nothing. */
  stop(): void;
}

export function showProgress(ec: ExperimentController, mode: ProgressMode, out: NodeJS.WriteStream): Progress {
  const start = ec.clock.now();
  if (mode === 'json') {
    const off = ec.onStateChange((event) => out.write(`${JSON.stringify(toEventRecord(event, ec.getResource(event.guid).type))}\n`));
    return { stop: off };
  }
  const width = Math.max(4, ...ec.resources.map((guid) => guid.length));
  if (mode === 'lines') {
    const off = ec.onStateChange((event: ResourceStateEvent) => {
      const error = event.error === undefined ? '' : `: ${String(event.error instanceof Error ? event.error.message : event.error).split('\n')[0]}`;
      out.write(`+${formatElapsed(event.time - start).padStart(8)}  ${event.guid.padEnd(width)}  ${event.from} -> ${event.to}${error}\n`);
    });
    return { stop: off };
  }
  const since = new Map(ec.resources.map((guid) => [guid, start]));
  let drawn = 0;
  let pending: NodeJS.Timeout | undefined;
  const draw = () => {
    pending = undefined;
    const now = ec.clock.now();
    const lines = [`${ec.expId}/${ec.runId}  ${formatElapsed(now - start)}`];
    for (const guid of ec.resources) {
      const state = ec.state(guid);
      lines.push(`  ${guid.padEnd(width)}  ${state.padEnd(11)} ${formatElapsed(now - (since.get(guid) ?? start))}`);
    }
    out.write(`${drawn > 0 ? `\x1b[${drawn}A` : ''}${lines.map((line) => `\x1b[2K${line}\n`).join('')}`);
    drawn = lines.length;
  };
  const schedule = () => {
    pending ??= setTimeout(draw, 50);
  };
  const off = ec.onStateChange((event) => {
    since.set(event.guid, event.time);
    schedule();
  });
  // refreshes the elapsed times shown; the states themselves come from the events above
  const ticker = setInterval(schedule, 1000);
  ticker.unref();
  draw();
  let stopped = false;
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      off();
      clearInterval(ticker);
      if (pending) clearTimeout(pending);
      draw();
    },
  };
}
