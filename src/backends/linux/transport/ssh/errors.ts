/** The errors of the SSH backend: each names the host (`user@host:port`) and what went wrong. */
import { NepiError } from '../../../../errors.js';

/**
 * Why a host could not be used:
 * - `unreachable`: no TCP connection or no SSH handshake within `connectTimeout`;
 * - `auth`: the host rejected the key (or the agent's keys);
 * - `identity`: the private key could not be read, or there is no key and no agent;
 * - `hostkey`: the host presented another key than the node's `hostKey`;
 * - `lost`: the connection dropped and could not be restored within `reconnectTimeout`;
 * - `closed`: the node was released.
 */
export type SshFailure = 'unreachable' | 'auth' | 'identity' | 'hostkey' | 'lost' | 'closed';

/** Thrown when a host cannot be reached, rejects the key, or is lost; `reason` says which. */
export class SshConnectionError extends NepiError {
  constructor(
    readonly target: string,
    readonly reason: SshFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, {}, options);
  }
}
