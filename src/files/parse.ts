/**
 * Experiment files as text: YAML, or JSON (which the same parser reads), parsed into an
 * experiment description with every problem located by file, line, column and path.
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { defaultRegistry, type TypeRegistry } from '../resources/registry.js';
import { checkExperiment, type PathProblem } from '../experiment/check-description.js';
import type { ExperimentFileDescription } from '../experiment/description.js';
import { ExperimentFileError, type ExperimentFileProblem } from './experiment-file-error.js';
import { noteSubstitution, substituteParameters, type Parameters } from './parameters.js';
import { formatPath, locatorOf, type Locator, type PathSegment, type SourceEntry, type SourcePosition } from './paths.js';
import { expandTopologies, placeAllInFile, type ExpandedTopology } from './topologies.js';

export interface ParseOptions {
  /** The file name messages start with (default `<experiment>`). */
  readonly file?: string;
  /** Where resource types and their attributes are looked up (default: the built-in registry). */
  readonly registry?: TypeRegistry;
  /**
   * Values for the `${name}` references in the file's values (see docs/campaigns.md). Left
   * out, nothing is substituted; given (even empty), every reference must be a parameter and
   * every parameter must be used.
   */
  readonly parameters?: Parameters;
}

/** A parsed experiment file: its description, and where each part of it was written. */
export interface ParsedExperiment {
  readonly file: string;
  /** The experiment, its topologies expanded into resources (see docs/experiment-files.md#topologies). */
  readonly description: ExperimentFileDescription;
  /** Where the entry at `path` was written (or its nearest ancestor), if known. */
  readonly locate: Locator;
  /** What each entry of `topologies:` made (empty when the file has none). */
  readonly topologies?: readonly ExpandedTopology[];
}

/**
 * Parse and check an experiment file's text. Throws an {@link ExperimentFileError} listing
 * every problem found (YAML syntax errors alone if there are any, since the rest cannot be
 * trusted then), the first one in its fields.
 */
export function parseExperiment(text: string, options: ParseOptions = {}): ParsedExperiment {
  const file = options.file ?? '<experiment>';
  const lineCounter = new LineCounter();
  // duplicate keys are found by walk(): the parser's own check is quadratic in a mapping's size
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const syntax = [...document.errors, ...document.warnings].map(
    (error): ExperimentFileProblem => ({
      file,
      ...position(error.pos[0]),
      path: '',
      problem:
        error.code === 'MULTIPLE_DOCS'
          ? "the file holds more than one YAML document (a second one starts at this '---'); an experiment file holds one"
          : error.message,
    }),
  );
  const entries = new Map<string, SourceEntry>();
  const root = document.contents;
  entries.set('', { value: root ? position(root.range[0]) : { line: 1, column: 1 } });
  walk(root, [], entries, position, syntax, file);
  throwIfAny(byPosition(syntax));

  const locate = locatorOf(entries);
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // an alias to an anchor that does not exist, or too many aliases
    throwIfAny([{ file, ...locate([], 'value'), path: '', problem: (error as Error).message }]);
  }
  let notes: ReadonlyMap<string, string> = new Map();
  // a `${name}` without a value is an error even when no parameter is given: never a literal handed to a command
  const substituted = substituteParameters(value, options.parameters ?? {});
  throwIfAny(byPosition(locateProblems(substituted.problems, file, locate)));
  ({ value, notes } = substituted);
  const expansion = expandTopologies(value, { where: (path) => formatPosition(file, locate(path, 'entry')) });
  const { description, problems: found } = checkExperiment(expansion.value, options.registry ?? defaultRegistry);
  // a topology that could not be expanded made no names: what refers to them would only add noise
  const problems = expansion.complete ? [...expansion.problems, ...placeAllInFile(found, expansion.topologies)] : expansion.problems;
  throwIfAny(
    byPosition(
      locateProblems(
        problems.map((problem) => noteSubstitution(problem, notes)),
        file,
        locate,
      ),
    ),
  );
  return { file, description, locate, topologies: expansion.topologies };
}

/** `FILE:LINE:COLUMN`, or undefined when the position is unknown. */
function formatPosition(file: string, at: SourcePosition | undefined): string | undefined {
  return at && `${file}:${at.line}:${at.column}`;
}

/** Problems at document paths turned into file problems with their line and column. */
export function locateProblems(problems: readonly PathProblem[], file: string, locate?: Locator): ExperimentFileProblem[] {
  return problems.map((problem) => ({
    file,
    ...locate?.(problem.path, problem.part),
    path: formatPath(problem.path),
    problem: problem.problem,
  }));
}

/** Problems in the order they appear in the file (a stable sort: same place, same order). */
function byPosition(problems: ExperimentFileProblem[]): ExperimentFileProblem[] {
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

export function throwIfAny(problems: readonly ExperimentFileProblem[]): void {
  const [first, ...rest] = problems;
  if (first) throw new ExperimentFileError([first, ...rest]);
}

/**
 * Record where every entry of the document starts. Keys that are not plain scalars are
 * problems (JavaScript objects only have string keys). Aliases are not followed: what is
 * inside one is located at the alias.
 */
function walk(
  node: unknown,
  path: PathSegment[],
  entries: Map<string, SourceEntry>,
  position: (offset: number) => SourcePosition,
  problems: ExperimentFileProblem[],
  file: string,
): void {
  if (isMap(node)) {
    const keys = new Set<string>();
    for (const pair of node.items) {
      const key = pair.key;
      if (isScalar(key)) {
        // keys become the names of a JavaScript object: 1 and '1' are the same key there
        const name = String(key.value);
        if (keys.has(name)) {
          problems.push({ file, ...(key.range ? position(key.range[0]) : {}), path: '', problem: 'Map keys must be unique' });
        }
        keys.add(name);
      }
      const keyAt = isScalar(key) || isAlias(key) || isMap(key) || isSeq(key) ? key.range?.[0] : undefined;
      const valueNode = pair.value;
      const valueAt = isScalar(valueNode) || isAlias(valueNode) || isMap(valueNode) || isSeq(valueNode) ? valueNode.range?.[0] : undefined;
      if (!isScalar(key)) {
        problems.push({
          file,
          ...(keyAt === undefined ? {} : position(keyAt)),
          path: formatPath(path),
          problem: 'a key must be a plain name, not a mapping, a list or an alias',
        });
        continue;
      }
      const child = [...path, key.value === null || key.value === undefined ? '' : String(key.value)];
      const keyPosition = keyAt === undefined ? undefined : position(keyAt);
      // an empty value (`key:` and nothing) is located at its key
      const empty = isScalar(valueNode) && valueNode.range != null && valueNode.range[0] === valueNode.range[1];
      const at = empty ? keyAt : (valueAt ?? keyAt);
      if (at !== undefined) entries.set(formatPath(child), { ...(keyPosition ? { key: keyPosition } : {}), value: position(at) });
      walk(valueNode, child, entries, position, problems, file);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const child = [...path, i];
      const at = isScalar(item) || isAlias(item) || isMap(item) || isSeq(item) ? item.range?.[0] : undefined;
      if (at !== undefined) entries.set(formatPath(child), { value: position(at) });
      walk(item, child, entries, position, problems, file);
    });
  }
}
