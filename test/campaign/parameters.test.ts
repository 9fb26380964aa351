import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { combine, parseSweepArguments, parseValue, readSweepFile } from '../../src/campaign/combinations.js';
import { buildExperiment, ExperimentFileError, parseExperiment } from '../../src/files/index.js';

const FILE = [
  'expId: sweep', // 1
  'resources:', // 2
  '  node: { type: dummy::Node }', // 3
  '  app:', // 4
  '    type: linux::Application', // 5
  '    connect: [node]', // 6
  '    attributes:', // 7
  '      command: "echo ${rate} ${count} > ${RUN_DIR}/out; echo $${HOME}"', // 8
  '      critical: ${critical}', // 9
].join('\n');
const LINUX_FILE = FILE.replace('node: { type: dummy::Node }', 'node: { type: linux::Node }');

function problemOf(text: string, parameters: Record<string, string | number | boolean>): ExperimentFileError {
  try {
    parseExperiment(text, { file: 'sweep.yaml', parameters });
  } catch (error) {
    expect(error).toBeInstanceOf(ExperimentFileError);
    return error as ExperimentFileError;
  }
  throw new Error('expected an ExperimentFileError');
}

describe('${param} substitution in experiment files', () => {
  it('replaces references in values, keeps the runtime variables and unescapes $${...}', () => {
    const { description } = parseExperiment(LINUX_FILE, { file: 'sweep.yaml', parameters: { rate: '1mbit', count: 10, critical: false } });
    const attributes = description.resources['app']!.attributes!;
    expect(attributes['command']).toBe('echo 1mbit 10 > ${RUN_DIR}/out; echo ${HOME}');
    // a value that is exactly one reference takes the parameter's own type
    expect(attributes['critical']).toBe(false);
  });

  it('without parameters, names every ${name} that has no value, and reads $${...} as a literal', () => {
    const text = LINUX_FILE.replace('      critical: ${critical}\n', '').replace('\n      critical: ${critical}', '');
    const error = problemOf(text, {});
    expect(error.problems.map((p) => `${p.line}:${p.column} ${p.problem.split(':')[0]}`)).toEqual([
      "8:16 parameter 'rate' has no value",
      "8:16 parameter 'count' has no value",
    ]);
    expect(error.problems[0]!.problem).toContain('give one with --param rate=VALUE, or --sweep rate=V1,V2 for a campaign');
    const { description } = parseExperiment(text.replace('${rate} ${count}', 'fixed'), { file: 'sweep.yaml' });
    expect(description.resources['app']!.attributes!['command']).toBe('echo fixed > ${RUN_DIR}/out; echo ${HOME}');
  });

  it('reports an unknown parameter at the value that names it, with the parameters known', () => {
    const error = problemOf(LINUX_FILE, { rate: '1mbit', cuont: 10, critical: true });
    // every problem at once, in file order: 'cuont' is unused (the whole file), 'count' unknown
    expect(error.problems.map((p) => `${p.line}:${p.column} ${p.path}`)).toEqual(['1:1 ', '8:16 resources.app.attributes.command']);
    expect(error.problems[1]!.problem).toContain("unknown parameter 'count' - did you mean 'cuont'?; the parameters are rate, cuont, critical");
    expect(error.message).toContain("sweep.yaml:8:16: resources.app.attributes.command: unknown parameter 'count' - did you mean 'cuont'?");
    expect(error.message).toContain("write '$${count}' for a literal '${count}'");
  });

  it('reports a parameter the file never uses', () => {
    const error = problemOf(LINUX_FILE, { rate: 1, count: 2, critical: true, size: 3 });
    expect(error.message).toBe("sweep.yaml:1:1: parameter 'size' is never used: the file has no ${size}");
  });

  it('reports a malformed reference', () => {
    const error = problemOf(LINUX_FILE.replace('${count}', '${count:-3}'), { rate: 1, critical: true });
    expect(error.line).toBe(8);
    expect(error.problem).toContain("'${count:-3}' is not a parameter reference");
  });

  it('says which substitution made a value invalid, at the line where it was written', () => {
    const error = problemOf(LINUX_FILE, { rate: 1, count: 2, critical: 'maybe' });
    expect(error.line).toBe(9);
    expect(error.column).toBe(17);
    expect(error.problem).toContain('expects true or false, got "maybe" (string) (from ${critical} = "maybe")');
  });
});

