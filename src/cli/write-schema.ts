/**
 * Writes the JSON Schema of experiment files, made from every built-in resource type, to
 * `docs/experiment.schema.json` (or to the path given):
 *
 *   npm run build && npm run schema
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defaultRegistry } from '../resources/registry.js';
import '../backends/index.js';
import { experimentSchemaText } from '../files/schema.js';

// dist/src/cli/ -> the package root
const target = process.argv[2] ?? fileURLToPath(new URL('../../../docs/experiment.schema.json', import.meta.url));
await writeFile(target, experimentSchemaText(defaultRegistry), 'utf8');
const types = defaultRegistry.list().map((type) => type.type);
console.log(`wrote ${target} (${types.length} resource types: ${types.join(', ')})`);
