/** Temporary folders and dummy experiment files for the campaign tests. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { CSV_FILE, parseCsv, readDatabaseRows } from '../../src/campaign/index.js';

/** A fresh temporary folder for each test of the calling file. */
export function useTempDir(): { readonly path: string } {
  const holder = { path: '' };
  beforeEach(() => {
    holder.path = mkdtempSync(join(tmpdir(), 'nepi-campaign-'));
  });
  afterEach(() => rmSync(holder.path, { recursive: true, force: true }));
  return holder;
}

/**
 * A dummy experiment: a node and an application that runs `runTime`. With `parameters`, its
 * attributes use them: `${a}` in the runTime (milliseconds) and `${b}` as `critical` (a boolean).
 */
export function writeDummyExperiment(dir: string, options: { runTime?: string; swept?: boolean; name?: string } = {}): string {
  const path = join(dir, options.name ?? 'dummy.yaml');
  const app = options.swept
    ? '  app: { type: dummy::Application, connect: [node], attributes: { runTime: "${a}ms", critical: "${b}" } }'
    : `  app: { type: dummy::Application, connect: [node], attributes: { runTime: ${options.runTime ?? '1ms'} } }`;
  writeFileSync(path, ['expId: dummy', 'resources:', '  node: { type: dummy::Node }', app, ''].join('\n'));
  return path;
}

/** results.csv and the database's `runs` table hold the same rows: check, and return the CSV's. */
export function expectResultsAgree(campaignDir: string): string[][] {
  expect(existsSync(join(campaignDir, CSV_FILE))).toBe(true);
  const [header, ...rows] = parseCsv(readFileSync(join(campaignDir, CSV_FILE), 'utf8'));
  const db = readDatabaseRows(campaignDir);
  expect(db.columns).toEqual(header);
  expect(db.rows.map((row) => row.map((cell) => (cell === null ? '' : String(cell))))).toEqual(rows);
  return rows;
}
