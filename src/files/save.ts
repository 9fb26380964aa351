/** Experiments into files: `ec.describe()` as YAML or JSON, which `loadExperimentFile` reads back. */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { stringify } from 'yaml';
import type { ExperimentDescription, ExperimentFileDescription } from '../experiment/description.js';
import type { ExperimentController } from '../experiment/experiment-controller.js';
import { ExperimentFileError } from './experiment-file-error.js';

export type ExperimentFileFormat = 'yaml' | 'json';

/** The format a file name asks for: `.yaml`/`.yml` or `.json`; anything else is an ExperimentFileError. */
export function experimentFileFormat(path: string): ExperimentFileFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  if (extension === '.json') return 'json';
  throw new ExperimentFileError({
    file: path,
    path: '',
    problem: `cannot tell the format from ${extension === '' ? 'a name without an extension' : `the extension '${extension}'`}: use .yaml, .yml or .json`,
  });
}

/** An experiment description as the text of an experiment file. */
export function formatExperiment(description: ExperimentDescription | ExperimentFileDescription, format: ExperimentFileFormat): string {
  if (format === 'json') return `${JSON.stringify(description, null, 2)}\n`;
  // lineWidth 0: long commands stay on one line; no anchors for lists shared in memory
  return stringify(description, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Write `ec.describe()` to `path`, as YAML (`.yaml`, `.yml`) or JSON (`.json`). */
export async function saveExperimentFile(ec: ExperimentController, path: string): Promise<void> {
  const format = experimentFileFormat(path);
  await writeFile(path, formatExperiment(ec.describe(), format), 'utf8');
}
