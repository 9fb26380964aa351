/** The SSH backend: remote linux::Nodes (see ../local/node.ts and docs/ssh.md); registers its cleaner. */
import { registerCleaner } from '../cleanup.js';
import { sshCleaner } from './cleaner.js';

export { SshConnectionError, type SshFailure } from './errors.js';

registerCleaner(sshCleaner);
