/**
 * Process groups on this host: signalling a whole group, whether one is alive, its members;
 * and `ProcessGroups`, the groups one executor started and has not seen end. If Node exits
 * without a release, every group still listed is killed (see ../../../exit-guard.ts), so no
 * process of an experiment outlives its controller.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { onProcessExit } from '../../../exit-guard.js';

export class ProcessGroups {
  readonly #live = new Set<number>();
  #unhook: (() => void) | undefined;

  track(pgid: number): void {
    this.#unhook ??= onProcessExit(() => this.killAll());
    this.#live.add(pgid);
  }

  untrack(pgid: number): void {
    this.#live.delete(pgid);
    if (this.#live.size === 0) {
      this.#unhook?.();
      this.#unhook = undefined;
    }
  }

  get size(): number {
    return this.#live.size;
  }

  /** SIGKILL every group still listed (synchronous). */
  killAll(): void {
    for (const pgid of this.#live) signalGroup(pgid, 'SIGKILL');
    this.#live.clear();
    this.#unhook?.();
    this.#unhook = undefined;
  }
}

/** Send `signal` to a whole process group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Whether any process of the group is still alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The processes of group `pgid` that still run (zombies excluded: they are dead, only not
 * reaped), read from /proc. Empty where /proc is not there.
 */
export function liveMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return members;
}
