/**
 * Vitest global setup: installs the system packages the tests need (once, before any test
 * file runs). Services (sshd) are started by the tests that use them.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const script = fileURLToPath(new URL('./system-packages.sh', import.meta.url));
  execFileSync('bash', [script], { stdio: 'inherit', timeout: 15 * 60_000 });
}
