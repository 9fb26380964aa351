/**
 * The run directory `<localDir>/<expId>/<runId>/`: the experiment as registered
 * (`experiment.json`), one line per state change appended as it happens (`events.ndjson`),
 * one folder per resource with its traces, and `summary.json` written at the end.
 */
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
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
   * Append one event as a line, with one synchronous write: once this returns the line is in
   * the kernel's hands and survives the controller being killed (SIGKILL), though not a power
   * loss before the kernel wrote it back (no fsync per line; `close()` fsyncs). A log whose
   * last line was torn by a crash gets a newline first, so that line stays alone on its line
   * and readers skip only it. See docs/reliability.md.
   */
  appendEvent(event: object): void {
    if (this.#events === undefined) {
      this.open();
      this.#events = openSync(join(this.path, EVENTS_FILE), 'a+');
      if (endsTorn(this.#events)) writeSync(this.#events, '\n');
    }
    writeSync(this.#events, `${JSON.stringify(event)}\n`);
  }

  writeSummary(summary: unknown): void {
    this.open();
    writeJson(join(this.path, SUMMARY_FILE), summary);
  }

  close(): void {
    if (this.#events !== undefined) {
      fsyncSync(this.#events);
      closeSync(this.#events);
    }
    this.#events = undefined;
  }
}

/** Whether the open file `fd` is not empty and does not end with a newline. */
function endsTorn(fd: number): boolean {
  const { size } = fstatSync(fd);
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] !== 0x0a;
}

/** Write through a temporary file and a rename, so a reader never sees half a file. */
function writeJson(path: string, value: unknown): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}
