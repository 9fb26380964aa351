/** Text the CLI prints: summaries, resource tables, type descriptions. */
import { fileURLToPath } from 'node:url';
import { formatDuration } from '../time/duration.js';
import { defaultRegistry } from '../resources/registry.js';
import type { ResourceType, ResultSpec } from '../resources/resource-type.js';
import { paint } from './palette.js';
import { formatRecap, formatResults } from './recap.js';
import type { RunSummary } from '../run/summary.js';
import { ATTRIBUTE_FLAGS, type AttributeSpec } from '../resources/attributes.js';

export function formatElapsed(ms: number): string {
  return formatDuration(Math.max(0, Math.round(ms)));
}

export interface SummaryFormat {
  /** Every resource with its final state and the time of each state (`nepi show`). */
  readonly resources?: boolean;
  readonly color?: boolean;
  /** The results a type declares (units); default: the registered types'. */
  readonly resultSpecs?: (type: string) => Readonly<Record<string, ResultSpec>> | undefined;
}

/** The type's declared results, when it is registered (a run of a type this nepi does not know shows none). */
function registeredResults(type: string): Readonly<Record<string, ResultSpec>> | undefined {
  return defaultRegistry.has(type) ? defaultRegistry.get(type).results : undefined;
}

/**
 * The closing report of a run: status, what was interrupted, failures with their causes,
 * what resources measured (with units), the addresses nodes had, a recap per type, the run
 * directory.
 */
export function formatSummary(summary: RunSummary, options: SummaryFormat = {}): string {
  const color = options.color ?? false;
  const count = Object.keys(summary.resources).length;
  const by = summary.interrupted ? ` by ${summary.interrupted.by} after ${formatElapsed(summary.interrupted.time - runStart(summary))}` : '';
  const lines = [
    `status: ${paint(summary.status, summary.status === 'released' ? 'green' : summary.status === 'aborted' ? 'red' : 'yellow', color)}${by} (${count} resource${count === 1 ? '' : 's'}, ${summary.failures.length} failure${summary.failures.length === 1 ? '' : 's'})`,
  ];
  const unfinished = summary.interrupted?.unfinished ?? [];
  if (unfinished.length > 0) {
    lines.push('not ended when interrupted:');
    for (const { guid, state } of unfinished) lines.push(`  - ${guid} (${summary.resources[guid]?.type ?? 'unknown type'}) was ${state}`);
  }
  if (summary.failures.length > 0) {
    lines.push('failures:');
    for (const f of summary.failures) {
      const cause = f.error.split('\n').join('\n      ');
      lines.push(`  - ${paint(f.guid, 'red', color)} (${f.type}${f.critical ? '' : ', non-critical'}) failed at ${f.step ?? 'run'}: ${cause}`);
    }
  }
  if (options.resources ?? false) {
    lines.push('resources:');
    const width = Math.max(...Object.keys(summary.resources).map((name) => name.length), 4);
    for (const [name, { type, state, times }] of Object.entries(summary.resources)) {
      const start = times.NEW ?? 0;
      const steps = Object.entries(times)
        .filter(([s]) => s !== 'NEW')
        .map(([s, t]) => `${s} +${formatElapsed((t ?? start) - start)}`)
        .join(', ');
      lines.push(`  ${name.padEnd(width)}  ${type.padEnd(20)} ${state.padEnd(11)} ${steps}`);
    }
  }
  const measured = Object.entries(summary.resources).filter(([, r]) => r.results !== undefined);
  if (measured.length > 0) {
    lines.push('results:');
    const specs = options.resultSpecs ?? registeredResults;
    for (const [name, { type, results }] of measured) lines.push(`  ${name}: ${formatResults(results!, specs(type))}`);
  }
  const changed = Object.entries(summary.resources).filter(([, r]) => r.changes !== undefined);
  if (changed.length > 0) {
    lines.push('changes:');
    const start = runStart(summary);
    for (const [name, { changes }] of changed) {
      for (const { name: attribute, value, previous, time } of changes!) {
        lines.push(`  ${name}: ${attribute} ${formatValue(previous)} -> ${formatValue(value)} at +${formatElapsed(time - start)}`);
      }
    }
  }
  const addresses = Object.entries(summary.addresses ?? {});
  if (addresses.length > 0) {
    lines.push('addresses:');
    for (const [node, list] of addresses) lines.push(`  ${node}: ${list.join(', ')}`);
  }
  if (count > 0) lines.push('recap:', ...formatRecap(summary, color));
  lines.push(`run directory: ${summary.runDir}`);
  return lines.join('\n');
}

function formatValue(value: unknown): string {
  return value === undefined ? '(unset)' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** When the run's first resource was registered (clock time), or 0 without resources. */
function runStart(summary: RunSummary): number {
  const starts = Object.values(summary.resources).flatMap(({ times }) => (times.NEW === undefined ? [] : [times.NEW]));
  return starts.reduce((min, t) => Math.min(min, t), starts[0] ?? 0);
}

/** What `nepi types` prints of a type; `module`: the file URL of the types module it came from. */
export function formatType(type: ResourceType, module?: string): string {
  const lines = [`${type.type}: ${type.help}`];
  if (module !== undefined) lines.push(`  from: ${fileURLToPath(module)}`);
  const connects = Object.entries(type.connectsTo).map(([pattern, rule]) => {
    const count = rule.min !== undefined || rule.max !== undefined ? ` (${rule.min ?? 0}..${rule.max ?? 'n'})` : '';
    return `${pattern}${count}`;
  });
  if (connects.length > 0) lines.push(`  connects to: ${connects.join(', ')}`);
  if (type.dependsOn.length > 0) lines.push(`  depends on: ${type.dependsOn.join(', ')}`);
  lines.push('  attributes:');
  for (const [name, spec] of Object.entries(type.attributes)) lines.push(`    ${name}: ${describeAttribute(spec)}`);
  const results = Object.entries(type.results);
  if (results.length > 0) {
    lines.push('  results:');
    for (const [name, spec] of results) lines.push(`    ${name}: ${spec.help}${spec.unit === undefined ? '' : ` (${spec.unit})`}`);
  }
  const traces = Object.entries(type.traces);
  if (traces.length > 0) {
    lines.push('  traces:');
    for (const [name, spec] of traces) lines.push(`    ${name}: ${spec.help}${spec.enabled === false ? ' (off by default)' : ''}`);
  }
  return lines.join('\n');
}

function describeAttribute(spec: AttributeSpec): string {
  const facts: string[] = [spec.type];
  if (spec.required) facts.push('required');
  if (spec.default !== undefined) {
    facts.push(`default ${spec.type === 'duration' ? formatDuration(spec.default as number) : JSON.stringify(spec.default)}`);
  }
  if (spec.allowed) facts.push(`one of ${spec.allowed.join(' | ')}`);
  if (spec.range) facts.push(`range [${spec.range[0]}, ${spec.range[1]}]`);
  for (const flag of ATTRIBUTE_FLAGS) if (spec[flag]) facts.push(flag);
  return `${facts.join(', ')} - ${spec.help}`;
}
