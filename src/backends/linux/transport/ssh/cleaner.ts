/**
 * The SSH backend's cleaner (`nepi clean RUN_DIR`): on each remote host of a run whose
 * controller died, kills the process groups its applications left running (as their
 * `process.json` records them, only while the leader is still the recorded process) and
 * removes the run's folders. The hosts are found in the run's `experiment.json`. `--all`
 * cannot know remote hosts: it reports nothing for them.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import type { ExperimentDescription } from '../../../../experiment/description.js';
import { coerceAttribute, type AttributeSpec } from '../../../../resources/attributes.js';
import type { ResourceView } from '../../../../resources/views.js';
import type { Cleaner, CleanReport } from '../../../../resources/backend.js';
import { isRemoteNode, LINUX_NODE_ATTRIBUTES } from '../../node-attributes.js';
import { processRecordPath, readProcessRecord } from '../../process-record.js';
import { hostOptions } from './host-options.js';
import { SshHost } from './host.js';
import { bash, GROUP_ALIVE_FUNCTION, KILL_RECORDED_FUNCTION, quote } from './shell.js';

/** A node of a past run, as its description gives it, with the type's defaults. */
function nodeView(guid: string, attributes: Readonly<Record<string, unknown>>): ResourceView {
  const specs: Readonly<Record<string, AttributeSpec>> = LINUX_NODE_ATTRIBUTES;
  return {
    guid,
    type: 'linux::Node',
    get(name) {
      const spec = specs[name];
      if (!spec) return undefined;
      const given = attributes[name];
      return given === undefined ? spec.default : coerceAttribute(spec, given, { guid, type: 'linux::Node', attribute: name });
    },
    connections: () => [],
  };
}

async function cleanRun(runDir: string): Promise<CleanReport> {
  const removed: string[] = [];
  const problems: string[] = [];
  let description: ExperimentDescription;
  try {
    description = JSON.parse(readFileSync(join(runDir, 'experiment.json'), 'utf8')) as ExperimentDescription;
  } catch {
    return { removed, problems };
  }
  const runId = basename(runDir);
  const expId = basename(dirname(runDir));
  const resources = Object.entries(description.resources);
  const connected = (a: string, b: string) => (description.resources[a]?.connect ?? []).includes(b) || (description.resources[b]?.connect ?? []).includes(a);
  for (const [guid, resource] of resources) {
    if (resource.type !== 'linux::Node') continue;
    const node = nodeView(guid, resource.attributes ?? {});
    if (!isRemoteNode(node)) continue;
    const apps = resources.filter(([app, other]) => other.type === 'linux::Application' && connected(guid, app)).map(([app]) => app);
    const host = new SshHost(hostOptions(node));
    try {
      await host.connect();
      const folder = posix.join(host.home, '.nepi', expId, runId);
      const lines = [GROUP_ALIVE_FUNCTION, KILL_RECORDED_FUNCTION];
      for (const app of apps) {
        const record = readProcessRecord(processRecordPath(runDir, app));
        if (!record) {
          // launched, but killed before its pid was recorded: the pid file on the host names it
          const dir = posix.join(folder, app);
          lines.push(`p=$(kill_recorded ${quote(dir)}); [ -z "$p" ] || echo "process group $p of "${quote(`'${app}'`)}`);
          continue;
        }
        if (record.host === 'local') continue;
        // kill the group only while it is the one recorded: its leader has the recorded start time, or is gone
        lines.push(
          `s=$(cat /proc/${record.pid}/stat 2>/dev/null) && s=\${s##*) } && set -- $s && [ -n ${quote(record.startTime)} ] && [ "\${20}" != ${quote(record.startTime)} ] ||`,
          `  { group_alive ${record.pgid} && kill -KILL -- -${record.pgid} 2>/dev/null && echo "process group ${record.pgid} of "${quote(`'${app}'`)}; }`,
        );
      }
      lines.push(
        `if [ -e ${quote(folder)} ]; then rm -rf ${quote(folder)} && echo "folder "${quote(folder)}; fi`,
        `rmdir ${quote(posix.dirname(folder))} 2>/dev/null; true`,
      );
      const result = await host.execShort(bash(lines.join('\n')), 'the clean-up script');
      for (const line of result.stdout.split('\n').filter(Boolean)) removed.push(`${line} on ${host.target}`);
      if (result.code !== 0) problems.push(`${host.target}: ${result.stderr.trim() || `exit ${result.code}`}`);
    } catch (error) {
      problems.push(`node '${guid}': ${(error as Error).message}`);
    } finally {
      host.close();
    }
  }
  return { removed, problems };
}

export const sshCleaner: Cleaner = {
  backend: 'ssh',
  cleanRun,
  async cleanAll() {
    return { removed: [], problems: [] };
  },
};
