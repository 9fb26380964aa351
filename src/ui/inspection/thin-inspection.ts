/**
 * A thin XState inspection observer: it turns XState's inspection events into the events of
 * the Stately inspector (`@statelyai/inspect`'s protocol) carrying only what a viewer draws.
 *
 * `@statelyai/inspect`'s own observer serialises every full snapshot, children and context
 * included, and its `filter` option runs only after that serialisation: with 10,000 resources
 * that was 7.4 GB of JSON. Here, before anything is serialised:
 * - microsteps and actions are dropped (the inspector does not draw them);
 * - a snapshot is sent only when the actor's state value or status changed, with a context
 *   cut down to its small fields (a Map shows its size, an object its class name);
 * - an event keeps its scalar fields and at most a few entries of each list;
 * - a machine's definition is serialised once per machine, and sent with its first
 *   DEFINITION_LIMIT actors only.
 */
import type { StatelyInspectionEvent } from '@statelyai/inspect';
import type { AnyActorRef, InspectionEvent, Observer } from 'xstate';

/** The protocol version stamped on events (the `@statelyai/inspect` release they follow). */
export const STATELY_PROTOCOL_VERSION = '0.7.2';

const LIST_LIMIT = 8;
/**
 * How many actors of one machine carry its definition (about 5 KB of JSON for a resource).
 * The inspector draws the statechart of those; beyond, actors show with their states and
 * events only, so that 10,000 resources do not cost 50 MB of copies of one definition.
 */
export const DEFINITION_LIMIT = 100;
const DEPTH_LIMIT = 3;

/** Options of {@link thinInspection}. */
export interface ThinInspectionOptions {
  /** Called with each event worth showing, already thin (serialising it is cheap). */
  readonly send: (event: StatelyInspectionEvent) => void;
}

/** An inspection observer for `new ExperimentController({ inspect })` that forwards thin Stately events. */
export function thinInspection(options: ThinInspectionOptions): Observer<InspectionEvent> {
  const { send } = options;
  const definitions = new WeakMap<object, { json: string | undefined; sent: number }>();
  const lastShown = new Map<string, string>();
  const base = (actorRef: { sessionId: string }, rootId: string) => ({
    sessionId: actorRef.sessionId,
    rootId,
    createdAt: Date.now().toString(),
    id: '',
    _version: STATELY_PROTOCOL_VERSION,
  });
  return {
    next(event: InspectionEvent) {
      switch (event.type) {
        case '@xstate.actor': {
          const actorRef = event.actorRef as AnyActorRef;
          const snapshot = currentSnapshot(actorRef);
          if (snapshot) lastShown.set(actorRef.sessionId, shownKey(snapshot));
          send({
            type: '@xstate.actor',
            ...base(actorRef, event.rootId),
            name: actorRef.id,
            definition: definitionOf(actorRef, definitions),
            parentId: actorRef._parent?.sessionId,
            snapshot: snapshot ?? { status: 'active' },
          });
          return;
        }
        case '@xstate.event':
          send({
            type: '@xstate.event',
            ...base(event.actorRef, event.rootId),
            event: thinValue(event.event, 0) as StatelyEventPayload,
            sourceId: event.sourceRef?.sessionId,
          });
          return;
        case '@xstate.snapshot': {
          const key = shownKey(event.snapshot);
          const id = event.actorRef.sessionId;
          if (lastShown.get(id) === key) return; // checked before any copy: most snapshots stop here
          const snapshot = thinSnapshot(event.snapshot);
          if (snapshot.status === 'active') lastShown.set(id, key);
          else lastShown.delete(id); // done, error or stopped: nothing more will come
          send({
            type: '@xstate.snapshot',
            ...base(event.actorRef, event.rootId),
            event: { type: event.event.type },
            snapshot: snapshot as never,
          });
          return;
        }
        default:
          return; // @xstate.microstep, @xstate.action: not drawn by the inspector
      }
    },
  };
}

type StatelyEventPayload = { type: string };

interface ThinSnapshot {
  status: 'active' | 'done' | 'error' | 'stopped';
  value?: unknown;
  context?: unknown;
  error?: unknown;
}

function thinSnapshot(snapshot: unknown): ThinSnapshot {
  const s = snapshot as { status?: ThinSnapshot['status']; value?: unknown; context?: unknown; error?: unknown };
  const thin: ThinSnapshot = { status: s.status ?? 'active' };
  if (s.value !== undefined) thin.value = s.value;
  if (s.context !== undefined) thin.context = thinValue(s.context, 0);
  if (s.error !== undefined) thin.error = thinValue(s.error, 0);
  return thin;
}

/** The actor's snapshot, or undefined while it initialises (its first snapshot event follows). */
function currentSnapshot(actorRef: AnyActorRef): ThinSnapshot | undefined {
  try {
    return thinSnapshot(actorRef.getSnapshot());
  } catch {
    return undefined;
  }
}

function shownKey(snapshot: { status?: string; value?: unknown }): string {
  const value = snapshot.value;
  return `${snapshot.status ?? 'active'} ${typeof value === 'string' ? value : JSON.stringify(value)}`;
}

/** A JSON-friendly, size-bounded copy of `value`. */
export function thinValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined; // functions, symbols, undefined
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (value instanceof Map || value instanceof Set) return `${value.constructor.name}(${value.size})`;
  if (Array.isArray(value)) {
    if (depth >= DEPTH_LIMIT) return `Array(${value.length})`;
    const head = value.slice(0, LIST_LIMIT).map((item) => thinValue(item, depth + 1));
    if (value.length > LIST_LIMIT) head.push(`… ${value.length - LIST_LIMIT} more`);
    return head;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null) return `[${value.constructor?.name ?? 'object'}]`;
  if (depth >= DEPTH_LIMIT) return '{…}';
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const thin = thinValue(item, depth + 1);
    if (thin !== undefined) out[key] = thin;
  }
  return out;
}

/** The machine's definition as JSON, once per machine (all resources of a type share it). */
function definitionOf(actorRef: AnyActorRef, cache: WeakMap<object, { json: string | undefined; sent: number }>): string | undefined {
  const logic = (actorRef as unknown as { logic?: { config?: unknown } }).logic;
  if (!logic || typeof logic !== 'object') return undefined;
  const cached = cache.get(logic);
  if (cached) return cached.sent++ < DEFINITION_LIMIT ? cached.json : undefined;
  let definition: string | undefined;
  if (logic.config !== undefined) {
    try {
      definition = JSON.stringify(logic.config, (_key, item: unknown) =>
        typeof item === 'function' ? { type: (item as { name?: string }).name ?? 'function' } : item,
      );
    } catch {
      definition = undefined; // a config that does not serialise (a cycle): the inspector draws the actor only
    }
  }
  cache.set(logic, { json: definition, sent: 1 });
  return definition;
}
