/** Every file under a folder, at any depth (a run directory searched for what must not be in it). */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
