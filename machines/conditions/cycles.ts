/**
 * Finding conditions that can never hold before anything runs: a cycle among the actions
 * that wait on each other, through user conditions, implicit dependencies, deployment
 * barriers and the lifecycle itself (START needs DEPLOY, STOP needs START).
 *
 * The graph's nodes are actions (guid, action) and conditions; a condition shared by many
 * actions (a barrier over 100,000 resources) is one node, so the graph stays linear in size.
 */
import { actionReaching, type ResourceAction, type ResourceState } from '../lifecycle.js';
import type { ConditionIndex, Watch } from './condition-index.js';

/** One link of a cycle: `guid`'s `action` waits for `waitsFor` to reach `state`. */
export interface CycleLink {
  readonly guid: string;
  readonly action: ResourceAction;
  readonly waitsFor: string;
  readonly state: ResourceState;
  readonly why: 'condition' | 'dependency' | 'barrier' | 'lifecycle';
}

interface Edge {
  readonly to: string;
  /** An action→action edge carries a whole link; via a condition node it comes in two halves. */
  readonly info: Partial<CycleLink>;
}

const actionNode = (guid: string, action: ResourceAction) => `a\u0000${guid}\u0000${action}`;

/** A condition about to be registered, checked before it is. */
export interface PendingCondition {
  readonly targets: readonly string[];
  readonly action: ResourceAction;
  readonly members: readonly string[];
  readonly state: ResourceState;
}

/** What {@link findCycle} checks besides the conditions already in the index. */
export interface CycleOptions {
  /** The deployment group `guids` are about to join, when they wait for all to be READY. */
  readonly newBarrier?: readonly string[];
  /** A condition about to be registered. */
  readonly pending?: PendingCondition;
  /**
   * Whether a resource ends by itself (runs something that finishes). One that does not
   * reaches STOPPED only through its STOP action; by default every resource is assumed to.
   */
  readonly endsByItself?: (guid: string) => boolean;
  /** The actions of `guids` to start from (default: all four). */
  readonly roots?: readonly ResourceAction[];
}

/**
 * The first cycle among the actions of `guids` and of everything they wait on, or undefined.
 * `newBarrier` is the deployment group `guids` are about to join when they wait for all to
 * be READY, and `pending` a condition about to be registered: both are checked before
 * anything changes.
 */
export function findCycle(index: ConditionIndex, guids: readonly string[], options: CycleOptions = {}): CycleLink[] | undefined {
  const { newBarrier, pending } = options;
  const endsByItself = options.endsByItself ?? (() => true);
  const watchIds = new Map<Watch, string>();
  const watches = new Map<string, Pick<Watch, 'members' | 'state'>>();
  const watchNode = (w: Pick<Watch, 'members' | 'state'>): string => {
    let id = watchIds.get(w as Watch);
    if (!id) {
      id = `w\u0000${watchIds.size}`;
      watchIds.set(w as Watch, id);
      watches.set(id, w);
    }
    return id;
  };
  const pendingBarrier = newBarrier ? watchNode({ members: newBarrier, state: 'READY' }) : undefined;
  const pendingNode = pending ? watchNode({ members: pending.members, state: pending.state }) : undefined;
  const pendingTargets = new Set(pending?.targets ?? []);
  const joining = new Set(newBarrier ? guids : []);

  const edgesOf = (node: string): Edge[] => {
    const edges: Edge[] = [];
    if (node.startsWith('w')) {
      const w = watches.get(node)!;
      for (const member of w.members) {
        const needed = w.state === 'STOPPED' && !endsByItself(member) ? 'STOP' : actionReaching(w.state);
        if (needed) edges.push({ to: actionNode(member, needed), info: { waitsFor: member } });
      }
      return edges;
    }
    const [, guid = '', action = 'DEPLOY'] = node.split('\u0000') as [string, string, ResourceAction];
    const entry = index.resources.get(guid);
    if (!entry) return edges;
    for (const w of entry.gates[action]?.conditions ?? []) {
      if (w.kind === 'condition' || w.kind === 'barrier') {
        edges.push({ to: watchNode(w), info: { guid, action, state: w.state, why: w.kind } });
      }
    }
    if (pending && pendingNode && action === pending.action && pendingTargets.has(guid)) {
      edges.push({ to: pendingNode, info: { guid, action, state: pending.state, why: 'condition' } });
    }
    if (action === 'RELEASE') {
      // a resource is released after everything that depends on it
      for (const dependent of entry.dependents) {
        edges.push({
          to: actionNode(dependent, 'RELEASE'),
          info: { guid, action, waitsFor: dependent, state: 'RELEASED', why: 'dependency' },
        });
      }
    }
    if (action === 'DEPLOY') {
      for (const dependency of entry.dependsOn) {
        edges.push({
          to: actionNode(dependency, 'DEPLOY'),
          info: { guid, action, waitsFor: dependency, state: 'READY', why: 'dependency' },
        });
      }
    }
    if (action === 'START') {
      edges.push({ to: actionNode(guid, 'DEPLOY'), info: { guid, action, waitsFor: guid, state: 'READY', why: 'lifecycle' } });
      if (pendingBarrier && joining.has(guid)) {
        edges.push({ to: pendingBarrier, info: { guid, action, state: 'READY', why: 'barrier' } });
      }
    }
    if (action === 'STOP') {
      edges.push({ to: actionNode(guid, 'START'), info: { guid, action, waitsFor: guid, state: 'STARTED', why: 'lifecycle' } });
    }
    return edges;
  };

  // Iterative depth-first search; nodes on the current path are grey (1), finished ones black (2).
  const colour = new Map<string, 1 | 2>();
  const roots = options.roots ?? (['DEPLOY', 'START', 'STOP', 'RELEASE'] as const);
  for (const guid of guids) {
    for (const action of roots) {
      const root = actionNode(guid, action);
      if (colour.has(root)) continue;
      colour.set(root, 1);
      const stack: { node: string; edges: Edge[]; next: number; via?: Edge }[] = [{ node: root, edges: edgesOf(root), next: 0 }];
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        if (top.next >= top.edges.length) {
          colour.set(top.node, 2);
          stack.pop();
          continue;
        }
        const edge = top.edges[top.next++]!;
        const seen = colour.get(edge.to);
        if (seen === 2) continue;
        if (seen === 1) {
          const start = stack.findIndex((frame) => frame.node === edge.to);
          return joinLinks([...stack.slice(start + 1).map((frame) => frame.via!), edge]);
        }
        colour.set(edge.to, 1);
        stack.push({ node: edge.to, edges: edgesOf(edge.to), next: 0, via: edge });
      }
    }
  }
  return undefined;
}

/** Merge the half-links through condition nodes into whole links, starting at an action. */
function joinLinks(edges: Edge[]): CycleLink[] {
  const first = edges.findIndex((edge) => edge.info.guid !== undefined);
  const rotated = [...edges.slice(first), ...edges.slice(0, first)];
  const links: CycleLink[] = [];
  let current: Partial<CycleLink> = {};
  for (const edge of rotated) {
    current = { ...current, ...edge.info };
    if (current.waitsFor !== undefined) {
      links.push(current as CycleLink);
      current = {};
    }
  }
  return links;
}
