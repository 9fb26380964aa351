/** Places in an experiment description: `resources.client.conditions[0].group[0]`. */
import { NepiError } from '../errors.js';

/** One step into a description: a mapping key or a list index. */
export type PathSegment = string | number;

/**
 * Which place of an entry a problem points at: its key (an unknown key), its value (a bad
 * value), or where the entry begins — the key if it has one, else the value (a missing key).
 */
export type EntryPart = 'key' | 'value' | 'entry';

/** One problem at a place of a description. */
export interface PathProblem {
  readonly path: readonly PathSegment[];
  readonly part: EntryPart;
  readonly problem: string;
}

const PLAIN_NAME = /^[A-Za-z_$][\w$-]*$/;

/** `resources.client.conditions[0]`; names that are not plain are quoted: `resources["my node"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_NAME.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/**
 * A description that could not become an experiment, with the place in it that is wrong
 * (`path`, `part`): the message is the cause's (the controller's own error, a NepiError).
 * The files layer turns the place into a line and column.
 */
export class DescriptionError extends NepiError {
  /** `cause` is the error the entry at `path` raised; its message is kept. */
  constructor(
    readonly path: readonly PathSegment[],
    readonly part: EntryPart,
    cause: NepiError,
    context: { guid?: string; type?: string },
  ) {
    super(cause.message, context, { cause });
  }
}
