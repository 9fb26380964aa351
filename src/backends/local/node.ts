/** `linux::Node`: a host applications run on. This backend runs on the local host only. */
import { hostname } from 'node:os';
import { defineResourceType, type StepContext } from '../../resources/resource-type.js';

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1', 'ip6-localhost']);

export function isLocalHost(name: string): boolean {
  return LOCAL_NAMES.has(name) || name === hostname() || /^127\./.test(name);
}

export const LinuxNode = defineResourceType({
  type: 'linux::Node',
  help: 'A Linux host that applications run on. Only the local host is supported so far.',
  attributes: {
    hostname: { type: 'string', default: 'localhost', help: 'The host name or address; localhost runs on this machine.' },
  },
  connectsTo: ['linux::Application'],
  steps: {
    discover: (ctx: StepContext) => {
      const name = ctx.get('hostname') as string;
      if (!isLocalHost(name)) {
        throw new Error(`hostname '${name}' is not this machine; remote hosts (SSH) are not supported yet`);
      }
    },
  },
});
