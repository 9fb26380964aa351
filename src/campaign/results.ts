/**
 * A campaign's results, written from its state after every run: `results.csv` (rewritten
 * atomically) and `results.sqlite` (tables `runs` and `combinations`, updated in one
 * transaction). Both have one row per run with the same columns: the combination, the run,
 * its id, one column per parameter, its status, metric, duration, start, end, directory and
 * error.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ParameterValue } from '../files/parameters.js';
import { RESULT_COLUMNS } from './combinations.js';
import { allRuns, finishedRuns, samplesOf, writeFileAtomically, type CampaignRun, type CampaignState } from './state.js';
import { confidenceInterval } from './stop-rule.js';

export const CSV_FILE = 'results.csv';
export const DATABASE_FILE = 'results.sqlite';

/** A cell of a results row: what SQLite stores (NULL for nothing). */
export type Cell = string | number | null;

/** The columns of results.csv and of the database's `runs` table, in order. */
export function resultColumns(state: CampaignState): string[] {
  const [combination, run, runId, ...rest] = RESULT_COLUMNS;
  return [combination, run, runId, ...state.parameters, ...rest];
}

/** One row per run, in the columns' order. */
export function resultRows(state: CampaignState): Cell[][] {
  return allRuns(state).map((run) => rowOf(state, run));
}

function rowOf(state: CampaignState, run: CampaignRun): Cell[] {
  const parameters = state.combinations[run.combination]?.parameters ?? {};
  return [
    run.combination,
    run.run,
    run.runId,
    ...state.parameters.map((name) => cell(parameters[name])),
    run.status,
    run.metric ?? null,
    run.durationMs ?? null,
    run.startedAt,
    run.endedAt ?? null,
    run.runDir,
    run.error ?? null,
  ];
}

function cell(value: ParameterValue | undefined): Cell {
  if (value === undefined) return null;
  return typeof value === 'boolean' ? String(value) : value;
}

/** RFC 4180: fields with a comma, a quote or a line break are quoted, quotes doubled. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function writeCsv(dir: string, state: CampaignState): void {
  const lines = [resultColumns(state), ...resultRows(state)].map((row) => row.map(csvField).join(','));
  writeFileAtomically(join(dir, CSV_FILE), `${lines.join('\n')}\n`);
}

/** Parse CSV text as {@link writeCsv} writes it: every field a string. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Bring the database in line with the state: the `runs` table holds exactly the state's runs
 * and `combinations` one row per combination with its figures. One transaction: a reader (or
 * a crash) sees the old rows or the new ones.
 */
export function writeDatabase(dir: string, state: CampaignState): void {
  const db = new Database(join(dir, DATABASE_FILE));
  try {
    db.pragma('journal_mode = DELETE');
    const columns = resultColumns(state);
    const types: Record<string, string> = { combination: 'INTEGER', run: 'INTEGER', metric: 'REAL', duration_ms: 'REAL' };
    db.exec(`CREATE TABLE IF NOT EXISTS runs (${columns.map((c) => `${quote(c)} ${types[c] ?? ''}`.trim()).join(', ')}, PRIMARY KEY (run_id))`);
    const parameterColumns = state.parameters.map((name) => `${quote(name)}`);
    db.exec(
      `CREATE TABLE IF NOT EXISTS combinations (combination INTEGER PRIMARY KEY${parameterColumns.map((c) => `, ${c}`).join('')}, ` +
        'status TEXT, stopped TEXT, runs INTEGER, samples INTEGER, mean REAL, half_width REAL, low REAL, high REAL, method TEXT, confidence REAL)',
    );
    const insertRun = db.prepare(`INSERT INTO runs (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    const combinationColumns = [
      'combination',
      ...state.parameters,
      'status',
      'stopped',
      'runs',
      'samples',
      'mean',
      'half_width',
      'low',
      'high',
      'method',
      'confidence',
    ];
    const insertCombination = db.prepare(
      `INSERT INTO combinations (${combinationColumns.map(quote).join(', ')}) VALUES (${combinationColumns.map(() => '?').join(', ')})`,
    );
    db.transaction(() => {
      db.exec('DELETE FROM runs; DELETE FROM combinations;');
      for (const row of resultRows(state)) insertRun.run(row);
      for (const combination of state.combinations) {
        const samples = samplesOf(combination);
        const interval = confidenceInterval(samples, state.stop.interval, state.stop.confidence);
        insertCombination.run([
          combination.index,
          ...state.parameters.map((name) => cell(combination.parameters[name])),
          combination.status,
          combination.stopped ?? null,
          finishedRuns(combination).length,
          samples.length,
          samples.length > 0 ? samples.reduce((a, b) => a + b, 0) / samples.length : null,
          interval?.halfWidth ?? null,
          interval?.low ?? null,
          interval?.high ?? null,
          interval?.method ?? null,
          interval?.confidence ?? null,
        ]);
      }
    })();
  } finally {
    db.close();
  }
}

/** The `runs` table, in results order, as rows in the columns' order. */
export function readDatabaseRows(dir: string): { columns: string[]; rows: Cell[][] } {
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    const statement = db.prepare('SELECT * FROM runs ORDER BY combination, run, started_at').raw(true);
    const columns = statement.columns().map((c) => c.name);
    return { columns, rows: statement.all() as Cell[][] };
  } finally {
    db.close();
  }
}

/** Write both results from the state. */
export function writeResults(dir: string, state: CampaignState): void {
  writeDatabase(dir, state);
  writeCsv(dir, state);
}
