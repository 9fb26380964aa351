/**
 * What `nepi run --ui / --inspect / --port / --ui-exit` add to a run: the Stately inspector
 * bridge (checked reachable first), the live view, and serving the finished run until Ctrl-C.
 *
 *   const watch = await prepareWatch(flags, log);          // before the controller exists
 *   const ec = await loadExperimentFile(file, { ...watch.controllerOptions });
 *   await watch.start(ec);                                 // serves, prints the addresses
 *   const summary = await ec.run();
 *   await watch.finish(summary, { interrupted });          // keeps serving until Ctrl-C
 */
import type { InspectionEvent, Observer } from 'xstate';
import type { ExperimentController, ExperimentControllerOptions } from '../experiment/experiment-controller.js';
import { NepiError } from '../errors.js';
import type { RunSummary } from '../run/summary.js';
import { startLocalServer, type LocalServer } from './http-server.js';
import { serveStatelyBridge, STATELY_INSPECTOR_URL, unreachable } from './inspection/stately-bridge.js';
import { serveLiveView, type LiveView } from './live-view.js';

export interface WatchFlags {
  readonly ui?: boolean;
  readonly port?: string | number;
  readonly uiExit?: boolean;
  readonly inspect?: boolean;
}

export interface Watch {
  /** What the controller needs (its `inspect` observer, with --inspect). */
  readonly controllerOptions: Pick<ExperimentControllerOptions, 'inspect'>;
  /** Start serving (when asked to) and print the addresses. */
  start(ec: ExperimentController): Promise<void>;
  /** Show the run as finished; unless --ui-exit (or an interrupted run), serve until SIGINT/SIGTERM. */
  finish(summary: Pick<RunSummary, 'status'>, options: { interrupted: boolean }): Promise<void>;
}

export async function prepareWatch(flags: WatchFlags, log: NodeJS.WritableStream): Promise<Watch> {
  // a bad --port is an error before the file is even loaded
  const port = parsePort(flags.port);
  if (!flags.ui && !flags.inspect && (flags.port !== undefined || flags.uiExit)) {
    throw new NepiError(`${flags.port !== undefined ? '--port' : '--ui-exit'} needs --ui or --inspect`);
  }
  let server: LocalServer | undefined;
  let view: LiveView | undefined;
  let inspect: ReturnType<typeof deferredBridge> | undefined;
  if (flags.inspect) {
    const inspectorUrl = process.env['NEPI_INSPECT_URL'] || STATELY_INSPECTOR_URL;
    const why = await unreachable(inspectorUrl);
    if (why === undefined) inspect = deferredBridge(inspectorUrl);
    else {
      log.write(
        `--inspect: the Stately inspector at ${inspectorUrl} cannot be reached from this machine (${why}); ` +
          `running without it. --ui serves a live view of the run that needs no internet.\n`,
      );
    }
  }
  const serving = () => flags.ui === true || inspect !== undefined;
  return {
    controllerOptions: inspect ? { inspect: inspect.observer } : {},
    async start(ec) {
      if (!serving()) return;
      server = await startLocalServer(port);
      if (inspect) log.write(`Stately inspector: ${inspect.serve(server)}\n`);
      if (flags.ui) {
        view = await serveLiveView(ec, { server });
        log.write(`live view: ${view.url}\n`);
      }
    },
    async finish(summary, { interrupted }) {
      if (!server) return;
      view?.end(summary);
      if (!interrupted && !flags.uiExit) {
        log.write(`\nthe run is over; still serving ${view?.url ?? `${server.url}/inspect`} (press Ctrl-C to stop)\n`);
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      }
      await view?.close();
      inspect?.close();
      await server.close();
    },
  };
}

/** `--port N`: 0 (any free port) when not given. */
function parsePort(port: string | number | undefined): number {
  if (port === undefined) return 0;
  const text = String(port).trim();
  if (!/^\d+$/.test(text) || Number(text) > 65_535) {
    throw new NepiError(`Expected \`--port\` to be an integer from 0 to 65535, got \`${text}\``);
  }
  return Number(text);
}

/**
 * The inspection observer exists before the controller (it is a constructor option), the
 * server only after the file loaded: events seen meanwhile are kept and handed over.
 */
function deferredBridge(inspectorUrl: string): { observer: Observer<InspectionEvent>; serve(server: LocalServer): string; close(): void } {
  const early: InspectionEvent[] = [];
  let forward: ((event: InspectionEvent) => void) | undefined;
  let close = () => {};
  return {
    observer: {
      next(event: InspectionEvent) {
        if (forward) forward(event);
        else early.push(event);
      },
    },
    serve(server: LocalServer): string {
      const bridge = serveStatelyBridge(server, inspectorUrl);
      forward = (event) => bridge.inspect.next?.(event);
      for (const event of early.splice(0)) forward(event);
      close = () => bridge.close();
      return bridge.url;
    },
    close: () => close(),
  };
}
