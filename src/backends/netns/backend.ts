/**
 * The netns backend: emulated networks on this machine, built of network namespaces joined
 * by veth pairs and bridges. Its session (session.ts) holds what the experiment's links and
 * switches share; its cleaner removes the namespaces a killed run left (see docs/netns.md).
 */
import { defineBackend } from '../../resources/backend.js';
import { netnsCleaner } from './cleaner.js';
import { NetnsSession } from './session.js';

/** The netns backend: a {@link NetnsSession} per experiment, and a cleaner for the namespaces of dead runs. */
export const netnsBackend = defineBackend({
  name: 'netns',
  open: (experiment) => new NetnsSession(experiment),
  cleaners: [netnsCleaner],
});
