/** IPv4 addresses and subnets: parsing, overlap, and carving subnets out of a pool. Pure. */

export interface Subnet {
  /** The network address, as an unsigned 32-bit number. */
  readonly network: number;
  readonly prefix: number;
}

export interface InterfaceAddress {
  /** The address itself, as an unsigned 32-bit number. */
  readonly address: number;
  readonly prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** `10.0.0.1/30` → address and prefix; throws a message naming what is wrong. */
export function parseAddress(text: string, options: { prefixRequired?: boolean } = {}): InterfaceAddress {
  const match = CIDR.exec(text.trim());
  if (!match) throw new Error(`'${text}' is not an IPv4 address in CIDR form (e.g. 10.0.0.1/30)`);
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) throw new Error(`'${text}' is not an IPv4 address: an octet is above 255`);
  if (match[5] === undefined && options.prefixRequired !== false) throw new Error(`'${text}' lacks a prefix length (e.g. /30)`);
  const prefix = match[5] === undefined ? 32 : Number(match[5]);
  if (prefix > 32) throw new Error(`'${text}': the prefix length is above 32`);
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { address, prefix };
}

export function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function subnetOf(address: InterfaceAddress): Subnet {
  return { network: (address.address & mask(address.prefix)) >>> 0, prefix: address.prefix };
}

export function parseSubnet(text: string): Subnet {
  return subnetOf(parseAddress(text));
}

export function formatIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
}

export function formatSubnet(subnet: Subnet): string {
  return `${formatIp(subnet.network)}/${subnet.prefix}`;
}

export function formatAddress(address: InterfaceAddress): string {
  return `${formatIp(address.address)}/${address.prefix}`;
}

function size(subnet: Subnet): number {
  return 2 ** (32 - subnet.prefix);
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  return a.network < b.network + size(b) && b.network < a.network + size(a);
}

/** Host `n` (1 = the first usable) of a subnet. */
export function host(subnet: Subnet, n: number): InterfaceAddress {
  return { address: subnet.network + n, prefix: subnet.prefix };
}

/** How many hosts a subnet holds (network and broadcast excluded; a /31 or /32 none). */
export function hostCount(subnet: Subnet): number {
  return Math.max(0, size(subnet) - 2);
}

/** The prefix of the smallest subnet holding `hosts` hosts. */
export function prefixFor(hosts: number): number {
  let prefix = 30;
  while (prefix > 0 && 2 ** (32 - prefix) - 2 < hosts) prefix--;
  return prefix;
}

/** The first subnet of length `prefix` inside `pool` that overlaps none of `taken`. */
export function firstFree(pool: Subnet, prefix: number, taken: readonly Subnet[]): Subnet | undefined {
  if (prefix < pool.prefix) return undefined;
  const step = 2 ** (32 - prefix);
  const end = pool.network + size(pool);
  let network = pool.network;
  while (network + step <= end) {
    const candidate = { network, prefix };
    const clash = taken.find((t) => overlaps(t, candidate));
    if (!clash) return candidate;
    // jump past the subnet that is in the way
    network = Math.max(network + step, Math.ceil((clash.network + size(clash)) / step) * step);
  }
  return undefined;
}
