/**
 * The linux backend: `linux::Node` (this host, or a remote host over SSH) and what runs on a
 * node (`linux::Application`, `linux::Ping`, `linux::Tcpdump`). Its session holds the SSH
 * connections of the experiment's remote nodes; its cleaners kill the process groups a killed
 * run left, here and on its remote hosts, and remove its remote folders.
 */
import { defineBackend } from '../../resources/backend.js';
import { LinuxSession } from './session.js';
import { processCleaner } from './transport/local/process-cleaner.js';
import { sshCleaner } from './transport/ssh/cleaner.js';

/** The linux backend: a {@link LinuxSession} per experiment, and cleaners for what dead runs left, on this machine and over SSH. */
export const linuxBackend = defineBackend({
  name: 'linux',
  open: (experiment) => new LinuxSession(experiment),
  cleaners: [processCleaner, sshCleaner],
});
