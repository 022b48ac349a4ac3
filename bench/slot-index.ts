// Measures what the per-slot key index of CLUSTER GETKEYSINSLOT costs and saves, on one
// database of `--keys` keys (default 1M) named like redis-benchmark's (key:000000000042).
// Run: node --expose-gc dist/bench/slot-index.js [--keys N]. Figures: docs/cluster-routing.md.
import { Keyspace } from '../src/keyspace/keyspace.js';
import { keyHashSlot } from '../src/lib/hash-slot.js';

const keysArg = process.argv.indexOf('--keys');
const KEYS = keysArg === -1 ? 1_000_000 : Number(process.argv[keysArg + 1]);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const collect = gc;

function heapAfterGc(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

const names = (offset: number): string[] => Array.from({ length: KEYS }, (_, i) => `key:${String(offset + i).padStart(12, '0')}`);

/** Adds the keys; returns ns per key and heap bytes per key. */
function fill(db: ReturnType<Keyspace['db']>, keys: readonly string[]): { nsPerKey: number; bytesPerKey: number } {
  const before = heapAfterGc();
  const started = performance.now();
  for (const key of keys) db.set(key, 'xxx');
  const elapsedMs = performance.now() - started;
  return { nsPerKey: (elapsedMs * 1e6) / keys.length, bytesPerKey: (heapAfterGc() - before) / keys.length };
}

/** The walk GETKEYSINSLOT did before the index: every key's slot until maxCount are found. */
function walk(keys: Iterable<string>, slot: number, maxCount: number): number {
  let found = 0;
  for (const key of keys) {
    if (found >= maxCount) break;
    if (keyHashSlot(key) === slot) found++;
  }
  return found;
}

const first = names(0);
const second = names(KEYS);
const round = (value: number): number => Math.round(value * 10) / 10;

// Without the index: KEYS keys, then KEYS more.
const plain = new Keyspace({ databaseCount: 1 }).db(0);
fill(plain, first);
const plainSecond = fill(plain, second);
const slots = [0, 4000, 8000, 12000, 16000];
let started = performance.now();
for (const slot of slots) walk(plain.keys(), slot, 10);
const walkMsPerCall = (performance.now() - started) / slots.length;
started = performance.now();
for (const slot of slots) walk(plain.keys(), slot, Number.MAX_SAFE_INTEGER);
const fullWalkMsPerCall = (performance.now() - started) / slots.length;

// With the index: KEYS keys, the first GETKEYSINSLOT builds it, then KEYS more are maintained.
const indexed = new Keyspace({ databaseCount: 1 }).db(0);
fill(indexed, first);
started = performance.now();
indexed.keysInSlot(0, 10);
const buildMs = performance.now() - started;
const indexedSecond = fill(indexed, second);
started = performance.now();
let returned = 0;
for (let slot = 0; slot < 16384; slot++) returned += indexed.keysInSlot(slot, 10).length;
const indexedUsPerCall = ((performance.now() - started) * 1000) / 16384;

console.log(
  JSON.stringify(
    {
      keysInDatabase: 2 * KEYS,
      addNsPerKey: { withoutIndex: round(plainSecond.nsPerKey), withIndex: round(indexedSecond.nsPerKey) },
      heapBytesPerKey: { withoutIndex: round(plainSecond.bytesPerKey), withIndex: round(indexedSecond.bytesPerKey) },
      getkeysinslotCount10: { walkMsPerCall: round(walkMsPerCall), fullWalkMsPerCall: round(fullWalkMsPerCall), indexedUsPerCall: round(indexedUsPerCall), indexBuildMs: round(buildMs) },
      returned,
    },
    null,
    2,
  ),
);
