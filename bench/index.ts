/**
 * The benchmarks of issue 8. Each scenario runs in its own Node process (fresh heap, its own
 * peak RSS), prints a Markdown table and writes its figures as JSON.
 *
 *   npm run bench                                  # everything, full size (several minutes)
 *   npm run bench -- --quick                       # reduced sizes, well under a minute (CI)
 *   npm run bench -- --only latency,timers         # some scenarios (names or aliases)
 *   npm run bench -- --runs 5                      # runs per measurement
 *   npm run bench -- --only scale --sizes 1000x50  # scenario options: --sizes, --waiters,
 *                                                  #   --timers, --processes, --local-dir,
 *                                                  #   --length, --baselines no (scale: engine only)
 *   npm run bench -- --out DIR                     # where the JSON goes (default bench/results,
 *                                                  #   bench/results/quick with --quick)
 *   node --cpu-prof --expose-gc dist/bench/index.js --only chain --inline   # to profile
 *
 * Scenarios: scale (NEPI's benchmark, bare-XState baseline, growth), latency, timers, local,
 * chain, netns (a line of network namespaces; needs root; --nodes 10,25). Targets are
 * reported as met or missed; nothing here fails on a time.
 */
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario, ScenarioOptions, ScenarioResult } from './lib/scenario.js';
import { HeapPeak, markdownTable, mb, seconds } from './lib/stats.js';
import { chain } from './scenarios/chain.js';
import { latency } from './scenarios/latency.js';
import { local } from './scenarios/local.js';
import { netns } from './scenarios/netns.js';
import { scale } from './scenarios/scale.js';
import { timers } from './scenarios/timers.js';

const SCENARIOS: readonly Scenario[] = [scale, latency, timers, local, chain, netns];
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Cli {
  quick: boolean;
  inline: boolean;
  only: Scenario[];
  runs: number | undefined;
  out: string;
  child: string | undefined;
  args: Record<string, string>;
}

