import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Data files of the compat suite stay in the source tree (tsc does not copy them); tests run
 * from dist/test/compat, so look in the source tree first, then beside the compiled file.
 */
export function compatDataPath(name: string): string {
  const fromDist = fileURLToPath(new URL(`../../../../test/compat/${name}`, import.meta.url));
  if (existsSync(fromDist)) return fromDist;
  return fileURLToPath(new URL(`../${name}`, import.meta.url));
}
