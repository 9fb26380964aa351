import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, EXAMPLES, nepi } from '../cli/cli.js';
import { readSse } from '../ui/sse-client.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nepi-inspect-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('nepi run --inspect', () => {
  it('says the inspector cannot be reached, and runs without it instead of hanging', async () => {
    const t0 = performance.now();
    const result = await nepiWithEnv(['run', join(EXAMPLES, 'client-server.yaml'), '--inspect', '--local-dir', dir], {
      NEPI_INSPECT_URL: 'http://127.0.0.1:9/inspect', // the discard port: connection refused
    });
    expect(result.stdout).toMatch(
      /--inspect: the Stately inspector at http:\/\/127\.0\.0\.1:9\/inspect cannot be reached from this machine \(.+\); running without it\. --ui serves a live view/,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('status: released (3 resources, 0 failures)');
    expect(result.stdout).not.toContain('still serving');
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  it('relays every actor, with its parent, to the inspector page, which frames the inspector', async () => {
    const inspector = await fakeInspector();
    const child = spawn(process.execPath, [BIN, 'run', join(EXAMPLES, 'client-server.yaml'), '--inspect', '--local-dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NEPI_INSPECT_URL: inspector.url },
    });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const page = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /Stately inspector: (http:\/\/127\.0\.0\.1:\d+\/inspect)\n/.exec(stdout);
          if (match && stdout.includes('still serving')) resolve(match[1]!);
        });
        child.on('close', () => reject(new Error(`nepi exited: ${stdout}`)));
      });
      const html = await (await fetch(page)).text();
      expect(html).toContain(`<iframe id="inspector" src="${inspector.url}"></iframe>`);

      // a page opened after the run still gets every actor (the run is over by now)
      const stream = await readSse(`${page}/events`);
      const actorOf = (name: string) => stream.waitFor((m) => m.data.type === '@xstate.actor' && m.data.name === name).then((m) => m.data);
      const controller = await actorOf('controller');
      expect(controller.parentId).toBeUndefined();
      expect(controller.definition).toContain('"id":"controller"');
      for (const name of ['node', 'server', 'client']) {
        const rm = await actorOf(name);
        expect(rm.parentId).toBe(controller.sessionId);
        expect(rm._version).toEqual(expect.any(String));
      }
      // the latest snapshot of each: every resource ended RELEASED
      const final = await stream.waitFor((m) => m.data.type === '@xstate.snapshot' && m.data.snapshot.value === 'RELEASED');
      expect(final.data.snapshot.status).toMatch(/active|done|stopped/);
      stream.close();
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      await inspector.close();
    }
  });
});

function nepiWithEnv(args: string[], env: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return nepi(args);
  } finally {
    process.env = saved;
  }
}

/** Stands for https://stately.ai/inspect: answers anything with a blank page. */
async function fakeInspector(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>inspector</title>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/inspect`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
