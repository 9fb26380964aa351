/**
 * `linux::Tcpdump`: captures packets on an interface of the node it runs on into its `pcap`
 * trace (in immediate mode, written packet by packet: a capture cut short is still readable)
 * until stopped. A `linux::Application` whose command it builds itself; on a remote host the
 * capture is written there and brought home at release with its other traces.
 */
import { extendResourceType } from '../../resources/resource-type.js';
import type { StepContext } from '../../resources/views.js';
import { launchOf, LinuxApplication } from './application.js';
import { quote as shellQuote } from './transport/ssh/shell.js';

function command(ctx: StepContext): string {
  // ${APP_DIR} is the application's folder where it runs; its traces are there
  const pcap = ctx.traceEnabled('pcap') ? '${APP_DIR}/pcap' : '/dev/null';
  const filter = ctx.get('filter') as string | undefined;
  // -Z root: tcpdump would otherwise drop to its own user, who cannot write the run directory
  return `exec tcpdump -n -U --immediate-mode -Z root -i ${shellQuote(ctx.get('interface') as string)} -w ${shellQuote(pcap)}${
    filter ? ` ${shellQuote(filter)}` : ''
  }`;
}

/** `linux::Tcpdump`: tcpdump on an interface of the node it runs on, into its `pcap` trace until stopped. Needs root. */
export const LinuxTcpdump = extendResourceType(LinuxApplication, {
  type: 'linux::Tcpdump',
  help: 'tcpdump on an interface of the node it runs on, writing the pcap trace until stopped or released. Needs root.',
  omit: ['command', 'stdin'],
  attributes: {
    interface: { type: 'string', default: 'any', help: "The interface to capture on (a netns::Link's end is named after the link); any: all." },
    filter: { type: 'string', help: 'A pcap filter expression, e.g. icmp or tcp port 80.' },
    stopTimeout: { type: 'duration', default: '2s', help: 'How long stop waits after SIGTERM before SIGKILL.' },
  },
  traces: {
    pcap: { help: 'The packets captured, in pcap format.' },
    stdout: { help: "tcpdump's output." },
    stderr: { help: "tcpdump's messages (what it listens on, packet counts)." },
  },
  steps: {
    start: (ctx) => ctx.node().executor.start(ctx, launchOf(ctx, command(ctx))),
  },
});
