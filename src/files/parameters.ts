/**
 * Parameters of an experiment file: `${name}` in its values, replaced by a campaign's values
 * (see docs/campaigns.md). Substitution works on the parsed values, not on the text, so every
 * problem keeps the line and column where the reference was written, and a value cannot break
 * the file's syntax.
 */
import { suggest } from '../errors.js';
import type { PathProblem } from '../experiment/description-path.js';
import { formatPath, type PathSegment } from './paths.js';

/** A parameter's value: as written in YAML, a string, a number or a boolean. */
export type ParameterValue = string | number | boolean;
/** The values of an experiment file's `${name}` parameters, by name. */
export type Parameters = Readonly<Record<string, ParameterValue>>;

/**
 * Names a backend replaces when the experiment runs (`linux::Application` commands): left as
 * they are, and not available as parameter names.
 */
export const RUNTIME_VARIABLES: readonly string[] = ['RUN_DIR', 'APP_DIR'];

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `${...}`, or `$${...}` for a literal `${...}`. */
const REFERENCE = /(\$?)\$\{([^{}]*)\}/g;

/** Why `name` cannot be a parameter, or undefined when it can. */
export function checkParameterName(name: string): string | undefined {
  if (!NAME.test(name)) return `'${name}' is not a parameter name: use letters, digits and '_', not starting with a digit`;
  if (RUNTIME_VARIABLES.includes(name)) return `'${name}' is not a parameter name: \${${name}} is replaced when the experiment runs`;
  return undefined;
}

/** The result of substituting parameters in a document's values. */
export interface Substitution {
  readonly value: unknown;
  readonly problems: PathProblem[];
  /** The formatted paths of the values that changed, with a note saying from what. */
  readonly notes: ReadonlyMap<string, string>;
}

/**
 * Replace every `${name}` in the string values of `document` (not in keys). A value that is
 * exactly `${name}` becomes the parameter's value itself (a number stays a number); inside a
 * longer string, its text. `$${name}` is a literal `${name}`; `${RUN_DIR}` and `${APP_DIR}`
 * are left for the backend. Unknown names, malformed references and parameters the document
 * never uses are problems.
 */
export function substituteParameters(document: unknown, parameters: Parameters): Substitution {
  const problems: PathProblem[] = [];
  const notes = new Map<string, string>();
  const used = new Set<string>();
  const known = Object.keys(parameters);

  const replaceIn = (text: string, path: readonly PathSegment[]): unknown => {
    const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(text);
    if (whole && Object.hasOwn(parameters, whole[1]!)) {
      const name = whole[1]!;
      used.add(name);
      notes.set(formatPath(path), `\${${name}} = ${JSON.stringify(parameters[name])}`);
      return parameters[name];
    }
    const from: string[] = [];
    const result = text.replace(REFERENCE, (match, escape: string, name: string) => {
      if (escape === '$') return match.slice(1);
      if (RUNTIME_VARIABLES.includes(name)) return match;
      if (!NAME.test(name)) {
        problems.push({
          path,
          part: 'value',
          problem: `'${match}' is not a parameter reference: names are letters, digits and '_' (write '$${match}' for a literal '${match}')`,
        });
        return match;
      }
      if (!Object.hasOwn(parameters, name)) {
        const literal = `(write '$${match}' for a literal '${match}')`;
        problems.push({
          path,
          part: 'value',
          problem:
            known.length === 0
              ? `parameter '${name}' has no value: give one with --param ${name}=VALUE, or --sweep ${name}=V1,V2 for a campaign ${literal}`
              : `unknown parameter '${name}'${suggest(name, known)}; the parameters are ${known.join(', ')} ${literal}`,
        });
        return match;
      }
      used.add(name);
      from.push(`\${${name}} = ${JSON.stringify(parameters[name])}`);
      return String(parameters[name]);
    });
    if (from.length > 0) notes.set(formatPath(path), from.join(', '));
    return result;
  };

  const walk = (value: unknown, path: PathSegment[]): unknown => {
    if (typeof value === 'string') return value.includes('${') ? replaceIn(value, path) : value;
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, [...path, key])]));
    }
    return value;
  };

  const value = walk(document, []);
  for (const name of known) {
    const bad = checkParameterName(name);
    if (bad !== undefined) problems.push({ path: [], part: 'value', problem: bad });
    else if (!used.has(name)) problems.push({ path: [], part: 'value', problem: `parameter '${name}' is never used: the file has no \${${name}}` });
  }
  return { value, problems, notes };
}

/**
 * A problem about a value that substitution changed says so: `... (from ${rate} = "1mbit")`.
 * Problems on entries inside a substituted value (none today) are left as they are.
 */
export function noteSubstitution(problem: PathProblem, notes: ReadonlyMap<string, string>): PathProblem {
  const note = notes.get(formatPath(problem.path));
  return note === undefined ? problem : { ...problem, problem: `${problem.problem} (from ${note})` };
}
