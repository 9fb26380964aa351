/**
 * Names of what the backend creates. Every namespace is named
 * `<prefix>-<run tag>-<resource>`: the prefix (`nepi`, or `$NEPI_NETNS_PREFIX`) lets
 * `nepi clean --all` find what nepi created and nothing else, the run tag (8 hex digits of a
 * hash of the run directory) ties it to one run. Links, bridges and ports live inside those
 * namespaces only: the host's own namespace is never touched, and deleting a run's
 * namespaces removes everything it made.
 */
import { createHash } from 'node:crypto';

const PREFIX_PATTERN = /^[a-z][a-z0-9]{0,15}$/;

/** The prefix of every namespace nepi creates. */
export function namespacePrefix(): string {
  const prefix = process.env['NEPI_NETNS_PREFIX'] ?? 'nepi';
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`NEPI_NETNS_PREFIX must be 1-16 lower-case letters and digits, starting with a letter; got '${prefix}'`);
  }
  return prefix;
}

export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** The tag of a run: 8 hex digits of its run directory. */
export function runTag(runDir: string): string {
  return shortHash(runDir);
}

/** Whether `name` is a namespace name as nepi gives them (with the current prefix). */
export function isNepiNamespace(name: string): boolean {
  return new RegExp(`^${namespacePrefix()}-[0-9a-f]{8}-[A-Za-z0-9_.-]+$`).test(name);
}

/**
 * Whether `name` has the form of a namespace nepi names, whatever its prefix: what `nepi
 * clean RUN_DIR` checks a ledger's entries against before deleting anything.
 */
export function hasNamespaceForm(name: string): boolean {
  return /^[a-z][a-z0-9]{0,15}-[0-9a-f]{8}-[A-Za-z0-9_.-]+$/.test(name);
}

const SAFE_GUID = /^[A-Za-z0-9_.-]{1,64}$/;

/** The namespace of resource `guid` of the run in `runDir`. */
export function namespaceName(runDir: string, guid: string): string {
  const part = SAFE_GUID.test(guid) ? guid : `h${shortHash(guid, 10)}`;
  return `${namespacePrefix()}-${runTag(runDir)}-${part}`;
}

const IFNAME = /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/;
const RESERVED = new Set(['lo', 'all', 'default', 'br0']);

/**
 * The name of an interface named after resource `guid` (a link end is named after its
 * link, a switch port after the switch): the guid itself when it is a valid interface name
 * (at most 15 characters), otherwise `n` and 10 hex digits of its hash.
 */
export function interfaceName(guid: string): string {
  return IFNAME.test(guid) && !RESERVED.has(guid) ? guid : `n${shortHash(guid, 10)}`;
}

/** The bridge inside a switch's namespace. */
export const BRIDGE = 'br0';
