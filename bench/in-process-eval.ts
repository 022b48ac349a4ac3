import { sha1hex } from '../src/scripting/engine.js';
import { bestNsPerCommand, buildBatches, command, numberOption, startInProcessNode } from './in-process-harness.js';

/**
 * EVALSHA without sockets (as bench/in-process.ts for plain commands): the issue 4 bench's
 * script, `return redis.call('incr', KEYS[1])` on `counter:<rand>`, timed in ns per call, next
 * to plain INCR on the same keys (the script's overhead is the difference), and a few other
 * scripts so a fast path for one reply kind does not hide a slow one.
 *
 *   node dist/bench/in-process-eval.js [--pipeline 16] [--batches 5000] [--rounds 6] [--only incr]
 */

const pipeline = numberOption('pipeline', 16);
const batches = numberOption('batches', 5_000);
const rounds = numberOption('rounds', 6);
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const keyCount = 100_000;

const SCRIPTS: Array<[string, string, number]> = [
  ['incr', "return redis.call('incr', KEYS[1])", 1],
  ['get', "return redis.call('get', KEYS[1])", 1],
  ['set-ok', "return redis.call('set', KEYS[1], ARGV[1])", 1],
  ['mget', "return redis.call('mget', KEYS[1], KEYS[1])", 1],
  ['const', 'return 1', 0],
];

async function main(): Promise<void> {
  const node = startInProcessNode();
  const distinct = Math.min(batches, 2048);
  const cases: Array<[string, Buffer[]]> = [['INCR', buildBatches((n) => ['INCR', `counter:key:${n}`], distinct, pipeline, keyCount)]];
  for (const [name, body, numKeys] of SCRIPTS) {
    if (only !== undefined && name !== only) continue;
    node.send(Buffer.from(command(['SCRIPT', 'LOAD', body]), 'latin1'));
    const sha = sha1hex(body);
    cases.push([`EVALSHA ${name}`, buildBatches((n) => ['EVALSHA', sha, String(numKeys), ...(numKeys > 0 ? [`counter:${n}`] : []), 'v'], distinct, pipeline, keyCount)]);
  }
  const best = bestNsPerCommand(node, cases, rounds, batches, pipeline);
  for (const [name, ns] of best) console.log(`${name.padEnd(16)} ${ns.toFixed(0).padStart(6)} ns/call (best of ${rounds} rounds, ${batches} batches of ${pipeline})`);
  await node.stop();
}

await main();
