/** Source positions of the places of a document (`resources.client.conditions[0].group[0]`). */
import { formatPath, type EntryPart, type PathSegment } from '../experiment/description-path.js';

export { formatPath, type EntryPart, type PathSegment };

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

/** Finds where the entry at a path was written, if known. */
export type Locator = (path: readonly PathSegment[], part: EntryPart) => SourcePosition | undefined;

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
