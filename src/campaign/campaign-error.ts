/** A campaign that cannot start or go on: bad options, a bad sweep, a damaged campaign directory. */
import { NepiError } from '../errors.js';

export class CampaignError extends NepiError {
  /** The campaign directory or the file concerned, when there is one. */
  readonly where: string | undefined;

  /** `where` (the campaign directory or file) prefixes the message. */
  constructor(message: string, where?: string, options?: { cause?: unknown }) {
    super(where === undefined ? message : `${where}: ${message}`, {}, options);
    this.where = where;
  }
}
