/**
 * The error of a bad experiment file: which file, where in it (line and column, 1-based,
 * when known) and which document path, e.g. `resources.client.conditions[0].group[0]`.
 */
import { NepiError, type ErrorContext } from '../errors.js';

/** One problem found in an experiment file. */
export interface ExperimentFileProblem {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** The document path, e.g. `resources.client.attributes.command`; empty for the whole file. */
  readonly path: string;
  /** What is wrong, without the position. */
  readonly problem: string;
}

/** The most problems spelled out in one message; the rest are counted. */
const MAX_LISTED = 20;

/** `FILE:LINE:COLUMN: PATH: problem`, leaving out what is unknown or empty. */
export function formatProblem(problem: ExperimentFileProblem): string {
  let where = problem.file;
  if (problem.line !== undefined) {
    where += `:${problem.line}`;
    if (problem.column !== undefined) where += `:${problem.column}`;
  }
  return `${where}: ${problem.path === '' ? '' : `${problem.path}: `}${problem.problem}`;
}

/**
 * A problem in an experiment file, or every problem found in it: the fields describe the
 * first, `problems` lists them all (the first included) and the message has one line each.
 */
export class ExperimentFileError extends NepiError implements ExperimentFileProblem {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly path: string;
  readonly problem: string;
  readonly problems: readonly ExperimentFileProblem[];

  /** One problem, or several (the message lists the first 20); the first gives `file`, `line`, `column`, `path` and `problem`. */
  constructor(
    problems: ExperimentFileProblem | readonly [ExperimentFileProblem, ...ExperimentFileProblem[]],
    context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    const list: readonly ExperimentFileProblem[] = isProblemList(problems) ? problems : [problems];
    const first = list[0]!;
    const lines = list.slice(0, MAX_LISTED).map(formatProblem);
    if (list.length > MAX_LISTED) lines.push(`... and ${list.length - MAX_LISTED} more problems`);
    super(lines.join('\n'), context, options);
    this.file = first.file;
    this.line = first.line;
    this.column = first.column;
    this.path = first.path;
    this.problem = first.problem;
    this.problems = list.map((p) => Object.freeze({ ...p }));
  }
}

function isProblemList(value: ExperimentFileProblem | readonly ExperimentFileProblem[]): value is readonly [ExperimentFileProblem, ...ExperimentFileProblem[]] {
  return Array.isArray(value);
}
