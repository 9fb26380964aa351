/**
 * A metric command (`nepi run --metric CMD`): run by `bash -c` in the run directory once the
 * run is over; what it prints on stdout, trimmed, must be one number.
 */
import { spawn } from 'node:child_process';
import type { Parameters } from '../files/parameters.js';

export const DEFAULT_METRIC_TIMEOUT_MS = 60_000;

export interface MetricCommandContext {
  readonly runDir: string;
  readonly runId: string;
  readonly expId: string;
  readonly campaignDir: string;
  /** Which run of its combination (1-based). */
  readonly run: number;
  readonly combination: number;
  readonly parameters: Parameters;
  readonly timeoutMs?: number;
}

/**
 * The environment the command sees besides nepi's own: NEPI_RUN_DIR, NEPI_RUN_ID, NEPI_EXP_ID,
 * NEPI_CAMPAIGN_DIR, NEPI_RUN, NEPI_COMBINATION and NEPI_PARAM_<name> for each parameter.
 */
export function metricEnvironment(context: MetricCommandContext): Record<string, string> {
  const env: Record<string, string> = {
    NEPI_RUN_DIR: context.runDir,
    NEPI_RUN_ID: context.runId,
    NEPI_EXP_ID: context.expId,
    NEPI_CAMPAIGN_DIR: context.campaignDir,
    NEPI_RUN: String(context.run),
    NEPI_COMBINATION: String(context.combination),
  };
  for (const [name, value] of Object.entries(context.parameters)) env[`NEPI_PARAM_${name}`] = String(value);
  return env;
}

/** Run the command and read its number; rejects with a one-line reason otherwise. */
export function runMetricCommand(command: string, context: MetricCommandContext): Promise<number> {
  const timeoutMs = context.timeoutMs ?? DEFAULT_METRIC_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      cwd: context.runDir,
      env: { ...process.env, ...metricEnvironment(context) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`metric command could not start: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      if (timedOut) return reject(new Error(`metric command took more than ${timeoutMs} ms and was killed`));
      if (code !== 0) {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        return reject(new Error(`metric command ${how}${tail ? `: ${tail}` : ''}`));
      }
      const text = stdout.trim();
      const value = parseMetric(text);
      if (value === undefined) {
        return reject(new Error(`metric command printed ${text === '' ? 'nothing' : JSON.stringify(text.slice(0, 80))}, not a number`));
      }
      resolve(value);
    });
  });
}

/** A finite number written alone (`12`, `-3.5`, `1e3`), or undefined. */
export function parseMetric(text: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
