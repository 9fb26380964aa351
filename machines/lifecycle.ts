/**
 * The vocabulary of a resource's lifecycle: its states in their order, the actions a user
 * orders, and the steps a resource type implements. Pure data, shared by both machines.
 */

/** The lifecycle states of a resource manager, in the order conditions compare them. */
export const ResourceState = {
  NEW: 'NEW',
  DISCOVERED: 'DISCOVERED',
  PROVISIONED: 'PROVISIONED',
  READY: 'READY',
  STARTED: 'STARTED',
  STOPPED: 'STOPPED',
  FINISHED: 'FINISHED',
  FAILED: 'FAILED',
  RELEASED: 'RELEASED',
} as const;
export type ResourceState = (typeof ResourceState)[keyof typeof ResourceState];

/** States in lifecycle order: a group "reached" S when every member is at S or later. */
export const STATE_ORDER: readonly ResourceState[] = ['NEW', 'DISCOVERED', 'PROVISIONED', 'READY', 'STARTED', 'STOPPED', 'FINISHED', 'FAILED', 'RELEASED'];

const RANKS: Record<ResourceState, number> = Object.fromEntries(STATE_ORDER.map((state, rank) => [state, rank])) as Record<ResourceState, number>;

/** The position of a state in {@link STATE_ORDER}. */
export function stateRank(state: ResourceState): number {
  return RANKS[state];
}

/** Whether `value` is one of the {@link ResourceState} names. */
export function isResourceState(value: unknown): value is ResourceState {
  return typeof value === 'string' && Object.hasOwn(RANKS, value);
}

/** What a user (or a condition) asks a resource to do. */
export const ResourceAction = {
  DEPLOY: 'DEPLOY',
  START: 'START',
  STOP: 'STOP',
  RELEASE: 'RELEASE',
} as const;
export type ResourceAction = (typeof ResourceAction)[keyof typeof ResourceAction];

/** Every {@link ResourceAction}, in lifecycle order. */
export const ACTIONS: readonly ResourceAction[] = ['DEPLOY', 'START', 'STOP', 'RELEASE'];

/**
 * What a condition holds back: an action, or SET (give an attribute a value while the
 * resource is STARTED: NEPI's `set_with_conditions`).
 */
export type ConditionAction = ResourceAction | 'SET';

/** Whether `value` is one of the {@link ResourceAction} names. */
export function isResourceAction(value: unknown): value is ResourceAction {
  return typeof value === 'string' && (ACTIONS as readonly string[]).includes(value);
}

/**
 * The steps a resource type may implement. `run` is the long-running part of STARTED: it
 * resolves when the resource finished by itself and rejects when it failed while running.
 * `set` applies a change of a `runtime` attribute while STARTED (`ec.set`, a SET condition);
 * a type without it allows no change at run time.
 */
export const STEPS = ['discover', 'provision', 'deploy', 'start', 'run', 'set', 'stop', 'release'] as const;
/** One of {@link STEPS}. */
export type StepName = (typeof STEPS)[number];

/** One try of one step, as reported in events.ndjson (`"kind": "try"`) and by `ec.onTry`. */
export interface TryReport {
  readonly guid: string;
  readonly step: StepName;
  /** 1 for the first try. */
  readonly attempt: number;
  /** How many tries the step may take in all (`retries` + 1). */
  readonly attempts: number;
  /** `ok`: it succeeded (after failed tries); `failed`: it threw; `timeout`: its timeout expired. */
  readonly outcome: 'ok' | 'failed' | 'timeout';
  /** The clock time at which the try ended. */
  readonly time: number;
  readonly error?: unknown;
  /** When another try follows: how long (ms) until it starts. */
  readonly nextDelay?: number;
}

/**
 * Whether a resource runs a step, asked when the step is due (so attributes set after
 * registration count). A step it does not run costs no invoked actor.
 */
export type StepPlan = (step: StepName) => boolean;

/**
 * The action whose performance makes a resource reach `state`: what a condition on that
 * state really waits for. Used to find cycles among conditions.
 */
export function actionReaching(state: ResourceState): ResourceAction | undefined {
  switch (state) {
    case 'NEW':
      return undefined;
    case 'DISCOVERED':
    case 'PROVISIONED':
    case 'READY':
    case 'FAILED':
      return 'DEPLOY';
    case 'STARTED':
    case 'STOPPED':
    case 'FINISHED':
      return 'START';
    case 'RELEASED':
      return 'RELEASE';
    default:
      return assertNever(state);
  }
}

/** For exhaustive switches: a call the compiler rejects unless every case was handled; throws if reached. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
