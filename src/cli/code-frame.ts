/**
 * A bad experiment file's problems as Terraform shows them: each `FILE:LINE:COL: path:
 * problem` line followed by the lines around it, with a caret under the position
 * (`@babel/code-frame`). A problem without a line, or in a file that cannot be read again,
 * is the line alone.
 */
import { readFileSync } from 'node:fs';
import { codeFrameColumns, type BabelCodeFrameOptions } from '@babel/code-frame';
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
    const { lines, startLine, column } = excerpt(text, problem.line, problem.column);
    const at = { line: problem.line, ...(column === undefined ? {} : { column }) };
    // startLine: the number of the excerpt's first line (in @babel/code-frame 7, not in its types)
    const frameOptions: BabelCodeFrameOptions & { startLine: number } = {
      highlightCode: options.color,
      forceColor: options.color,
      linesAbove: 1,
      linesBelow: 1,
      startLine,
    };
    const frame = codeFrameColumns(lines, { start: at }, frameOptions);
    return `${formatProblem(problem)}\n${frame}`;
  });
  const listed = error.problems.slice(MAX_FRAMES, MAX_LISTED).map(formatProblem);
  const more = error.problems.length - MAX_LISTED;
  const rest = [...listed, ...(more > 0 ? [`... and ${more} more problems`] : [])];
  return [...shown, ...(rest.length > 0 ? [rest.join('\n')] : [])].join('\n\n');
}

/** The most characters of a line a frame shows: a longer line is cut to a window around the column, marked with `…`. */
const WIDTH = 160;

/**
 * The lines around `line` (1-based), cut to `WIDTH` columns around `column`: a frame of a
 * 10 MB line is a frame, not the line. `column` is where the caret goes in the excerpt.
 */
function excerpt(text: string, line: number, column: number | undefined): { lines: string; startLine: number; column: number | undefined } {
  const lines = text.split(/\r\n|[\n\r\u2028\u2029]/);
  const startLine = Math.max(1, line - 1);
  const from = column !== undefined && column > WIDTH - 20 ? column - 1 - WIDTH / 2 : 0;
  const cut = (l: string) => {
    const part = l.slice(from, from + WIDTH);
    return `${from > 0 && l.length > from ? '…' : ''}${part}${l.length > from + WIDTH ? '…' : ''}`;
  };
  const excerpted = lines
    .slice(startLine - 1, line + 1)
    .map(cut)
    .join('\n');
  return { lines: excerpted, startLine, column: column === undefined ? undefined : column - from + (from > 0 ? 1 : 0) };
}

function readSource(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
