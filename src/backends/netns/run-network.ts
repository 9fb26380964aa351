/**
 * What the links and switches of one run share while it runs: the subnets they claimed (so
 * that two never overlap, and automatic /30s come from what is left of the pool) and each
 * node's addresses (so that `linux::Ping` can target a node by name). One entry per run
 * directory, dropped when its last claim is released.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AttributeValueError } from '../../errors.js';
import type { StepContext } from '../../resources/resource-type.js';
import { EXPERIMENT_FILE } from '../../run/run-directory.js';
import { AddressError, AddressPoolExhaustedError } from './errors.js';
import { firstFree, formatAddress, formatSubnet, overlaps, parseSubnet, type InterfaceAddress, type Subnet } from './addresses.js';

interface Claim {
  readonly subnet: Subnet;
  readonly owner: string;
}

interface RunNetwork {
  readonly claims: Claim[];
  /** node guid → [owner (link or switch), address] */
  readonly addresses: Map<string, Array<{ owner: string; address: InterfaceAddress }>>;
}

const runs = new Map<string, RunNetwork>();

function network(runDir: string): RunNetwork {
  let entry = runs.get(runDir);
  if (!entry) {
    entry = { claims: [], addresses: new Map() };
    runs.set(runDir, entry);
  }
  return entry;
}

/** Claim `subnet` for `owner`; an AddressError when it overlaps another owner's subnet. */
export function claimSubnet(runDir: string, owner: string, subnet: Subnet, what: string): void {
  const net = network(runDir);
  const clash = net.claims.find((claim) => claim.owner !== owner && overlaps(claim.subnet, subnet));
  if (clash) {
    throw new AddressError(
      `'${owner}': ${what} ${formatSubnet(subnet)} overlaps subnet ${formatSubnet(clash.subnet)} of '${clash.owner}'; give them subnets that do not overlap`,
      { guid: owner },
    );
  }
  net.claims.push({ owner, subnet });
}

/** experiment.json's explicit subnets by run directory, read again when the file changes. */
const explicitCache = new Map<string, { mtimeMs: number; subnets: ReadonlyArray<readonly [string, Subnet]> }>();

/**
 * The subnets given explicitly to the run's links and switches (other than `owner`), as its
 * `experiment.json` lists them: an automatic subnet avoids them even when the link that
 * asked for one deploys first. Empty when the run is not recorded.
 */
function explicitSubnets(runDir: string, owner: string): Subnet[] {
  const path = join(runDir, EXPERIMENT_FILE);
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
  } catch {
    return [];
  }
  let cached = explicitCache.get(runDir);
  if (cached?.mtimeMs !== mtimeMs) {
    cached = { mtimeMs, subnets: readExplicitSubnets(path) };
    explicitCache.set(runDir, cached);
  }
  return cached.subnets.filter(([guid]) => guid !== owner).map(([, subnet]) => subnet);
}

function readExplicitSubnets(path: string): Array<readonly [string, Subnet]> {
  let description: { resources?: Record<string, { type?: string; attributes?: Record<string, unknown> }> };
  try {
    description = JSON.parse(readFileSync(path, 'utf8')) as typeof description;
  } catch {
    return [];
  }
  const subnets: Array<readonly [string, Subnet]> = [];
  for (const [guid, resource] of Object.entries(description.resources ?? {})) {
    if (resource.type !== 'netns::Link' && resource.type !== 'netns::Switch') continue;
    for (const key of ['address1', 'address2', 'subnet']) {
      const value = resource.attributes?.[key];
      if (typeof value !== 'string') continue;
      try {
        subnets.push([guid, parseSubnet(value)] as const);
      } catch {
        /* its own discover reports it */
      }
    }
  }
  return subnets;
}

/** At discover: an AttributeValueError unless the resource's `pool` is a subnet in CIDR form. */
export function checkPool(ctx: Pick<StepContext, 'get' | 'guid'>, type: string): void {
  try {
    parseSubnet(ctx.get('pool') as string);
  } catch (error) {
    throw new AttributeValueError(ctx.guid, type, 'pool', (error as Error).message);
  }
}

/** Claim the first free subnet of length `prefix` in `pool` for `owner`. */
export function allocateSubnet(runDir: string, owner: string, poolText: string, prefix: number): Subnet {
  let pool: Subnet;
  try {
    pool = parseSubnet(poolText);
  } catch (error) {
    throw new AddressError(`'${owner}': attribute 'pool': ${(error as Error).message}`, { guid: owner, attribute: 'pool' });
  }
  const net = network(runDir);
  const subnet = firstFree(pool, prefix, [...net.claims.map((claim) => claim.subnet), ...explicitSubnets(runDir, owner)]);
  if (!subnet) {
    const inPool = net.claims.filter((claim) => overlaps(claim.subnet, pool));
    throw new AddressPoolExhaustedError(
      `'${owner}': the address pool ${formatSubnet(pool)} is exhausted: no free /${prefix} is left (${inPool.length} subnet(s) of it taken by ${[
        ...new Set(inPool.map((claim) => `'${claim.owner}'`)),
      ]
        .slice(0, 5)
        .join(', ')}${inPool.length > 5 ? ', ...' : ''}); set a larger 'pool' or give addresses explicitly`,
      { guid: owner, attribute: 'pool' },
    );
  }
  net.claims.push({ owner, subnet });
  return subnet;
}

/** Note that `node` has `address` on an interface of `owner`. */
export function noteAddress(runDir: string, node: string, owner: string, address: InterfaceAddress): void {
  const net = network(runDir);
  const list = net.addresses.get(node) ?? [];
  list.push({ owner, address });
  net.addresses.set(node, list);
}

/** The addresses of `node` (CIDR), in the order they were set. */
export function addressesOf(runDir: string, node: string): string[] {
  return (runs.get(runDir)?.addresses.get(node) ?? []).map((entry) => formatAddress(entry.address));
}

/** Drop every claim and address of `owner`. */
export function releaseOwner(runDir: string, owner: string): void {
  const net = runs.get(runDir);
  if (!net) return;
  for (let i = net.claims.length - 1; i >= 0; i--) if (net.claims[i]!.owner === owner) net.claims.splice(i, 1);
  for (const [node, list] of net.addresses) {
    const kept = list.filter((entry) => entry.owner !== owner);
    if (kept.length === 0) net.addresses.delete(node);
    else net.addresses.set(node, kept);
  }
  if (net.claims.length === 0 && net.addresses.size === 0) {
    runs.delete(runDir);
    explicitCache.delete(runDir);
  }
}
