/**
 * A bad experiment file's problems as Terraform shows them: each `FILE:LINE:COL: path:
 * problem` line followed by the lines around it, with a caret under the position
 * (`@babel/code-frame`). A problem without a line, or in a file that cannot be read again,
 * is the line alone.
 */
import { readFileSync } from 'node:fs';
import { codeFrameColumns } from '@babel/code-frame';
import { formatProblem, type ExperimentFileError } from '../files/experiment-file-error.js';

/** The most problems shown with their lines, and listed at all (the rest are counted). */
const MAX_FRAMES = 10;
const MAX_LISTED = 20;

export function formatFileError(
  error: ExperimentFileError,
  options: { readonly color: boolean; readonly read?: (file: string) => string | undefined },
): string {
  const read = options.read ?? readSource;
  const sources = new Map<string, string | undefined>();
  const source = (file: string) => {
    if (!sources.has(file)) sources.set(file, read(file));
    return sources.get(file);
  };
  const shown = error.problems.slice(0, MAX_FRAMES).map((problem) => {
    const text = problem.line === undefined ? undefined : source(problem.file);
    if (text === undefined || problem.line === undefined || problem.line > text.split('\n').length) return formatProblem(problem);
    const at = { line: problem.line, ...(problem.column === undefined ? {} : { column: problem.column }) };
    const frame = codeFrameColumns(text, { start: at }, { highlightCode: options.color, forceColor: options.color, linesAbove: 1, linesBelow: 1 });
    return `${formatProblem(problem)}\n${frame}`;
  });
  const listed = error.problems.slice(MAX_FRAMES, MAX_LISTED).map(formatProblem);
  const more = error.problems.length - MAX_LISTED;
  const rest = [...listed, ...(more > 0 ? [`... and ${more} more problems`] : [])];
  return [...shown, ...(rest.length > 0 ? [rest.join('\n')] : [])].join('\n\n');
}

function readSource(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
