/** Temporary experiment files for the tests of this folder, removed after each test. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { ExperimentFileError, loadExperimentFile, type LoadOptions } from '../../src/files/index.js';

export interface TempFiles {
  /** The path of `name` in this test's folder. */
  path(name: string): string;
  /** Write `lines` (joined with newlines) to `name`; returns its path. */
  write(name: string, ...lines: string[]): Promise<string>;
}

/** A fresh temporary folder for each test of the calling file. */
export function useTempFiles(): TempFiles {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nepi-files-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    path: (name) => join(dir, name),
    write: async (name, ...lines) => {
      const path = join(dir, name);
      await writeFile(path, `${lines.join('\n')}\n`, 'utf8');
      return path;
    },
  };
}

/** The ExperimentFileError that loading `path` throws. */
export async function loadError(path: string, options: LoadOptions = {}): Promise<ExperimentFileError> {
  const error = await loadExperimentFile(path, { record: false, ...options }).then(
    async (ec) => {
      await ec.shutdown();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExperimentFileError);
  return error as ExperimentFileError;
}

/** `LINE:COLUMN` of the `nth` (default first) occurrence of `token` on line `line` (1-based) of `lines`. */
export function at(lines: readonly string[], line: number, token: string, nth = 1): string {
  const text = lines[line - 1];
  if (text === undefined) throw new Error(`no line ${line}`);
  let column = -1;
  for (let i = 0; i < nth; i++) column = text.indexOf(token, column + 1);
  if (column < 0) throw new Error(`'${token}' is not on line ${line}: ${text}`);
  return `${line}:${column + 1}`;
}