describe('${param} substitution in descriptions held in memory', () => {
  it('substitutes in buildExperiment too, reporting problems by path', async () => {
    const description = {
      resources: {
        node: { type: 'dummy::Node' },
        app: { type: 'dummy::Application', connect: ['node'], attributes: { runTime: '${t}' } },
      },
    };
    const ec = buildExperiment(description, { parameters: { t: '250ms' }, record: false });
    expect(ec.get('app', 'runTime')).toBe(250);
    await ec.shutdown();
    expect(() => buildExperiment(description, { parameters: { u: 1 }, record: false })).toThrow(
      "<description>: resources.app.attributes.runTime: unknown parameter 't' - did you mean 'u'?",
    );
  });
});

describe('sweeps', () => {
  it('reads command-line values as YAML scalars', () => {
    expect(parseValue('10')).toBe(10);
    expect(parseValue('0.5')).toBe(0.5);
    expect(parseValue('true')).toBe(true);
    expect(parseValue('1mbit')).toBe('1mbit');
    // not finite: kept as text (campaign.json and results.csv could not hold them)
    expect(parseValue('.inf')).toBe('.inf');
    expect(parseValue('.nan')).toBe('.nan');
    expect(parseSweepArguments(['rate=1mbit,5mbit', 'count=10,100'])).toEqual({ rate: ['1mbit', '5mbit'], count: [10, 100] });
  });

  it('crosses every sweep: 3 x 2 values are 6 combinations, the first name varying slowest', () => {
    const combinations = combine(undefined, { a: [1, 2, 3], b: ['x', 'y'] });
    expect(combinations).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
      { a: 3, b: 'x' },
      { a: 3, b: 'y' },
    ]);
    expect(combine([{ a: 1 }, { a: 5 }], { b: [true, false] })).toHaveLength(4);
    expect(combine(undefined, {})).toEqual([{}]);
  });

  it('refuses names that cannot be parameters', () => {
    expect(() => parseSweepArguments(['rate=1,2', 'rate=3'])).toThrow('--sweep rate is given twice');
    expect(() => combine(undefined, { RUN_DIR: [1] })).toThrow("'RUN_DIR' is not a parameter name");
    expect(() => combine(undefined, { 'a-b': [1] })).toThrow("'a-b' is not a parameter name");
    expect(() => combine(undefined, { status: [1] })).toThrow("results.csv has a column 'status'");
    expect(() => combine([{ a: 1 }], { a: [2] })).toThrow("'a' is both swept and in the sweep file");
    expect(() => parseSweepArguments(['rate'])).toThrow("expected --sweep NAME=VALUE[,VALUE...], got 'rate'");
  });

  it('refuses a sweep file that is not a list of mappings of scalars naming the same parameters', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nepi-sweep-file-'));
    try {
      const read = (text: string) => {
        const path = join(dir, 'sweep.yaml');
        writeFileSync(path, text);
        return () => readSweepFile(path);
      };
      expect(read('- { a: 1, b: x }\n- { a: 2, b: y }\n')()).toEqual([
        { a: 1, b: 'x' },
        { a: 2, b: 'y' },
      ]);
      expect(read('a: 1\n')).toThrow('expected a non-empty list of combinations');
      expect(read('- 3\n')).toThrow('[0]: expected a mapping of parameter names to values, got 3');
      expect(read('- { a: [1] }\n')).toThrow('[0].a: expected a string, a finite number or a boolean, got [1]');
      expect(read('- { a: .inf }\n')).toThrow('[0].a: expected a string, a finite number or a boolean, got Infinity');
      expect(read('- { a: 1 }\n- { b: 1 }\n')).toThrow(
        '[1]: names the parameters (b), but the first combination names (a): every combination must name the same ones',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
