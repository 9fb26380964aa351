/**
 * A run's ledger: one NDJSON file per backend in `<runDir>/ledger/`, to which a backend
 * appends what it is about to create (a namespace, a veth pair, a remote folder) *before*
 * creating it. Written synchronously: once `record` returns, the line survives the
 * controller being killed, so `nepi clean RUN_DIR` can remove exactly what the run created.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LEDGER_DIR = 'ledger';

/** One thing a backend created (or was about to create): `kind` and `name` say what. */
export interface LedgerEntry {
  readonly kind: string;
  readonly name: string;
  /** The resource that created it. */
  readonly guid?: string;
  readonly [key: string]: unknown;
}

export function ledgerPath(runDir: string, backend: string): string {
  return join(runDir, LEDGER_DIR, `${backend}.ndjson`);
}

/** Append `entry` to the ledger of `backend` in `runDir` (creating the file as needed). */
export function recordInLedger(runDir: string, backend: string, entry: LedgerEntry): void {
  mkdirSync(join(runDir, LEDGER_DIR), { recursive: true });
  appendFileSync(ledgerPath(runDir, backend), `${JSON.stringify({ ...entry, time: new Date().toISOString() })}\n`);
}

/** Every entry of the ledger of `backend` in `runDir`, in order; empty when there is none. */
export function readLedger(runDir: string, backend: string): LedgerEntry[] {
  let text: string;
  try {
    text = readFileSync(ledgerPath(runDir, backend), 'utf8');
  } catch {
    return [];
  }
  const entries: LedgerEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as LedgerEntry;
      if (typeof entry.kind === 'string' && typeof entry.name === 'string') entries.push(entry);
    } catch {
      /* a line cut short by a crash: what it named was not created yet */
    }
  }
  return entries;
}
