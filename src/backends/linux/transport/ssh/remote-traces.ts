/**
 * A remote application's traces, read from its host over SFTP while it runs (the
 * application's `ctx.setTraceSource`, which `ec.trace()` reads through), then copied into the
 * local run directory at release (by the release's tar stream, see remote-executor.ts). A
 * read while the host cannot be reached answers from the local copy, if any.
 */
import { readFile, stat } from 'node:fs/promises';
import type { SFTPWrapper } from 'ssh2';
import type { TraceSource } from '../../../../run/traces.js';
import type { SshHost } from './host.js';

const NO_SUCH_FILE = 2; // SFTP status code

export function remoteTraceSource(host: SshHost, remotePath: string, localPath: string): TraceSource {
  return {
    async read(attr, block, offset) {
      let sftp: SFTPWrapper;
      try {
        sftp = await host.sftp();
      } catch {
        return readLocal(localPath, attr, block, offset);
      }
      try {
        if (attr === 'size') return (await sftpCall<{ size: number }>((cb) => sftp.stat(remotePath, cb))).size;
        if (attr === 'all') return (await sftpCall<Buffer>((cb) => sftp.readFile(remotePath, cb))).toString('utf8');
        const handle = await sftpCall<Buffer>((cb) => sftp.open(remotePath, 'r', cb));
        try {
          const buffer = Buffer.alloc(block);
          const bytes = await new Promise<number>((resolve, reject) =>
            sftp.read(handle, buffer, 0, block, offset * block, (error, bytesRead) => {
              // reading past the end is an EOF status: no bytes
              if (error && (error as { code?: number }).code === 1) return resolve(0);
              return error ? reject(error) : resolve(bytesRead);
            }),
          );
          return buffer.subarray(0, bytes).toString('utf8');
        } finally {
          sftp.close(handle, () => {});
        }
      } catch (error) {
        if ((error as { code?: number }).code === NO_SUCH_FILE) return attr === 'size' ? 0 : '';
        return readLocal(localPath, attr, block, offset);
      }
    },
  };
}

function sftpCall<T>(call: (callback: (error: Error | undefined | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => call((error, value) => (error ? reject(error) : resolve(value))));
}

async function readLocal(path: string, attr: 'all' | 'size' | 'stream', block: number, offset: number): Promise<string | number> {
  if (attr === 'size') return (await stat(path).catch(() => undefined))?.size ?? 0;
  const content = await readFile(path).catch(() => Buffer.alloc(0));
  if (attr === 'all') return content.toString('utf8');
  return content.subarray(offset * block, (offset + 1) * block).toString('utf8');
}
