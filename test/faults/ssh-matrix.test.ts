import { afterAll, beforeAll } from 'vitest';
import { startSshd, type TestSshd } from '../support/sshd.js';
import { sshBackend } from './backends.js';
import { matrixSuite } from './suite.js';

// a throw-away sshd on 127.0.0.1 (test/support/sshd.ts): the applications run over SSH
let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());

matrixSuite(
  sshBackend(() => sshd.node()),
  { timeout: 30_000 },
);