function parse(argv: readonly string[]): Cli {
  const flags = new Set(['quick', 'inline']);
  const args: Record<string, string> = {};
  const set = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (!word.startsWith('--')) throw new Error(`unexpected argument '${word}'`);
    const [name, inlineValue] = word.slice(2).split('=', 2) as [string, string | undefined];
    if (flags.has(name)) set.add(name);
    else {
      const value = inlineValue ?? argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      args[name] = value;
    }
  }
  const quick = set.has('quick');
  const byName = (name: string) => {
    const found = SCENARIOS.find((s) => s.name === name || s.aliases?.includes(name));
    if (!found) throw new Error(`unknown scenario '${name}': expected ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return found;
  };
  const only = args['only'] === undefined ? [...SCENARIOS] : [...new Set(args['only'].split(',').map(byName))];
  const runs = args['runs'] === undefined ? undefined : Number(args['runs']);
  if (runs !== undefined && !(Number.isInteger(runs) && runs > 0)) throw new Error(`--runs must be a positive integer`);
  const out = args['out'] ?? join(ROOT, 'bench', 'results', ...(quick ? ['quick'] : []));
  const child = args['child'];
  for (const known of ['only', 'runs', 'out', 'child']) delete args[known];
  return { quick, inline: set.has('inline'), only, runs, out, child, args };
}

function machine() {
  let xstate = 'unknown';
  try {
    xstate = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'xstate', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    /* not installed where expected */
  }
  return { cpu: cpus()[0]?.model ?? 'unknown', cpus: cpus().length, memoryBytes: totalmem(), node: process.version, xstate, platform: process.platform };
}

/** Run one scenario in this process, with its wall time, peak heap and peak RSS. */
async function runHere(scenario: Scenario, cli: Cli): Promise<ScenarioResult> {
  const options: ScenarioOptions = {
    quick: cli.quick,
    runs: cli.runs,
    args: cli.args,
    log: (line) => process.stderr.write(`${line}\n`),
  };
  const heap = new HeapPeak().start(20);
  const t0 = performance.now();
  const result = await scenario.run(options);
  result.wallMs = performance.now() - t0;
  heap.stop();
  result.peakHeapBytes = HeapPeak.overall;
  result.peakRssBytes = process.resourceUsage().maxRSS * 1024;
  return result;
}

/** Run one scenario in a child Node process (same flags, plus --expose-gc). */
function runForked(scenario: Scenario): Promise<ScenarioResult> {
  return new Promise((resolve, reject) => {
    const execArgv = [...new Set([...process.execArgv, '--expose-gc'])];
    const child = fork(fileURLToPath(import.meta.url), [...process.argv.slice(2), '--child', scenario.name], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: ScenarioResult | undefined;
    child.on('message', (message) => (result = message as ScenarioResult));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result) resolve(result);
      else reject(new Error(`scenario '${scenario.name}' ended without a result (exit code ${code}, signal ${signal})`));
    });
  });
}

function print(result: ScenarioResult): void {
  const lines = [
    `\n## ${result.title}${result.quick ? ' [quick]' : ''}\n`,
    markdownTable(result.table),
    '',
    ...result.notes.map((note) => `- ${note}`),
    `- scenario wall time ${seconds(result.wallMs ?? 0)} s, peak heap ${mb(result.peakHeapBytes ?? 0)} (sampled), peak RSS ${mb(result.peakRssBytes ?? 0)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const cli = parse(process.argv.slice(2));
  if (cli.child !== undefined) {
    const scenario = SCENARIOS.find((s) => s.name === cli.child)!;
    const result = await runHere(scenario, cli);
    process.send!(result, () => process.exit(0));
    return;
  }
  if (!globalThis.gc) process.stderr.write('warning: run with node --expose-gc, or heap figures include garbage\n');
  const info = { ...machine(), date: new Date().toISOString() };
  process.stderr.write(
    `nepi benchmarks${cli.quick ? ' (quick)' : ''}: ${info.cpus} x ${info.cpu}, ${mb(info.memoryBytes)}, Node ${info.node}, xstate ${info.xstate}\n`,
  );
  mkdirSync(cli.out, { recursive: true });
  const results: ScenarioResult[] = [];
  const failed: string[] = [];
  for (const scenario of cli.only) {
    process.stderr.write(`${scenario.name}: ${scenario.title}\n`);
    try {
      const result = cli.inline ? await runHere(scenario, cli) : await runForked(scenario);
      results.push(result);
      print(result);
      const file = join(cli.out, `${scenario.name}.json`);
      writeFileSync(file, `${JSON.stringify({ machine: info, options: { quick: cli.quick, runs: cli.runs, args: cli.args }, ...result }, null, 2)}\n`);
    } catch (error) {
      failed.push(scenario.name);
      process.stderr.write(`${scenario.name} FAILED: ${(error as Error).stack ?? String(error)}\n`);
    }
  }
  const targets = results.flatMap((r) => r.targets);
  if (targets.length > 0) {
    process.stdout.write(`\n## Targets${cli.quick ? ' [quick sizes: indicative only]' : ''}\n\n`);
    process.stdout.write(
      `${markdownTable(
        targets.map((t) => ({
          target: t.target,
          measured: t.measured,
          met: t.met ? 'yes' : 'NO',
          'of limit': `${Math.round(t.ofLimit * 100)} %`,
        })),
      )}\n`,
    );
  }
  writeFileSync(
    join(cli.out, cli.only.length === SCENARIOS.length ? 'summary.json' : `summary-${cli.only.map((s) => s.name).join('-')}.json`),
    `${JSON.stringify({ machine: info, quick: cli.quick, targets, failed, tables: Object.fromEntries(results.map((r) => [r.scenario, r.table])) }, null, 2)}\n`,
  );
  process.stderr.write(`JSON written to ${cli.out}\n`);
  if (failed.length > 0) {
    process.stderr.write(`failed: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

await main();
