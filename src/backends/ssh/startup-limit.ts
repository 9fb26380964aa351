/**
 * How many SSH handshakes may be under way at once to one address, process-wide. sshd drops
 * new connections once more than `MaxStartups` (OpenSSH: `10:30:100`, dropping from 10 on) are
 * not yet authenticated, so many linux::Nodes on one host (or behind one gateway) that all dial
 * at once would fail at random. Every dial (first connection and reconnection, to a host or to
 * a gateway) holds a place of its address's Semaphore from the TCP connect until it is
 * authenticated or has failed. The limit is `NEPI_SSH_MAX_STARTUPS` (default 8), read when an
 * address is first dialled.
 */
import { Semaphore } from './semaphore.js';

export const DEFAULT_MAX_STARTUPS = 8;
export const MAX_STARTUPS_ENV = 'NEPI_SSH_MAX_STARTUPS';

const slots = new Map<string, Semaphore>();

/** The limit set by NEPI_SSH_MAX_STARTUPS (a positive integer), or the default. */
export function maxStartups(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[MAX_STARTUPS_ENV];
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_STARTUPS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`${MAX_STARTUPS_ENV} must be a positive integer (simultaneous SSH handshakes per address), got \`${raw}\``);
  }
  return value;
}

/**
 * The handshakes to `address` (`host:port`, or `gateway>host:port` for a host reached
 * through a gateway). Its limit is the one in force when the address was first dialled.
 */
export function startupSlots(address: string): Semaphore {
  let semaphore = slots.get(address);
  if (!semaphore) {
    semaphore = new Semaphore(maxStartups());
    slots.set(address, semaphore);
  }
  return semaphore;
}
