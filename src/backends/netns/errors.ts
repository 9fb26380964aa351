/** The errors of the netns backend: each names the resource and what is wrong. */
import { NepiError, type ErrorContext } from '../../errors.js';

/** The backend cannot work here: not root, or `ip`/`tc` missing. */
export class NetnsUnavailableError extends NepiError {}

/** An `ip` or `tc` command failed; `stderr` is what it said. */
export class NetnsCommandError extends NepiError {
  /** The command as argv, and what it wrote to stderr. */
  constructor(
    readonly command: readonly string[],
    readonly stderr: string,
    context: ErrorContext = {},
  ) {
    super(`'${command.join(' ')}' failed: ${stderr.trim() || 'no message'}`, context);
  }
}

/** `delay` or `loss` on a link where the kernel has no netem queueing discipline. */
export class NetemUnavailableError extends NepiError {}

/** No free subnet of the size asked for is left in an address pool. */
export class AddressPoolExhaustedError extends NepiError {}

/** Two links or switches of one run were given subnets that overlap, or a bad address. */
export class AddressError extends NepiError {}
