/**
 * How a `linux::Application` runs inside the namespace of the `netns::Node` it is connected
 * to: its command line is prefixed with `ip netns exec <namespace>`. `ip netns exec` enters
 * the namespace and execs the command, so the process keeps its pid and process group.
 */
import type { StepContext } from '../../resources/resource-type.js';
import { namespaceName } from './names.js';

/** `['ip', 'netns', 'exec', <namespace>]` when the resource is on a netns::Node, else `[]`. */
export function commandPrefixFor(ctx: Pick<StepContext, 'connections' | 'runDir'>): string[] {
  const [node] = ctx.connections('netns::Node');
  return node ? ['ip', 'netns', 'exec', namespaceName(ctx.runDir, node.guid)] : [];
}
