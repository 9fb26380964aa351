/** `nepi resume` of a run of types from a types module: experiment.json lists the module, and the resume loads it again. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { nepi } from '../cli/cli.js';
import { IMPORT_NEPI, writeModule } from '../support/types-modules.js';
import { readRecords, runDirOf, startNepi, waitFor } from './cli-support.js';

const localDir = mkdtempSync(join(tmpdir(), 'nepi-resume-types-'));
afterAll(() => rmSync(localDir, { recursive: true, force: true }));

/** A type that runs for 20 s, and that a resume finds ended (ok). */
const MODULE = `${IMPORT_NEPI}
export default defineResourceType({
  type: 'my::Long',
  help: 'Runs for 20 s; found ended when resumed.',
  steps: { run: (ctx) => ctx.sleep(20_000) },
  reattach: () => ({ status: 'ended', ok: true }),
});
`;

it('records the modules in experiment.json and loads them again on resume', async () => {
  const module = writeModule(join(localDir, 'lib', 'long.mjs'), MODULE);
  const file = join(localDir, 'long.yaml');
  writeFileSync(file, 'expId: long\ntypes: [./lib/long.mjs]\nresources:\n  l: { type: my::Long }\n');
  const run = startNepi(['run', file, '--local-dir', localDir]);
  let runDir: string | undefined;
  expect(await waitFor(() => (runDir = runDirOf(localDir, 'long')) !== undefined && readRecords(runDir).some((r) => r['to'] === 'STARTED'), 20_000)).toBe(true);
  run.process.kill('SIGKILL');
  await run.exited;
  expect(JSON.parse(readFileSync(join(runDir!, 'experiment.json'), 'utf8'))).toMatchObject({ expId: 'long', types: [module] });

  const resumed = await nepi(['resume', runDir!, '-q']);
  expect(resumed.stderr).toBe('');
  expect(resumed.code).toBe(0);
  expect(resumed.stdout).toContain('status: released (1 resource, 0 failures)');
  expect(resumed.stdout).toContain('my::Long  ok=1');
});

it('names experiment.json when a module it lists is gone', async () => {
  const module = writeModule(join(localDir, 'mods', 'long.mjs'), MODULE);
  const file = join(localDir, 'gone.yaml');
  writeFileSync(file, `expId: gone\ntypes: [${module}]\nresources:\n  l: { type: my::Long }\n`);
  const run = startNepi(['run', file, '--local-dir', localDir]);
  let runDir: string | undefined;
  expect(await waitFor(() => (runDir = runDirOf(localDir, 'gone')) !== undefined && readRecords(runDir).some((r) => r['to'] === 'STARTED'), 20_000)).toBe(true);
  run.process.kill('SIGKILL');
  await run.exited;
  rmSync(module);
  const resumed = await nepi(['resume', runDir!]);
  expect(resumed.code).toBe(2);
  expect(resumed.stderr).toBe(`nepi: ${join(runDir!, 'experiment.json')}: types: types module '${module}' cannot be loaded: no such file\n`);
});
