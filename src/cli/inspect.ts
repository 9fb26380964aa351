/**
 * `nepi inspect RUN_DIR`: each resource of a run with its state, and each node with where it
 * is and its interfaces and addresses, read live from the node (`ip -json address`) while the
 * run goes on, as Containerlab's closing table shows a lab. Once the run has ended, its nodes
 * are gone: the table has the final states and the addresses nepi had assigned.
 */
import { execFile } from 'node:child_process';
import { defaultRegistry } from '../resources/registry.js';
import { readRunView, type RunResource, type RunView } from '../run/running-run.js';
import { ExitCode } from './exit-codes.js';

/** One interface of a node, as `ip -json address` gives it. */
export interface NodeInterface {
  readonly name: string;
  readonly state: string;
  readonly addresses: readonly string[];
}

export interface InspectedResource {
  readonly guid: string;
  readonly type: string;
  readonly state: string;
  /** A node: where it is (`this host`, `namespace ...`, `user@host:22`). */
  readonly where?: string;
  /** A node of a running run: its interfaces; or why they could not be read. */
  readonly interfaces?: readonly NodeInterface[];
  readonly unreachable?: string;
  /** What is not a node: the nodes it is connected to. */
  readonly on?: readonly string[];
  /** A node of an ended run: the addresses nepi had assigned it. */
  readonly assigned?: readonly string[];
}

const READ_TIMEOUT_MS = 10_000;

export async function inspectCommand(runDir: string, options: { readonly json?: boolean; readonly sshOption?: string[] } = {}): Promise<ExitCode> {
  const view = await readRunView(runDir, defaultRegistry);
  const resources = await inspectRun(view, options.sshOption ?? []);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ runDir: view.runDir, status: runStatus(view), controller: view.controller, resources }, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatInspection(view, resources)}\n`);
  }
  return ExitCode.OK;
}

function runStatus(view: RunView): string {
  return view.past.summary?.status ?? (view.controller === undefined ? 'not running (its controller is gone)' : 'running');
}

export async function inspectRun(view: RunView, sshOptions: readonly string[]): Promise<InspectedResource[]> {
  const nodes = new Set(view.resources.filter((r) => r.access).map((r) => r.guid));
  const live = view.past.summary === undefined && view.controller !== undefined;
  return Promise.all(
    view.resources.map(async (resource): Promise<InspectedResource> => {
      const base = { guid: resource.guid, type: resource.type, state: resource.state };
      if (!resource.access) return { ...base, on: resource.connections.filter((c) => nodes.has(c)) };
      const where = { ...base, where: resource.access.where };
      if (!live || !exists(resource)) {
        const assigned = view.past.summary?.addresses?.[resource.guid];
        return assigned ? { ...where, assigned } : where;
      }
      try {
        return { ...where, interfaces: await readInterfaces(resource, sshOptions) };
      } catch (error) {
        return { ...where, unreachable: (error as Error).message };
      }
    }),
  );
}

function exists(resource: RunResource): boolean {
  return resource.state !== 'NEW' && resource.state !== 'RELEASED' && resource.state !== 'FAILED';
}

function readInterfaces(resource: RunResource, sshOptions: readonly string[]): Promise<NodeInterface[]> {
  const argv = resource.access!.argv('ip -json address show', { tty: false, sshOptions: ['BatchMode=yes', ...sshOptions] });
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { timeout: READ_TIMEOUT_MS, ...(resource.access!.cwd ? { cwd: resource.access!.cwd } : {}) }, (error, stdout, stderr) => {
      if (error) return reject(new Error(stderr.trim().split('\n').pop() || error.message));
      try {
        const links = JSON.parse(stdout) as { ifname: string; operstate?: string; addr_info?: { local: string; prefixlen: number }[] }[];
        resolve(links.map((l) => ({ name: l.ifname, state: l.operstate ?? '?', addresses: (l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`) })));
      } catch {
        reject(new Error(`'ip -json address' printed no JSON: ${stdout.slice(0, 80)}`));
      }
    });
  });
}

export function formatInspection(view: RunView, resources: readonly InspectedResource[]): string {
  const head = `${view.expId}/${view.runId}: ${runStatus(view)}${view.controller ? ` (controller pid ${view.controller})` : ''}, ${resources.length} resources`;
  const width = (pick: (r: InspectedResource) => string) => Math.max(...resources.map((r) => pick(r).length), 4);
  const [name, type, state] = [width((r) => r.guid), width((r) => r.type), width((r) => r.state)];
  const lines = [head, `${'name'.padEnd(name)}  ${'type'.padEnd(type)}  ${'state'.padEnd(state)}  where`];
  for (const r of resources) {
    const where = r.where ?? (r.on && r.on.length > 0 ? `on ${r.on.join(', ')}` : '');
    lines.push(`${r.guid.padEnd(name)}  ${r.type.padEnd(type)}  ${r.state.padEnd(state)}  ${where}`.trimEnd());
    const indent = ' '.repeat(name + 2);
    if (r.unreachable) lines.push(`${indent}interfaces unknown: ${r.unreachable}`);
    const ifWidth = Math.max(...(r.interfaces ?? []).map((i) => i.name.length), 2);
    for (const i of r.interfaces ?? []) lines.push(`${indent}${i.name.padEnd(ifWidth)}  ${i.state.padEnd(7)}  ${i.addresses.join(', ') || '-'}`.trimEnd());
    if (r.assigned) lines.push(`${indent}addresses assigned: ${r.assigned.join(', ')}`);
  }
  return lines.join('\n');
}
