/**
 * Colours of the terminal view: one per lifecycle state, red for failures, dim for what is
 * secondary. Plain SGR codes, each closed by its own reset, so painted text nests in a line.
 * Whether to paint at all is `useColor`'s decision (color.ts), passed in as `enabled`.
 */
import type { ResourceState } from '../../machines/lifecycle.js';

export type Colour = 'red' | 'green' | 'yellow' | 'blue' | 'cyan' | 'dim' | 'bold';

const CODES: Readonly<Record<Colour, readonly [number, number]>> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  cyan: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

const STATE_COLOURS: Readonly<Record<ResourceState, Colour>> = {
  NEW: 'dim',
  DISCOVERED: 'blue',
  PROVISIONED: 'blue',
  READY: 'cyan',
  STARTED: 'green',
  STOPPED: 'yellow',
  FINISHED: 'bold',
  FAILED: 'red',
  RELEASED: 'dim',
};

export function stateColour(state: ResourceState): Colour {
  return STATE_COLOURS[state];
}

export function paint(text: string, colour: Colour, enabled: boolean): string {
  if (!enabled || text === '') return text;
  const [open, close] = CODES[colour];
  return `\x1b[${open}m${text}\x1b[${close}m`;
}
