/**
 * `nepi show RUN_DIR`: the summary of a past run. `nepi show --expanded FILE`: an experiment
 * file as it is run, its `${parameters}` replaced and its topologies expanded into
 * resources, as YAML (an experiment file itself).
 */
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import { parseParamArguments } from '../campaign/combinations.js';
import { NepiError } from '../errors.js';
import { loadExperimentText, readExperimentFile } from '../files/load.js';
import { parseExperiment, type ParsedExperiment } from '../files/parse.js';
import { formatPath } from '../files/paths.js';
import { loadFileTypes } from '../files/file-types.js';
import { readRun } from '../run/read-run.js';
import { ExitCode } from './exit-codes.js';
import { formatSummary } from './format.js';
import { useColor } from './color.js';
import { inspectCommand } from './inspect.js';
import { liveController } from '../run/controller-record.js';
import { commandRegistry, resultSpecsOf, type TypesFlags } from './type-options.js';

export interface ShowOptions extends TypesFlags {
  /** `--expanded FILE`: print this experiment file expanded, instead of a run's summary. */
  readonly expanded?: string;
  /** `NAME=VALUE`: a parameter's value, with --expanded. */
  readonly param?: string[];
}

export async function showCommand(runDir: string | undefined, options: ShowOptions = {}): Promise<ExitCode> {
  if (options.expanded !== undefined) {
    if (runDir !== undefined)
      throw new NepiError(`nepi show takes a run directory or --expanded FILE, not both (got '${runDir}' and --expanded ${options.expanded})`);
    return showExpanded(options.expanded, options.param ?? [], options);
  }
  if (runDir === undefined) throw new NepiError('nepi show needs a run directory (nepi show RUN_DIR), or an experiment file with --expanded FILE');
  if ((options.param ?? []).length > 0) throw new NepiError('--param gives the value of a parameter of an experiment file: it goes with --expanded FILE');
  return showRun(runDir, options);
}

async function showRun(runDir: string, flags: TypesFlags): Promise<ExitCode> {
  const { summary, events } = await readRun(runDir);
  if (summary) {
    process.stdout.write(`${summary.expId}/${summary.runId}, ${summary.startedAt} - ${summary.endedAt}\n`);
    const resultSpecs = resultSpecsOf(await commandRegistry(flags));
    process.stdout.write(`${formatSummary(summary, { resources: true, color: useColor(process.stdout), resultSpecs })}\n`);
    return ExitCode.OK;
  }
  // no summary and a controller that still runs: the run goes on, show it as inspect does
  if (liveController(runDir) !== undefined) return inspectCommand(runDir);
  // no summary: the run did not end cleanly; say what its event log knows
  const last = new Map<string, string>();
  for (const event of events) last.set(event.guid, event.to);
  process.stdout.write(`${runDir}: no summary.json (the run did not end cleanly); last states from events.ndjson:\n`);
  for (const [guid, state] of last) process.stdout.write(`  ${guid}  ${state}\n`);
  return ExitCode.OK;
}

/** The file checked as `validate` checks it (problems exit with 2), then printed expanded. */
async function showExpanded(file: string, paramArguments: readonly string[], flags: TypesFlags): Promise<ExitCode> {
  const parameters = parseParamArguments(paramArguments);
  const text = await readExperimentFile(file);
  const registry = await loadFileTypes(text, file, { registry: await commandRegistry(flags) });
  const parsed = parseExperiment(text, { file, registry, parameters });
  // the second pass (connections, cycles) too: what is printed is an experiment that loads
  const ec = loadExperimentText(text, file, { record: false, parameters, registry });
  // nothing was deployed: stop without a release, which would run every release step
  ec.actor.stop();
  process.stdout.write(formatExpanded(parsed));
  return ExitCode.OK;
}

/**
 * The description as YAML, with a comment before the first resource of each topology saying
 * what it made. Lists of names (`connect`, `group`) are written on one line.
 */
export function formatExpanded(parsed: ParsedExperiment): string {
  const { expId, types, resources: described } = parsed.description;
  const document = new Document(
    { ...(expId === undefined ? {} : { expId }), ...(types === undefined ? {} : { types }), resources: described },
    { aliasDuplicateObjects: false },
  );
  const topologies = parsed.topologies ?? [];
  const count = Object.keys(described).length;
  const made = topologies.reduce((n, t) => n + t.nodes.length + t.links.length, 0);
  document.commentBefore =
    ` ${parsed.file}, expanded: ${count} ${count === 1 ? 'resource' : 'resources'}` +
    (topologies.length === 0 ? '' : `, ${made} of them made by ${topologies.length} ${topologies.length === 1 ? 'topology' : 'topologies'}`);
  const notes = new Map<string, string>();
  for (const topology of topologies) {
    const first = topology.nodes[0] ?? topology.links[0];
    if (first === undefined) continue;
    notes.set(first, ` ${formatPath(topology.path)}: ${topology.kind}, ${amount(topology.nodes, 'node')}, ${amount(topology.links, 'link')}`);
  }
  const resources = document.get('resources');
  if (isMap(resources)) {
    for (const pair of resources.items) {
      const note = isScalar(pair.key) ? notes.get(String(pair.key.value)) : undefined;
      if (note !== undefined && isScalar(pair.key)) pair.key.commentBefore = note;
    }
  }
  visit(document, {
    Seq(_, node) {
      if (isSeq(node) && node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** `4 nodes (h1..h4)`, `1 link (l1-2)`, `0 links`. */
function amount(names: readonly string[], what: string): string {
  const counted = `${names.length} ${what}${names.length === 1 ? '' : 's'}`;
  if (names.length === 0) return counted;
  return `${counted} (${names.length === 1 ? names[0] : `${names[0]}..${names[names.length - 1]}`})`;
}
