/** A plan as the text `nepi plan` prints: one line per resource, then the total. */
import { formatDuration } from '../time/duration.js';
import type { ExperimentPlan } from './run-plan.js';

const at = (ms: number | undefined) => (ms === undefined ? '-' : formatDuration(Math.round(ms * 1000) / 1000));

export function formatPlan(plan: ExperimentPlan): string {
  const header = ['resource', 'type', 'deploy', 'ready', 'start', 'end', 'released'];
  const rows = plan.resources.map((r) => [
    r.guid,
    r.type,
    at(r.deploy),
    at(r.ready),
    at(r.start),
    r.end === undefined ? '-' : `${at(r.end)} ${r.endState}`,
    at(r.released),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const count = plan.resources.length;
  const lines = [`plan of ${plan.expId} (${count} resource${count === 1 ? '' : 's'}), times from the start of the deployment:`, ''];
  lines.push(line(header), ...rows.map(line), '');
  const changes = plan.resources.flatMap((r) => (r.changes ?? []).map((change) => ({ guid: r.guid, ...change })));
  if (changes.length > 0) {
    lines.push('changes (SET conditions):');
    for (const { guid, name, value, time } of changes.sort((a, b) => a.time - b.time))
      lines.push(`  ${at(time)}  ${guid}: ${name} -> ${JSON.stringify(value)}`);
    lines.push('');
  }
  if (plan.stuck.length > 0) {
    const failed = plan.stuck.filter((s) => s.cause !== undefined);
    lines.push(
      `the experiment never ends by itself: ${plan.stuck.map((s) => `'${s.guid}' stays ${s.state}`).join(', ')} forever; ` +
        (failed.length > 0 ? 'a run fails them once nothing else can happen:' : 'the plan released everything once nothing else could happen'),
      ...failed.map((s) => `  ${s.guid}: ${s.cause}`),
    );
  }
  if (plan.status === 'aborted') lines.push('a critical resource fails: the experiment is aborted');
  lines.push(`total: ${at(plan.total)}`);
  return lines.join('\n');
}
