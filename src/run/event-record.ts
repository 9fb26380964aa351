/** One line of `events.ndjson`: a state change as it is recorded and printed by `--json`. */
import type { ResourceStateEvent } from '../../machines/resource.js';
import { describeCause } from '../errors.js';

export interface EventRecord {
  /** Wall-clock time, ISO 8601. */
  readonly wall: string;
  /** The experiment clock's time in ms (epoch ms on the real clock). */
  readonly time: number;
  readonly guid: string;
  readonly name: string;
  readonly type: string | undefined;
  readonly from: string;
  readonly to: string;
  readonly step?: string;
  readonly error?: string;
}

export function toEventRecord(event: ResourceStateEvent, type: string | undefined): EventRecord {
  return {
    wall: new Date().toISOString(),
    time: event.time,
    guid: event.guid,
    name: event.guid,
    type,
    from: event.from,
    to: event.to,
    ...(event.step !== undefined ? { step: event.step } : {}),
    ...(event.error !== undefined ? { error: describeCause(event.error) } : {}),
  };
}
