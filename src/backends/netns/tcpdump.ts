/**
 * `linux::Tcpdump`: captures packets on an interface of its node into its `pcap` trace
 * (in immediate mode, written packet by packet: a capture cut short is still readable) until
 * stopped.
 */
import { defineResourceType, type StepContext } from '../../resources/resource-type.js';
import { LinuxApplication } from '../local/application.js';
import { applicationStep, asStarted, refuseRemoteNode, shellQuote, withCommand } from './as-application.js';

function command(ctx: StepContext): string {
  const pcap = ctx.traceEnabled('pcap') ? ctx.tracePath('pcap') : '/dev/null';
  const filter = ctx.get('filter') as string | undefined;
  // -Z root: tcpdump would otherwise drop to its own user, who cannot write the run directory
  return `exec tcpdump -n -U --immediate-mode -Z root -i ${shellQuote(ctx.get('interface') as string)} -w ${shellQuote(pcap)}${
    filter ? ` ${shellQuote(filter)}` : ''
  }`;
}

export const LinuxTcpdump = defineResourceType({
  type: 'linux::Tcpdump',
  help: 'tcpdump on an interface of its node, writing the pcap trace until stopped or released. Needs root.',
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
  connectsTo: { 'linux::Node|netns::Node': { min: 1, max: 1 } },
  dependsOn: ['linux::Node', 'netns::Node', 'netns::Node > netns::Link', 'netns::Node > netns::Switch'],
  ownTimeout: ['stop'],
  steps: {
    discover: refuseRemoteNode,
    start: (ctx) => applicationStep('start')(withCommand(ctx, command)),
    run: (ctx) => applicationStep('run')(asStarted(ctx)),
    stop: (ctx) => applicationStep('stop')(asStarted(ctx)),
    release: (ctx) => applicationStep('release')(asStarted(ctx)),
  },
  ...(LinuxApplication.probe ? { probe: LinuxApplication.probe } : {}),
});
