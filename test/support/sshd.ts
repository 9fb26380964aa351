/**
 * A throw-away OpenSSH server for the SSH backend's tests: host and user keys generated in a
 * temporary folder, `sshd -D` listening on 127.0.0.1 on a free port, run as the current user
 * (not as a system service), under a watchdog that kills it when the test process is gone.
 * `stop()` kills it with every session it forked and removes the folder. A missing sshd is an
 * error naming the package, never a skip.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const SSHD = ['/usr/sbin/sshd', '/usr/bin/sshd'].find((path) => existsSync(path));
const SFTP_SERVER = ['/usr/lib/openssh/sftp-server', '/usr/libexec/openssh/sftp-server', '/usr/lib/ssh/sftp-server'].find((path) => existsSync(path));

export interface TestSshd {
  readonly port: number;
  readonly dir: string;
  /** The key the server accepts. */
  readonly identity: string;
  /** A key it does not accept. */
  readonly wrongKey: string;
  readonly username: string;
  /** The server's host key fingerprint (`SHA256:...`), as `ssh-keygen -lf` prints it. */
  readonly hostKey: string;
  /** linux::Node attributes that reach this server. */
  node(extra?: Record<string, unknown>): Record<string, unknown>;
  /** The sshd process (and its watchdog) and every session it forked (not the detached applications). */
  pids(): number[];
  /** The processes of open SSH connections. */
  sessions(): number[];
  /** Kill the server and its sessions with SIGKILL, as a host that goes down. */
  kill(): Promise<void>;
  /** Start it again on the same port (after kill). */
  restart(): Promise<void>;
  /** Kill it and remove its folder. */
  stop(): Promise<void>;
}

/** The sshd_config of a throw-away server (also shown in docs/ssh.md). */
export function sshdConfig(dir: string, port: number): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    'AllowTcpForwarding yes',
    'MaxStartups 100',
    'LogLevel ERROR',
    // bash sources ~/.bashrc for commands run by sshd, unless it is not the top-level shell:
    // this machine's user may have a slow or locking .bashrc (pyenv); the commands need none
    'SetEnv SHLVL=1',
    ...(SFTP_SERVER ? [`Subsystem sftp ${SFTP_SERVER}`] : []),
    '',
  ].join('\n');
}

/**
 * The shell script that runs `sshd` (argv `command`) and watches the process `owner`: once
 * the owner is gone (even killed with SIGKILL), it kills sshd with every session it forked
 * and removes `dir`. It ignores SIGINT, SIGTERM and SIGHUP, so that a Ctrl-C or a SIGTERM to
 * the test's process group does not end it before sshd (a server started in the background by
 * bash ignores SIGINT itself, and would be left behind).
 */
export function watchdogScript(command: readonly string[], owner: number, dir: string): string {
  return [
    `${command.join(' ')} & s=$!`,
    "trap '' INT TERM HUP",
    `while kill -0 ${owner} 2>/dev/null && kill -0 $s 2>/dev/null; do sleep 0.5; done`,
    // sshd and what it forked, read from /proc before any of it dies (its orphans go to init)
    'tree() {',
    '  local root=$1 f s p',
    '  echo "$root"',
    '  for f in /proc/[0-9]*/stat; do',
    '    { read -r s < "$f"; } 2>/dev/null || continue',
    '    p=${s%% *}; s=${s##*) }; set -- $s',
    '    [ "$2" = "$root" ] && tree "$p"',
    '  done',
    '}',
    'kill -9 $(tree $s) 2>/dev/null',
    'wait',
    // the owner gone, nobody else removes the folder (stop() does it otherwise, and restart() needs it)
    `kill -0 ${owner} 2>/dev/null || rm -rf '${dir}'`,
  ].join('\n');
}

export async function startSshd(options: { owner?: number } = {}): Promise<TestSshd> {
  if (!SSHD) throw new Error('sshd not found: install openssh-server (test/support/system-packages.sh does it as root)');
  const dir = mkdtempSync(join(tmpdir(), 'nepi-sshd-'));
  const keygen = (name: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `nepi-test-${name}`, '-f', join(dir, name)]);
  keygen('host_key');
  keygen('user_key');
  keygen('wrong_key');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user_key.pub')), { mode: 0o600 });
  // privilege separation needs this folder when sshd runs as root
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  writeFileSync(join(dir, 'sshd_config'), sshdConfig(dir, port));
  let child: ChildProcess | undefined;
  let stderr = '';

  const launch = async () => {
    stderr = '';
    // under a watchdog: sshd goes when this test process goes, even killed with SIGKILL
    const watchdog = watchdogScript([SSHD, '-D', '-e', '-f', join(dir, 'sshd_config')], options.owner ?? process.pid, dir);
    child = spawn('bash', ['-c', watchdog], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const started = performance.now();
    while (!(await accepts(port))) {
      if (child.exitCode !== null || performance.now() - started > 20_000) {
        // sshd with the watchdog: killing the watchdog alone would leave a listening sshd behind
        await kill();
        throw new Error(`sshd did not start on 127.0.0.1:${port}: ${stderr.trim() || `exit ${child.exitCode}`}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const pids = () => (child?.pid && child.exitCode === null ? [child.pid, ...descendants(child.pid)] : []);

  const kill = async () => {
    const all = pids();
    for (const pid of all) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    if (child && child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child!.once('exit', resolve));
    const deadline = performance.now() + 5000;
    while (all.some(alive) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  try {
    await launch();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    dir,
    identity: join(dir, 'user_key'),
    wrongKey: join(dir, 'wrong_key'),
    username: userInfo().username,
    hostKey: execFileSync('ssh-keygen', ['-lf', join(dir, 'host_key.pub')])
      .toString()
      .split(' ')[1]!,
    node: (extra = {}) => ({ hostname: '127.0.0.1', port, identity: join(dir, 'user_key'), ...extra }),
    pids,
    sessions: () =>
      pids().filter((pid) => {
        try {
          const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          return cmdline.startsWith('sshd: ') && !cmdline.includes('[listener]');
        } catch {
          return false;
        }
      }),
    kill,
    restart: launch,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Every process below `pid`, read from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* gone */
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
