import { readFileSync } from 'node:fs';

/** Whether `pid` runs; a zombie (killed, not yet reaped by its new parent) does not. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Whether every one of `pids` is gone within `ms`: a SIGKILLed process needs a moment to be
 * scheduled and die, so a check right after the kill would race with the kernel.
 */
export async function allGone(pids: readonly number[], ms = 2000): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (pids.some(alive)) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
