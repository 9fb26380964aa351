/** Types modules written by tests: JavaScript files that import the built package (dist/) by its file URL, as a user's module imports `nepi`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** `import { defineResourceType } from '<the built package>'`. */
export const IMPORT_NEPI = `import { defineResourceType } from ${JSON.stringify(new URL('../../dist/src/index.js', import.meta.url).href)};`;

/** The text of a types module exporting one type named `type` whose run sleeps `time` (default 20ms). */
export function sleeperModule(type: string, help = 'Sleeps for its time.'): string {
  return [
    IMPORT_NEPI,
    `export const Sleeper = defineResourceType({`,
    `  type: ${JSON.stringify(type)},`,
    `  help: ${JSON.stringify(help)},`,
    `  attributes: { time: { type: 'duration', default: '20ms', help: 'How long it sleeps.' } },`,
    `  results: { slept: { help: 'How long it slept.', unit: 'ms' } },`,
    `  steps: { run: async (ctx) => { await ctx.sleep(ctx.get('time')); ctx.results.slept = ctx.get('time'); } },`,
    `});`,
    `export default [Sleeper];`,
    '',
  ].join('\n');
}

/** Write `text` at `path`, making its folder. */
export function writeModule(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}
