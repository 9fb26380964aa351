/**
 * The run directory `<localDir>/<expId>/<runId>/`: the experiment as registered
 * (`experiment.json`), one line per state change appended as it happens (`events.ndjson`),
 * one folder per resource with its traces, and `summary.json` written at the end.
 */
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const EXPERIMENT_FILE = 'experiment.json';
export const EVENTS_FILE = 'events.ndjson';
export const SUMMARY_FILE = 'summary.json';

export class RunDirectory {
  #events: number | undefined;

  constructor(readonly path: string) {}

  /** Create the directory (and its parents); idempotent. */
  open(): void {
    mkdirSync(this.path, { recursive: true });
  }

  /** The folder of one resource's traces, created on first use. */
  resourceDir(guid: string): string {
    const dir = join(this.path, guid);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  writeExperiment(description: unknown): void {
    this.open();
    writeJson(join(this.path, EXPERIMENT_FILE), description);
  }

  /**
   * Append one event as a line. Written synchronously: once this returns the line is in the
   * kernel's hands and survives the controller being killed.
   */
  appendEvent(event: object): void {
    if (this.#events === undefined) {
      this.open();
      this.#events = openSync(join(this.path, EVENTS_FILE), 'a');
    }
    writeSync(this.#events, `${JSON.stringify(event)}\n`);
  }

  writeSummary(summary: unknown): void {
    this.open();
    writeJson(join(this.path, SUMMARY_FILE), summary);
  }

  close(): void {
    if (this.#events !== undefined) closeSync(this.#events);
    this.#events = undefined;
  }
}

/** Write through a temporary file and a rename, so a reader never sees half a file. */
function writeJson(path: string, value: unknown): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}
