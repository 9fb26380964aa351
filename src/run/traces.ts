/** Reading a trace file: whole, by block, its path or its size. A file not written yet reads as empty. */
import { open, readFile, stat } from 'node:fs/promises';

/** What `ec.trace()` reads: all of it, a block (`stream`), its path or its size. */
export type TraceAttr = 'all' | 'stream' | 'path' | 'size';

/** Options of `ec.trace(guid, name, options)`. */
export interface TraceOptions {
  /** What to read (default 'all'): the whole content, a block, the file path, or the size in bytes. */
  readonly attr?: TraceAttr;
  /** For 'stream': the block size in bytes (default 4096). */
  readonly block?: number;
  /** For 'stream': the index of the block to read (default 0). */
  readonly offset?: number;
}

/**
 * Where a trace is read from while its file is not local yet: a remote application's output
 * is read from its host while it runs (`src/backends/linux/transport/ssh`), then copied to
 * its local path at release. A resource's steps set it (`ctx.setTraceSource`). `read` is
 * asked for 'all', 'size' and 'stream' (with block and offset checked); 'path' stays the
 * local path.
 */
export interface TraceSource {
  /** Read the trace as {@link ExperimentController.trace} would (`block` and `offset` for 'stream'). */
  read(attr: 'all' | 'size' | 'stream', block: number, offset: number): Promise<string | number>;
}

/**
 * Read the trace at `path`, or from `source` while it has one. 'stream' returns `block`
 * bytes from byte `offset * block`, decoded as UTF-8 (a character cut by the block edge
 * comes out damaged: read binary traces through their 'path').
 */
export async function readTrace(path: string, options: TraceOptions = {}, from?: TraceSource): Promise<string | number> {
  const attr = options.attr ?? 'all';
  const source = attr === 'path' ? undefined : from;
  if (source) {
    const block = options.block ?? 4096;
    const offset = options.offset ?? 0;
    if (attr === 'stream') checkBlock(block, offset);
    if (attr === 'all' || attr === 'size' || attr === 'stream') return source.read(attr, block, offset);
  }
  switch (attr) {
    case 'path':
      return path;
    case 'size':
      return (await stat(path).catch(() => undefined))?.size ?? 0;
    case 'all':
      return readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return '';
        throw error;
      });
    case 'stream': {
      const block = options.block ?? 4096;
      const offset = options.offset ?? 0;
      checkBlock(block, offset);
      const file = await open(path, 'r').catch(() => undefined);
      if (!file) return '';
      try {
        const buffer = Buffer.alloc(block);
        const { bytesRead } = await file.read(buffer, 0, block, offset * block);
        return buffer.subarray(0, bytesRead).toString('utf8');
      } finally {
        await file.close();
      }
    }
    default:
      throw new TypeError(`unknown trace attr '${String(attr)}': expected all, stream, path or size`);
  }
}

function checkBlock(block: number, offset: number): void {
  if (!Number.isInteger(block) || block <= 0) throw new TypeError(`Expected \`block\` to be a positive integer, got \`${block}\``);
  if (!Number.isInteger(offset) || offset < 0) throw new TypeError(`Expected \`offset\` to be a non-negative integer, got \`${offset}\``);
}
