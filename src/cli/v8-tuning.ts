import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings a node runs with (docs/performance-notes.md "Young generation"). Set at start,
 * before the dataset is allocated.
 *
 * The young generation stays at its initial 1 MB semi-spaces: V8 otherwise grows them to 16 MB
 * each while a load keeps most new objects alive (every SET), and keeps them: ~32-48 MB of RSS
 * that holds no data (48 bytes per key at 1M keys, ~300 per key at 100k small hashes). Scavenges
 * get more frequent but no more expensive per surviving object. This flag is read when V8
 * decides to grow, so it works at run time (the size flags do not).
 */
export function applyV8Tuning(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
