/**
 * The parameter combinations of a campaign: the cartesian product of sweeps
 * (`--sweep rate=1mbit,5mbit --sweep count=10,100`), of explicit combinations (a sweep file),
 * or of both.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, parseDocument } from 'yaml';
import { checkParameterName, type ParameterValue, type Parameters } from '../files/parameters.js';
import { CampaignError } from './campaign-error.js';

/** Values by parameter name, swept in the given order (the first name varies slowest). */
export type Sweep = Readonly<Record<string, readonly ParameterValue[]>>;

/** Names that results.csv uses for its own columns, refused as parameter names. */
export const RESULT_COLUMNS = ['combination', 'run', 'run_id', 'status', 'metric', 'duration_ms', 'started_at', 'ended_at', 'run_dir', 'error'] as const;

/**
 * A value as typed on the command line, read as a YAML scalar would be: `10` is a number,
 * `true` a boolean, `1mbit` a string.
 */
export function parseValue(text: string): ParameterValue {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  try {
    const value: unknown = parseYaml(trimmed);
    // .inf and .nan stay text: a state or results.csv could not hold them
    if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return value;
  } catch {
    // not a scalar YAML reads: keep the text
  }
  return trimmed;
}

/** `name=v1,v2,...` (a command-line sweep) into its name and values. */
export function parseSweepArgument(argument: string): [string, ParameterValue[]] {
  const at = argument.indexOf('=');
  if (at <= 0) throw new CampaignError(`expected --sweep NAME=VALUE[,VALUE...], got '${argument}'`);
  const name = argument.slice(0, at).trim();
  const values = argument
    .slice(at + 1)
    .split(',')
    .map(parseValue);
  if (values.some((value) => value === '')) throw new CampaignError(`--sweep ${name}: empty value in '${argument}'`);
  return [name, values];
}

/** Command-line sweeps into one sweep; a name given twice is an error. */
export function parseSweepArguments(argumentsList: readonly string[]): Sweep {
  const sweep: Record<string, ParameterValue[]> = {};
  for (const argument of argumentsList) {
    const [name, values] = parseSweepArgument(argument);
    if (Object.hasOwn(sweep, name)) throw new CampaignError(`--sweep ${name} is given twice: list every value in one --sweep`);
    sweep[name] = values;
  }
  return sweep;
}

/**
 * A sweep file: YAML or JSON, a list of mappings of parameter names to scalar values, each
 * one combination. Every combination must name the same parameters.
 */
export function readSweepFile(path: string): Parameters[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CampaignError(`cannot read: ${(error as Error).message}`, path, { cause: error });
  }
  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) throw new CampaignError(document.errors[0]!.message, path);
  const value: unknown = document.toJS();
  if (!Array.isArray(value) || value.length === 0) {
    throw new CampaignError('expected a non-empty list of combinations, e.g. - { rate: 1mbit, count: 10 }', path);
  }
  const combinations = value.map((item: unknown, i): Parameters => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new CampaignError(`[${i}]: expected a mapping of parameter names to values, got ${JSON.stringify(item)}`, path);
    }
    for (const [name, v] of Object.entries(item)) {
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v)) && typeof v !== 'boolean') {
        throw new CampaignError(
          `[${i}].${name}: expected a string, a finite number or a boolean, got ${typeof v === 'number' ? String(v) : JSON.stringify(v)}`,
          path,
        );
      }
    }
    return item as Parameters;
  });
  const names = Object.keys(combinations[0]!).sort().join(', ');
  combinations.forEach((combination, i) => {
    const these = Object.keys(combination).sort().join(', ');
    if (these !== names)
      throw new CampaignError(
        `[${i}]: names the parameters (${these}), but the first combination names (${names}): every combination must name the same ones`,
        path,
      );
  });
  return combinations;
}

/**
 * Every combination: the explicit ones (or one empty combination) crossed with each sweep.
 * Parameter names are checked: usable in `${name}`, not a results column, not given twice.
 */
export function combine(explicit: readonly Parameters[] | undefined, sweep: Sweep = {}): Parameters[] {
  let combinations: Parameters[] = explicit && explicit.length > 0 ? [...explicit] : [{}];
  const fromFile = new Set(Object.keys(combinations[0] ?? {}));
  for (const name of [...fromFile, ...Object.keys(sweep)]) checkName(name);
  for (const [name, values] of Object.entries(sweep)) {
    if (fromFile.has(name)) throw new CampaignError(`parameter '${name}' is both swept and in the sweep file`);
    if (values.length === 0) throw new CampaignError(`parameter '${name}' has no values to sweep`);
    if (new Set(values.map((v) => JSON.stringify(v))).size !== values.length) {
      throw new CampaignError(`parameter '${name}' lists a value twice`);
    }
    combinations = combinations.flatMap((combination) => values.map((value) => ({ ...combination, [name]: value })));
  }
  return combinations;
}

function checkName(name: string): void {
  const bad = checkParameterName(name);
  if (bad !== undefined) throw new CampaignError(bad);
  if ((RESULT_COLUMNS as readonly string[]).includes(name)) {
    throw new CampaignError(`'${name}' is not a parameter name: results.csv has a column '${name}' of its own`);
  }
}

/** `rate=1mbit count=10`, or `-` for no parameter. */
export function describeCombination(parameters: Parameters): string {
  const entries = Object.entries(parameters);
  return entries.length === 0 ? '-' : entries.map(([name, value]) => `${name}=${String(value)}`).join(' ');
}

/** `--param NAME=VALUE` arguments (one value each, commas included) into parameters; a name given twice is an error. */
export function parseParamArguments(argumentsList: readonly string[]): Parameters {
  const parameters: Record<string, ParameterValue> = {};
  for (const argument of argumentsList) {
    const at = argument.indexOf('=');
    if (at <= 0) throw new CampaignError(`expected --param NAME=VALUE, got '${argument}'`);
    const name = argument.slice(0, at).trim();
    checkName(name);
    if (Object.hasOwn(parameters, name)) throw new CampaignError(`--param ${name} is given twice`);
    parameters[name] = parseValue(argument.slice(at + 1));
  }
  return parameters;
}

/** `--sweep` and `--param` arguments into one sweep: each `--param` is a sweep of one value, in every combination. */
export function parseSweepAndParamArguments(sweepArguments: readonly string[], paramArguments: readonly string[]): Sweep {
  const sweep: Record<string, readonly ParameterValue[]> = { ...parseSweepArguments(sweepArguments) };
  for (const [name, value] of Object.entries(parseParamArguments(paramArguments))) {
    if (Object.hasOwn(sweep, name)) throw new CampaignError(`parameter '${name}' is both swept and given by --param`);
    sweep[name] = [value];
  }
  return sweep;
}

/** The combinations `--sweep` and `--param` give: every sweep crossed, each `--param` in all of them. */
export function combineArguments(sweepArguments: readonly string[], paramArguments: readonly string[]): Parameters[] {
  return combine(undefined, parseSweepAndParamArguments(sweepArguments, paramArguments));
}
