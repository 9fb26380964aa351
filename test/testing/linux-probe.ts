/**
 * A probe for mutants of linux::Application that forget their process (their `data.process`
 * is gone): it reads the process group the mutant saved in `data.pgid`. The real type's own
 * probe reads `data.process`.
 */
import { liveMembers } from '../../src/backends/linux/transport/local/process-groups.js';
import type { ProbeContext } from '../../src/testing/index.js';

/** The live (non-zombie) processes of the group the resource started. */
export function probeProcessGroup(resource: ProbeContext): string[] {
  const started = resource.data['process'] as { pgid?: number } | undefined;
  const pgid = started?.pgid ?? (resource.data['pgid'] as number | undefined);
  if (pgid === undefined || pgid <= 0) return [];
  return liveMembers(pgid).map((pid) => `process ${pid} of group ${pgid} still runs`);
}
