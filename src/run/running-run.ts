/**
 * A run directory seen from outside its controller, as `nepi exec`, `shell` and `inspect`
 * read it: the experiment it deployed (`experiment.json`), each resource's last state
 * (`events.ndjson`), whether its controller still runs, and how to reach each of its nodes
 * (the node type's `access`).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ResourceState } from '../../machines/lifecycle.js';
import { NepiError, suggest } from '../errors.js';
import type { ExperimentDescription } from '../experiment/description.js';
import { liveController } from './controller-record.js';
import type { NodeAccess } from '../resources/resource-type.js';
import type { TypeRegistry } from '../resources/registry.js';
import { readRun, type PastRun } from './read-run.js';
import { recordedNode } from './recorded-node.js';
import { EXPERIMENT_FILE } from './run-directory.js';

export interface RunResource {
  readonly guid: string;
  readonly type: string;
  /** Its last recorded state (NEW when none was recorded). */
  readonly state: ResourceState;
  /** The resources it is connected to, both ways. */
  readonly connections: readonly string[];
  /** How to reach it, when it is a node whose type says how. */
  readonly access: NodeAccess | undefined;
}

export interface RunView {
  readonly runDir: string;
  readonly expId: string;
  readonly runId: string;
  /** The pid of its controller while it runs. */
  readonly controller: number | undefined;
  readonly past: PastRun;
  readonly resources: readonly RunResource[];
}

/** Read `dir` (a run directory that was deployed); throws a NepiError saying what is missing. */
export async function readRunView(dir: string, types: TypeRegistry): Promise<RunView> {
  const runDir = resolve(dir);
  const past = await readRun(runDir);
  let description: ExperimentDescription;
  try {
    description = JSON.parse(readFileSync(join(runDir, EXPERIMENT_FILE), 'utf8')) as ExperimentDescription;
  } catch (error) {
    throw new NepiError(`'${dir}' has no readable ${EXPERIMENT_FILE} (${(error as Error).message}): it was never deployed`);
  }
  const run = { runDir, expId: basename(dirname(runDir)), runId: basename(runDir) };
  const states = new Map<string, ResourceState>();
  for (const event of past.events) states.set(event.guid, event.to as ResourceState);
  const entries = Object.entries(description.resources);
  const resources = entries.map(([guid, resource]): RunResource => {
    const type = types.has(resource.type) ? types.get(resource.type) : undefined;
    const node = type?.node?.access ? recordedNode(type, guid, resource.attributes ?? {}, run) : undefined;
    const connections = entries.filter(([other, r]) => other !== guid && (r.connect ?? []).includes(guid)).map(([other]) => other);
    return {
      guid,
      type: resource.type,
      state: past.summary?.resources[guid]?.state ?? states.get(guid) ?? 'NEW',
      connections: [...(resource.connect ?? []), ...connections],
      access: node && type?.node?.access ? type.node.access(node) : undefined,
    };
  });
  return { ...run, controller: past.summary ? undefined : liveController(runDir), past, resources };
}

/** The node `name` of a run that still runs, ready to be reached; throws a NepiError saying why not. */
export function runningNode(view: RunView, name: string): RunResource & { readonly access: NodeAccess } {
  const nodes = view.resources.filter((r) => r.access !== undefined).map((r) => r.guid);
  const resource = view.resources.find((r) => r.guid === name);
  if (!resource) throw new NepiError(`'${view.runDir}' has no resource '${name}'${suggest(name, nodes)} (its nodes: ${nodes.join(', ') || 'none'})`);
  if (!resource.access) throw new NepiError(`'${name}' is a ${resource.type}, not a node nepi can reach; the nodes of this run: ${nodes.join(', ') || 'none'}`);
  if (view.past.summary) {
    throw new NepiError(`the run in '${view.runDir}' has ended (status ${view.past.summary.status}): its nodes were released`);
  }
  if (view.controller === undefined) {
    throw new NepiError(
      `the controller of the run in '${view.runDir}' is not running (killed?): 'nepi resume' goes on with the run, 'nepi clean' removes what it left`,
    );
  }
  if (resource.state === 'NEW' || resource.state === 'RELEASED' || resource.state === 'FAILED') {
    throw new NepiError(`'${name}' is ${resource.state}: ${resource.state === 'NEW' ? 'it is not deployed yet' : 'it is gone'}`);
  }
  return { ...resource, access: resource.access };
}
