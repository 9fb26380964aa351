/** The colour of each lifecycle state in timelines (and the legend's order). */
export const STATE_COLORS: Readonly<Record<string, string>> = {
  NEW: '#e0e0e0',
  DISCOVERED: '#c6dbef',
  PROVISIONED: '#9ecae1',
  READY: '#4292c6',
  STARTED: '#41ab5d',
  STOPPED: '#fd8d3c',
  FINISHED: '#807dba',
  FAILED: '#d7301f',
  RELEASED: '#bdbdbd',
};

/** A state no colour is known for (written by a newer nepi). */
export const UNKNOWN_STATE_COLOR = '#969696';

export function stateColor(state: string): string {
  return Object.hasOwn(STATE_COLORS, state) ? STATE_COLORS[state]! : UNKNOWN_STATE_COLOR;
}
