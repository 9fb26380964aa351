/**
 * Attribute declarations and the validation of values against them. Values are checked when
 * set, before anything runs; durations are stored as milliseconds.
 */
import { AttributeValueError } from '../errors.js';
import { parseDuration } from '../time/duration.js';

/** The kinds of value an attribute holds; `duration` is given as `500ms`, `2s`... and kept in ms. */
export type AttributeKind = 'string' | 'boolean' | 'integer' | 'double' | 'enum' | 'duration' | 'map';
/** A `map` attribute holds string values by name (e.g. environment variables). */
export type AttributeValue = string | number | boolean | Readonly<Record<string, string>>;

/** One attribute of a resource type: its kind, help, default, and the checks on its values. */
export interface AttributeSpec {
  readonly type: AttributeKind;
  readonly help: string;
  readonly default?: AttributeValue;
  /** For `enum`: the values allowed. */
  readonly allowed?: readonly string[];
  /** For `integer`, `double` and `duration` (in ms): the inclusive range. */
  readonly range?: readonly [number, number];
  /** Must be set before the resource is deployed. */
  readonly required?: boolean;
  // --- flags (NEPI's Flags; `nepi types` and the JSON Schema show them) ---
  /** Never set by the user: only the type's steps give it a value. */
  readonly readOnly?: boolean;
  /** Set only before the resource is deployed; this is what every attribute without `runtime` is, stated explicitly. */
  readonly design?: boolean;
  /** May change while the resource is STARTED (`ec.set`, SET conditions); the type's `set` step applies the change. */
  readonly runtime?: boolean;
  /** A secret (a password): never written to a run's files, events, logs or messages, shown as `***`. */
  readonly credential?: boolean;
  /** Used to choose the resource at discover (an inventory's host filters). */
  readonly filter?: boolean;
}

/** The flags an attribute may carry (NEPI's Flags), in the order `nepi types` and the JSON Schema list them. */
export const ATTRIBUTE_FLAGS = ['readOnly', 'design', 'runtime', 'credential', 'filter'] as const;

/** How a credential's value is shown anywhere outside the resource's own steps. */
export const CREDENTIAL_MASK = '***';

/** A change of a credential attribute as records and summaries show it: both values masked. */
export function maskedChange<T extends { readonly value: unknown; readonly previous: unknown }>(change: T): T {
  return { ...change, value: CREDENTIAL_MASK, previous: CREDENTIAL_MASK };
}

/** The value a step reads of an attribute declared by `S`, when it is set. */
export type AttributeValueOf<S extends AttributeSpec> = S extends { readonly type: 'boolean' }
  ? boolean
  : S extends { readonly type: 'integer' | 'double' | 'duration' }
    ? number
    : S extends { readonly type: 'map' }
      ? Readonly<Record<string, string>>
      : S extends { readonly type: 'enum'; readonly allowed: readonly (infer E extends string)[] }
        ? E
        : string;

/** `undefined` unless the attribute always has a value by the time steps run (a default, or required). */
type Unset<S extends AttributeSpec> = S extends { readonly default: AttributeValue } ? never : S extends { readonly required: true } ? never : undefined;

/** What `ctx.get(name)` returns for each attribute of a set of declarations. */
export type AttributeValues<A extends Readonly<Record<string, AttributeSpec>>> = {
  readonly [K in keyof A]: AttributeValueOf<A[K]> | Unset<A[K]>;
};

/** Attribute values of a type whose declarations are not known statically. */
export type AnyAttributeValues = { readonly [name: string]: AttributeValue | undefined };

/** The values of the attributes every type has (see `CRITICAL_ATTRIBUTE` and the timeouts and retries). */
export interface BuiltInAttributeValues {
  readonly critical: boolean;
  readonly deployTimeout: number | undefined;
  readonly startTimeout: number | undefined;
  readonly stopTimeout: number | undefined;
  readonly retries: number | undefined;
  readonly retryDelay: number | undefined;
}

/** A type's attribute values: its own declarations over the built-in ones. */
export type ValuesOf<A extends Readonly<Record<string, AttributeSpec>>> = Omit<BuiltInAttributeValues, keyof A> & AttributeValues<A>;

/** The attribute every resource type has. */
export const CRITICAL_ATTRIBUTE: AttributeSpec = {
  type: 'boolean',
  default: true,
  help: 'When a critical resource fails the experiment is aborted; a non-critical failure counts as having reached every state.',
};

/** `value` checked and normalised for `spec`; throws an AttributeValueError naming the attribute. */
export function coerceAttribute(spec: AttributeSpec, value: unknown, where: { guid?: string; type: string; attribute: string }): AttributeValue {
  const fail = (problem: string) => new AttributeValueError(where.guid, where.type, where.attribute, problem);
  // a credential's value is never part of a message
  const got = `got ${spec.credential ? CREDENTIAL_MASK : show(value)} (${typeof value})`;
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') throw fail(`expects a string, ${got}`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw fail(`expects true or false, ${got}`);
      return value;
    case 'integer':
    case 'double': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw fail(`expects a number, ${got}`);
      if (spec.type === 'integer' && !Number.isInteger(value)) throw fail(`expects an integer, ${got}`);
      checkRange(spec, value, fail);
      return value;
    }
    case 'enum': {
      const allowed = spec.allowed ?? [];
      if (typeof value !== 'string' || !allowed.includes(value)) {
        throw fail(`expects one of ${allowed.map((a) => `'${a}'`).join(', ')}, ${got}`);
      }
      return value;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(`expects a map of names to strings, ${got}`);
      const entries = Object.entries(value);
      for (const [key, item] of entries) {
        if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
          throw fail(`expects a map of names to strings, but '${key}' is ${show(item)}`);
        }
      }
      return Object.freeze(Object.fromEntries(entries.map(([key, item]) => [key, String(item)])));
    }
    case 'duration': {
      let ms: number;
      try {
        ms = parseDuration(value);
      } catch (error) {
        throw fail((error as Error).message);
      }
      checkRange(spec, ms, fail);
      return ms;
    }
  }
}

function show(value: unknown): string {
  // a message quotes at most the start of a long value (a 10 MB string makes a 10 MB message)
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'object' && value !== null) {
    try {
      const text = JSON.stringify(value);
      return text.length > 80 ? `${text.slice(0, 77)}...` : text;
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

function checkRange(spec: AttributeSpec, value: number, fail: (problem: string) => Error): void {
  if (spec.range && (value < spec.range[0] || value > spec.range[1])) {
    throw fail(`must be within [${spec.range[0]}, ${spec.range[1]}], got ${value}`);
  }
}
