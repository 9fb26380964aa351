/**
 * The netns backend's session: what the links and switches of one experiment share while it
 * runs. The subnets they claimed (so that two never overlap, and automatic /30s come from
 * what is left of the pool, avoiding the subnets other links and switches of the experiment
 * were given explicitly), each node's addresses (so that a `linux::Ping` can target a node by
 * name), and the namespaces it created, removed at once if Node exits without a release.
 */
import { AttributeValueError } from '../../errors.js';
import type { BackendSession } from '../../resources/backend.js';
import type { ExperimentView, ResourceView } from '../../resources/views.js';
import { onProcessExit } from '../exit-guard.js';
import { firstFree, formatAddress, formatSubnet, overlaps, parseSubnet, type InterfaceAddress, type Subnet } from './addresses.js';
import { AddressError, AddressPoolExhaustedError } from './errors.js';
import { removeNamespacesSync } from './namespaces.js';

interface Claim {
  readonly subnet: Subnet;
  readonly owner: string;
}

/** The attributes that give a link or a switch its subnet explicitly. */
const EXPLICIT = ['address1', 'address2', 'subnet'] as const;

/** The netns backend's session for one experiment: the subnets its links and switches claimed, each node's addresses, and the namespaces it created (removed if Node exits without a release). */
export class NetnsSession implements BackendSession {
  readonly #claims: Claim[] = [];
  /** node guid → [owner (link or switch), address] */
  readonly #addresses = new Map<string, Array<{ owner: string; address: InterfaceAddress }>>();
  #explicit: { revision: number; subnets: ReadonlyArray<readonly [string, Subnet]> } | undefined;
  readonly #namespaces = new Set<string>();
  #unhook: (() => void) | undefined;

  constructor(readonly experiment: ExperimentView) {}

  /** Claim `subnet` for `owner`; an AddressError when it overlaps another owner's subnet. */
  claimSubnet(owner: string, subnet: Subnet, what: string): void {
    const clash = this.#claims.find((claim) => claim.owner !== owner && overlaps(claim.subnet, subnet));
    if (clash) {
      throw new AddressError(
        `'${owner}': ${what} ${formatSubnet(subnet)} overlaps subnet ${formatSubnet(clash.subnet)} of '${clash.owner}'; give them subnets that do not overlap`,
        { guid: owner },
      );
    }
    this.#claims.push({ owner, subnet });
  }

  /** Claim the first free subnet of length `prefix` in `pool` for `owner`. */
  allocateSubnet(owner: string, poolText: string, prefix: number): Subnet {
    let pool: Subnet;
    try {
      pool = parseSubnet(poolText);
    } catch (error) {
      throw new AddressError(`'${owner}': attribute 'pool': ${(error as Error).message}`, { guid: owner, attribute: 'pool' });
    }
    const subnet = firstFree(pool, prefix, [...this.#claims.map((claim) => claim.subnet), ...this.#explicitSubnets(owner)]);
    if (!subnet) {
      const inPool = this.#claims.filter((claim) => overlaps(claim.subnet, pool));
      const owners = [...new Set(inPool.map((claim) => `'${claim.owner}'`))];
      throw new AddressPoolExhaustedError(
        `'${owner}': the address pool ${formatSubnet(pool)} is exhausted: no free /${prefix} is left (${inPool.length} subnet(s) of it taken by ${owners
          .slice(0, 5)
          .join(', ')}${owners.length > 5 ? ', ...' : ''}); set a larger 'pool' or give addresses explicitly`,
        { guid: owner, attribute: 'pool' },
      );
    }
    this.#claims.push({ owner, subnet });
    return subnet;
  }

  /** Note that `node` has `address` on an interface of `owner`. */
  noteAddress(node: string, owner: string, address: InterfaceAddress): void {
    const list = this.#addresses.get(node) ?? [];
    list.push({ owner, address });
    this.#addresses.set(node, list);
  }

  /** The addresses of `node` (CIDR), in the order they were set. */
  addressesOf(node: string): string[] {
    return (this.#addresses.get(node) ?? []).map((entry) => formatAddress(entry.address));
  }

  /** Drop every claim and address of `owner`. */
  releaseOwner(owner: string): void {
    for (let i = this.#claims.length - 1; i >= 0; i--) if (this.#claims[i]!.owner === owner) this.#claims.splice(i, 1);
    for (const [node, list] of this.#addresses) {
      const kept = list.filter((entry) => entry.owner !== owner);
      if (kept.length === 0) this.#addresses.delete(node);
      else this.#addresses.set(node, kept);
    }
  }

  /** A namespace this experiment is about to create: removed if Node exits before it is. */
  trackNamespace(name: string): void {
    this.#unhook ??= onProcessExit(() => removeNamespacesSync([...this.#namespaces]));
    this.#namespaces.add(name);
  }

  /** A namespace that no longer exists: not removed at exit any more. */
  untrackNamespace(name: string): void {
    this.#namespaces.delete(name);
  }

  dispose(): void {
    // every namespace was removed by its resource's release; one left (a failed release) is
    // removed by `nepi clean` from the ledger, and by the exit hook if Node exits first
    if (this.#namespaces.size === 0) {
      this.#unhook?.();
      this.#unhook = undefined;
    }
  }

  /**
   * The subnets given explicitly to the experiment's links and switches (other than
   * `owner`): an automatic subnet avoids them even when the link that asked for one deploys
   * first. Read from the experiment, again only when it changed.
   */
  #explicitSubnets(owner: string): Subnet[] {
    if (this.#explicit?.revision !== this.experiment.revision) {
      const subnets: Array<readonly [string, Subnet]> = [];
      for (const resource of this.experiment.resources('netns::Link|netns::Switch')) subnets.push(...explicitOf(resource));
      this.#explicit = { revision: this.experiment.revision, subnets };
    }
    return this.#explicit.subnets.filter(([guid]) => guid !== owner).map(([, subnet]) => subnet);
  }
}

function explicitOf(resource: ResourceView): Array<readonly [string, Subnet]> {
  return EXPLICIT.flatMap((key) => {
    const value = resource.get(key);
    if (typeof value !== 'string') return [];
    try {
      return [[resource.guid, parseSubnet(value)] as const];
    } catch {
      return []; // its own discover reports it
    }
  });
}

/** At discover: an AttributeValueError unless the resource's `pool` is a subnet in CIDR form. */
export function checkPool(ctx: Pick<ResourceView, 'get' | 'guid'>, type: string): void {
  try {
    parseSubnet(ctx.get('pool') as string);
  } catch (error) {
    throw new AttributeValueError(ctx.guid, type, 'pool', (error as Error).message);
  }
}
