/**
 * A remote application's traces, read from its host over SFTP while it runs (the
 * application's `ctx.setTraceSource`, which `ec.trace()` reads through), then copied into the
 * local run directory at release (by the release's tar stream, see remote-executor.ts). A
 * read while the host cannot be reached, or does not answer within `operationTimeout`,
 * answers from the local copy, if any.
 */
import { readFile, stat } from 'node:fs/promises';
import type { TraceSource } from '../../../../run/traces.js';
import type { SshHost } from './host.js';

const NO_SUCH_FILE = 2; // SFTP status codes
const EOF = 1;

export function remoteTraceSource(host: SshHost, remotePath: string, localPath: string): TraceSource {
  return {
    async read(attr, block, offset) {
      try {
        if (attr === 'size') return (await host.sftpCall<{ size: number }>(`stat ${remotePath}`, (sftp, cb) => sftp.stat(remotePath, cb))).size;
        if (attr === 'all') return (await host.download(remotePath)).toString('utf8');
        const handle = await host.sftpCall<Buffer>(`open ${remotePath}`, (sftp, cb) => sftp.open(remotePath, 'r', cb));
        try {
          const buffer = Buffer.alloc(block);
          const bytes = await host
            .sftpCall<number>(`read ${remotePath}`, (sftp, cb) =>
              sftp.read(handle, buffer, 0, block, offset * block, (error, bytesRead) => cb(error, bytesRead)),
            )
            // reading past the end is an EOF status: no bytes
            .catch((error: { code?: number }) => (error.code === EOF ? 0 : Promise.reject(error as Error)));
          return buffer.subarray(0, bytes).toString('utf8');
        } finally {
          void host.sftpCall<void>(`close ${remotePath}`, (sftp, cb) => sftp.close(handle, (error) => cb(error, undefined))).catch(() => {});
        }
      } catch (error) {
        if ((error as { code?: number }).code === NO_SUCH_FILE) return attr === 'size' ? 0 : '';
        return readLocal(localPath, attr, block, offset);
      }
    },
  };
}

async function readLocal(path: string, attr: 'all' | 'size' | 'stream', block: number, offset: number): Promise<string | number> {
  if (attr === 'size') return (await stat(path).catch(() => undefined))?.size ?? 0;
  const content = await readFile(path).catch(() => Buffer.alloc(0));
  if (attr === 'all') return content.toString('utf8');
  return content.subarray(offset * block, (offset + 1) * block).toString('utf8');
}
