/**
 * Live progress of `nepi run`. On a terminal: one line per resource with its state (coloured
 * unless NO_COLOR), the time in it, what its next action waits for and when a scheduled one
 * fires, and a failure mark that stays however short the FAILED state was; redrawn in place.
 * Elsewhere (or with -v): one line per state change (with -v, also each condition record and
 * each failed try). With --json: the event records as NDJSON. With -q: nothing until the end.
 */
import type { ConditionEvent } from '../../machines/controller.js';
import { stateRank, type ResourceAction } from '../../machines/lifecycle.js';
import type { ResourceStateEvent } from '../../machines/resource.js';
import type { TryReport } from '../../machines/lifecycle.js';
import { describeCause } from '../errors.js';
import type { ExperimentController } from '../experiment/experiment-controller.js';
import { toEventRecord } from '../run/event-record.js';
import { formatElapsed } from './format.js';
import { paint, stateColour } from './palette.js';

export type ProgressMode = 'live' | 'lines' | 'verbose' | 'json' | 'quiet';

export interface Progress {
  /** Stop listening and draw the last state; later calls do nothing. */
  stop(): void;
}

/** The mode for the flags and the output: -q, -v, --json, a terminal or not. */
export function progressMode(
  flags: { readonly json?: boolean; readonly quiet?: boolean; readonly verbose?: boolean },
  out: { readonly isTTY?: boolean },
): ProgressMode {
  if (flags.json) return 'json';
  if (flags.quiet) return 'quiet';
  if (flags.verbose) return 'verbose';
  return out.isTTY ? 'live' : 'lines';
}

export function showProgress(ec: ExperimentController, mode: ProgressMode, out: NodeJS.WriteStream, options: { readonly color?: boolean } = {}): Progress {
  const color = options.color ?? false;
  const start = ec.clock.now();
  if (mode === 'quiet') return { stop: () => {} };
  if (mode === 'json') {
    const off = ec.onStateChange((event) => out.write(`${JSON.stringify(toEventRecord(event, ec.getResource(event.guid).type))}\n`));
    return { stop: off };
  }
  const width = Math.max(4, ...ec.resources.map((guid) => guid.length));
  const at = (time: number) => `+${formatElapsed(time - start).padStart(8)}`;
  if (mode === 'lines' || mode === 'verbose') {
    const offs = [
      ec.onStateChange((event: ResourceStateEvent) => {
        const error = event.error === undefined ? '' : `: ${firstLine(event.error)}`;
        const to = paint(event.to, stateColour(event.to), color);
        out.write(`${at(event.time)}  ${event.guid.padEnd(width)}  ${event.from} -> ${to}${error}\n`);
      }),
    ];
    if (mode === 'verbose') {
      offs.push(
        ec.onCondition((event) => out.write(`${at(event.time)}  ${event.guid.padEnd(width)}  ${describeConditionEvent(event, start)}\n`)),
        ec.onTry((report) => out.write(`${at(report.time)}  ${report.guid.padEnd(width)}  ${describeTry(report)}\n`)),
      );
    }
    return { stop: () => offs.forEach((off) => off()) };
  }
  return liveTable(ec, out, { width, start, color });
}

