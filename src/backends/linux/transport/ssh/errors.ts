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
  /** `target` is `user@host:port`; `reason` says what went wrong, `message` how. */
  constructor(
    readonly target: string,
    readonly reason: SshFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, {}, options);
  }
}

/**
 * Thrown when a host does not answer one operation in time (`operationTimeout`, or the
 * command's own limit) on a connection that is otherwise up: a session that does not open,
 * a command whose session does not close, the monitor, an SFTP request. The session or the
 * SFTP channel concerned is closed; the connection stays.
 */
export class SshTimeoutError extends NepiError {
  /** `target` is `user@host:port`; `timeout` in ms. */
  constructor(
    readonly target: string,
    /** What was asked of the host, e.g. `open a session for 'kill -TERM -- -4242'`. */
    readonly operation: string,
    /** ms */
    readonly timeout: number,
    /** The attribute that sets the limit, when one does (then in `attribute`). */
    attribute: string | undefined = 'operationTimeout',
  ) {
    super(`${target} did not answer within ${formatMs(timeout)}${attribute ? ` (${attribute})` : ''}: ${operation}`, attribute ? { attribute } : {});
  }
}

/** `10 s`, `250 ms`: a duration as the SSH errors write it. */
export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
