/**
 * Timelines of run directories: read `events.ndjson` (a torn last line is skipped), render,
 * write `timeline.html` and `timeline.svg` next to it, or one file elsewhere.
 */
import { basename, extname, join, resolve } from 'node:path';
import { NepiError } from '../errors.js';
import { readRun } from '../run/read-run.js';
import { renderTimelineHtml } from './html.js';
import { buildTimeline, type TimelineInput, type TimelineModel } from './model.js';
import { renderTimelineSvg } from './svg.js';
import { writeFileAtomically } from './write-file.js';

export const TIMELINE_HTML = 'timeline.html';
export const TIMELINE_SVG = 'timeline.svg';

/** The timeline of the run recorded in `runDir`. Throws a NepiError when it is not a run directory. */
export async function readTimeline(runDir: string): Promise<TimelineModel> {
  const { summary, events, conditions, resumes, interruptions } = await readRun(runDir);
  const title = summary ? `${summary.expId} / ${summary.runId}` : basename(resolve(runDir));
  return buildTimeline({ title, events, conditions, resumes, interruptions });
}

/** Write `timeline.html` and `timeline.svg` of `input` into `dir`; returns their paths. */
export function writeTimelineFiles(dir: string, input: TimelineInput | TimelineModel): string[] {
  const model = 'groups' in input ? input : buildTimeline(input);
  const html = join(dir, TIMELINE_HTML);
  const svg = join(dir, TIMELINE_SVG);
  writeFileAtomically(svg, renderTimelineSvg(model));
  writeFileAtomically(html, renderTimelineHtml(model));
  return [html, svg];
}

/**
 * Above this many resources the end of a run writes no timeline (it would take seconds and
 * tens of megabytes, and nobody reads 10,000 rows); `nepi timeline RUN_DIR` still draws it.
 */
export const AUTO_TIMELINE_MAX_RESOURCES = 10_000;

/**
 * The end-of-run hook: write the timeline files of the run recorded in `runDir` (unless it
 * has more than {@link AUTO_TIMELINE_MAX_RESOURCES} resources). A timeline is a report, so a
 * failure to draw it does not fail the run: it becomes a process warning.
 */
export async function writeRunTimeline(runDir: string): Promise<void> {
  try {
    const model = await readTimeline(runDir);
    if (model.groups.reduce((n, group) => n + group.rows.length, 0) > AUTO_TIMELINE_MAX_RESOURCES) return;
    writeTimelineFiles(runDir, model);
  } catch (error) {
    process.emitWarning(`nepi: could not write the timeline of ${runDir}: ${(error as Error).message}`);
  }
}

/** Write the timeline of `model` to `path`: SVG for `.svg`, the HTML page for `.html`/`.htm`. */
export function writeTimelineFile(path: string, model: TimelineModel): void {
  const ext = extname(path).toLowerCase();
  if (ext === '.svg') writeFileAtomically(path, renderTimelineSvg(model));
  else if (ext === '.html' || ext === '.htm') writeFileAtomically(path, renderTimelineHtml(model));
  else throw new NepiError(`cannot write a timeline to '${path}': expected a file name ending in .html or .svg`);
}

/** Rebuild the timeline of `runDir` from its events: into the run directory, or into `output`. */
export async function rebuildTimeline(runDir: string, output?: string): Promise<string[]> {
  if (output !== undefined) checkOutput(output);
  const model = await readTimeline(runDir);
  if (output === undefined) return writeTimelineFiles(runDir, model);
  writeTimelineFile(output, model);
  return [output];
}

function checkOutput(path: string): void {
  const ext = extname(path).toLowerCase();
  if (ext !== '.svg' && ext !== '.html' && ext !== '.htm') {
    throw new NepiError(`cannot write a timeline to '${path}': expected a file name ending in .html or .svg`);
  }
}
