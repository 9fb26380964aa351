/** Document paths (`resources.client.conditions[0].group[0]`) and source positions. */

/** One step into a document: a mapping key or a list index. */
export type PathSegment = string | number;

/** A place in a file; line and column start at 1. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Where an entry of a document was written: `key` is where its key starts (absent for list
 * items and the document itself), `value` where its value starts.
 */
export interface SourceEntry {
  readonly key?: SourcePosition;
  readonly value: SourcePosition;
}

/**
 * Which place of an entry a problem points at: its key (an unknown key), its value (a bad
 * value), or where the entry begins — the key if it has one, else the value (a missing key).
 */
export type EntryPart = 'key' | 'value' | 'entry';

/** Finds where the entry at a path was written, if known. */
export type Locator = (path: readonly PathSegment[], part: EntryPart) => SourcePosition | undefined;

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
 * A locator over a table of entries by formatted path. A path with no entry of its own (a
 * value inside an alias) points at its nearest recorded ancestor.
 */
export function locatorOf(entries: ReadonlyMap<string, SourceEntry>): Locator {
  return (path, part) => {
    for (let end = path.length; end >= 0; end--) {
      const entry = entries.get(formatPath(path.slice(0, end)));
      if (!entry) continue;
      if (end < path.length) return entry.value;
      return part === 'value' ? entry.value : (entry.key ?? entry.value);
    }
    return undefined;
  };
}