/** The table redrawn in place on a terminal. */
function liveTable(ec: ExperimentController, out: NodeJS.WriteStream, view: { width: number; start: number; color: boolean }): Progress {
  const { width, start, color } = view;
  const since = new Map(ec.resources.map((guid) => [guid, start]));
  // kept after the resource moves on: a 2 ms FAILED is never lost
  const failures = new Map<string, string>();
  let drawn = 0;
  let pending: NodeJS.Timeout | undefined;
  const draw = () => {
    pending = undefined;
    const now = ec.clock.now();
    const lines = [`${ec.expId}/${ec.runId}  ${formatElapsed(now - start)}`];
    for (const guid of ec.resources) {
      const state = ec.state(guid);
      const time = formatElapsed(now - (since.get(guid) ?? start)).padStart(7);
      const failure = failures.get(guid);
      const note = failure !== undefined ? paint(`✕ ${failure}`, 'red', color) : paint(waitsOf(ec, guid, now), 'dim', color);
      lines.push(`  ${guid.padEnd(width)}  ${paint(state.padEnd(11), stateColour(state), color)} ${time}  ${note}`.trimEnd());
    }
    const columns = out.columns > 0 ? out.columns : Infinity;
    out.write(`${drawn > 0 ? `\x1b[${drawn}A` : ''}${lines.map((line) => `\x1b[2K${clip(line, columns)}\n`).join('')}`);
    drawn = lines.length;
  };
  const schedule = () => {
    pending ??= setTimeout(draw, 50);
  };
  const offs = [
    ec.onStateChange((event) => {
      since.set(event.guid, event.time);
      if (event.to === 'FAILED') failures.set(event.guid, `failed at ${event.step ?? 'run'}: ${firstLine(event.error)}`);
      schedule();
    }),
    // a condition that holds starts a countdown
    ec.onCondition(schedule),
  ];
  // refreshes the elapsed times and countdowns; the states themselves come from the events above
  const ticker = setInterval(schedule, 1000);
  ticker.unref();
  draw();
  let stopped = false;
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      offs.forEach((off) => off());
      clearInterval(ticker);
      if (pending) clearTimeout(pending);
      draw();
    },
  };
}

/** The next action a resource in `rank` takes. */
function nextAction(rank: number): ResourceAction | undefined {
  if (rank < stateRank('READY')) return 'DEPLOY';
  if (rank < stateRank('STARTED')) return 'START';
  if (rank < stateRank('STOPPED')) return 'STOP';
  return undefined;
}

/**
 * What the resource's next action waits for, from the controller's condition index: its
 * conditions and dependencies not met yet, or, once they are, when it fires.
 */
export function waitsOf(ec: ExperimentController, guid: string, now: number): string {
  const entry = ec.actor.getSnapshot().context.index.resources.get(guid);
  const action = entry ? nextAction(entry.rank) : undefined;
  const gate = action ? entry?.gates[action] : undefined;
  if (!gate || !gate.requested) return '';
  if (gate.status === 'scheduled') return gate.readyAt > now ? `${action} in ${formatElapsed(gate.readyAt - now)}` : '';
  if (gate.status !== 'waiting') return '';
  const unmet = gate.conditions.filter((w) => !w.satisfied && (w.kind === 'condition' || w.kind === 'dependency'));
  if (unmet.length === 0) return '';
  const waits = unmet.map((w) => `${w.members.join(', ')} ${w.state}${w.delay > 0 ? ` +${formatElapsed(w.delay)}` : ''}`);
  return `${action} waits for ${waits.join(' and ')}`;
}

function describeConditionEvent(event: ConditionEvent, start: number): string {
  const what = `${event.action} after ${event.group.join(', ')} ${event.state}${event.delay > 0 ? ` +${formatElapsed(event.delay)}` : ''}`;
  switch (event.event) {
    case 'held':
      return `${what}: held, fires at +${formatElapsed(event.deadline - start)}`;
    case 'fired':
      return `${what}: fired`;
    case 'timeout':
      return `${what}: timed out after ${formatElapsed(event.timeout ?? 0)}`;
    case 'skipped':
      return `${what}: skipped after its ${formatElapsed(event.timeout ?? 0)} timeout`;
  }
}

function describeTry(report: TryReport): string {
  const next = report.nextDelay !== undefined ? `; next try in ${formatElapsed(report.nextDelay)}` : '';
  const error = report.error !== undefined ? `: ${firstLine(report.error)}` : '';
  return `${report.step} try ${report.attempt}/${report.attempts} ${report.outcome}${error}${next}`;
}

function firstLine(error: unknown): string {
  return describeCause(error).split('\n')[0] ?? '';
}

/** Cut a line to the terminal's width (colour codes take no room), so redrawing in place stays in place. */
function clip(line: string, columns: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\x1b') {
      const end = line.indexOf('m', i);
      out += line.slice(i, end + 1);
      i = end;
      continue;
    }
    if (visible >= columns - 1) continue;
    out += line[i];
    visible++;
  }
  return out;
}
