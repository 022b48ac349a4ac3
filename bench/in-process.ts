import { bestNsPerCommand, buildBatches, command, numberOption, startInProcessNode } from './in-process-harness.js';

/**
 * The command path without sockets or a client: parser, dispatch, handler, keyspace and reply
 * writer, timed in ns per command. It isolates the JavaScript cost from the kernel and from
 * redis-benchmark, so a change to the hot path can be judged on a busy machine (interleave A/B
 * builds; the figures still move with machine load).
 *
 *   node dist/bench/in-process.js [--keys 100000] [--pipeline 16] [--batches 20000] [--rounds 6]
 *     [--cases SET,GET,...]
 *
 * Keys are redis-benchmark's (`key:` + 12 digits, -r 100000), values 3 bytes; a fake socket
 * discards the replies (their bytes are counted, so nothing is optimised away). HSET, SADD and
 * PFADD are redis-benchmark's (one key each: `myhash`, `myset`, `hll`, random members). ZADD
 * scores each member by its own number, so a present member never moves; ZADDMOVE draws the
 * score apart from the member as redis-benchmark does (`myzset2`, 20k members). ZINCRBY is the
 * bench's leaderboard command (`lb`, filled by the first rounds). SETVARY4 stores a different
 * 4-byte value per key (the parser's tiny-argument cache mostly misses on it).
 */

const keyCount = numberOption('keys', 100_000);
const pipeline = numberOption('pipeline', 16);
const batches = numberOption('batches', 20_000);
const rounds = numberOption('rounds', 6);
const casesIndex = process.argv.indexOf('--cases');
const selectedCases = casesIndex >= 0 ? (process.argv[casesIndex + 1] ?? '').toUpperCase().split(',') : undefined;

async function main(): Promise<void> {
  const node = startInProcessNode();
  const distinctBatches = Math.min(batches, 4096);
  let zaddDraws = 0;
  const make = (build: (key: string) => string[]) => buildBatches((digits) => build(`key:${digits}`), distinctBatches, pipeline, keyCount);
  const allCases: Array<[string, Buffer[]]> = [
    ['SET', make((key) => ['SET', key, 'xxx'])],
    // 4-byte values that vary (the parser's tiny-argument cache misses on most of them).
    ['SETVARY4', make((key) => ['SET', key, key.slice(-4)])],
    ['GET', make((key) => ['GET', key])],
    ['INCR', make((key) => ['INCR', `counter:${key}`])],
    ['PING', make(() => ['PING'])],
    ['HSET', make((key) => ['HSET', 'myhash', `element:${key}`, 'xxx'])],
    ['SADD', make((key) => ['SADD', 'myset', `element:${key}`])],
    ['PFADD', make((key) => ['PFADD', 'hll', key])],
    ['ZADD', make((key) => ['ZADD', 'myzset', key.slice(-6), `element:${key}`])],
    // As redis-benchmark's ZADD, the score is drawn apart from the member, so a present member
    // moves: 20k members (each recurs ~3 times in the replayed batches), a new score per command.
    ['ZADDMOVE', make((key) => ['ZADD', 'myzset2', String((zaddDraws++ * 7919 + 13) % 100_000), `element:${Number(key.slice(-6)) % 20_000}`])],
    ['ZINCRBY', make((key) => ['ZINCRBY', 'lb', '1', `m:${key}`])],
  ];
  const cases = allCases.filter(([name]) => selectedCases === undefined || selectedCases.includes(name));
  // Fill every key first so GET always hits.
  for (let i = 0; i < keyCount; i++) node.send(Buffer.from(command(['SET', `key:${String(i).padStart(12, '0')}`, 'xxx']), 'latin1'));
  const best = bestNsPerCommand(node, cases, rounds, batches, pipeline);
  for (const [name, ns] of best) console.log(`${name.padEnd(8)} ${ns.toFixed(0).padStart(5)} ns/command (best of ${rounds} rounds, ${batches} batches of ${pipeline}, ${keyCount} keys)`);
  await node.stop();
}

await main();
