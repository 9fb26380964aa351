import { describe, expect, it } from 'vitest';
import { formatFileError } from '../../src/cli/code-frame.js';
import { useColor } from '../../src/cli/color.js';
import { ExperimentFileError, type ExperimentFileProblem } from '../../src/files/experiment-file-error.js';

const SOURCE = Array.from({ length: 30 }, (_, i) => `line${i + 1}: value`).join('\n');
const problem = (line: number | undefined, file = 'exp.yaml'): ExperimentFileProblem => ({
  file,
  path: `k${line}`,
  problem: 'is wrong',
  ...(line ? { line, column: 3 } : {}),
});

describe('a file error with its code frames', () => {
  it('frames the first ten problems, lists the next ten and counts the rest', () => {
    const problems = Array.from({ length: 25 }, (_, i) => problem(i + 1)) as [ExperimentFileProblem, ...ExperimentFileProblem[]];
    const text = formatFileError(new ExperimentFileError(problems), { color: false, read: () => SOURCE });
    expect(text.match(/^> +\d+ \|/gm)).toHaveLength(10);
    expect(text).toContain('exp.yaml:11:3: k11: is wrong\nexp.yaml:12:3: k12: is wrong');
    expect(text).not.toContain('exp.yaml:21:3');
    expect(text.endsWith('exp.yaml:20:3: k20: is wrong\n... and 5 more problems')).toBe(true);
  });

  it('is the plain line when the file cannot be read, has no such line, or the problem has no position', () => {
    const error = new ExperimentFileError([problem(2, 'gone.yaml'), problem(99), problem(undefined)]);
    const text = formatFileError(error, { color: false, read: (file) => (file === 'gone.yaml' ? undefined : SOURCE) });
    expect(text).toBe('gone.yaml:2:3: k2: is wrong\n\nexp.yaml:99:3: k99: is wrong\n\nexp.yaml: kundefined: is wrong');
  });

  it('colours only when asked', () => {
    const error = new ExperimentFileError(problem(2));
    expect(formatFileError(error, { color: true, read: () => SOURCE })).toContain('\x1b[');
    expect(formatFileError(error, { color: false, read: () => SOURCE })).not.toContain('\x1b[');
  });
});

describe('useColor', () => {
  it('follows NO_COLOR, then FORCE_COLOR, then whether the stream is a terminal', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({}, {})).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: 'x' })).toBe(false);
  });
});

describe('a frame of a very long line', () => {
  it('shows a window around the column, marked with …, the caret under the position, and the real line numbers', () => {
    const long = `${'a'.repeat(5000)}X${'b'.repeat(5000)}`;
    const source = ['first: 1', `second: ${long}`, 'third: 3'].join('\n');
    const error = new ExperimentFileError({ file: 'exp.yaml', line: 2, column: 8 + 5000 + 1, path: 'second', problem: 'is wrong' });
    const text = formatFileError(error, { color: false, read: () => source });
    const lines = text.split('\n');
    expect(lines).toHaveLength(5);
    // the neighbours are cut to the same columns: these short ones show nothing there
    expect(lines[1]).toBe('  1 |');
    const marked = lines[2]!;
    expect(marked.startsWith('> 2 | …')).toBe(true);
    expect(marked.endsWith('…')).toBe(true);
    expect(marked.length).toBeLessThan(180);
    const caret = lines[3]!;
    expect(marked[caret.indexOf('^')]).toBe('X');
    expect(lines[4]).toBe('  3 |');
  });
});
