import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/lib/random.js';
import { startRedisServer } from '../support/redis-server-process.js';
import { startTessera } from '../support/tessera.js';
import { commandTargets, randomCall, showArgv } from './harness/random-arguments.js';
import { outcomeToPlain, outcomesAgree, type Outcome } from './harness/reply-compare.js';
import { ServerPair } from './harness/server-pair.js';

/**
 * Every command Tessera implements, called with random arguments (option tokens, keys, edge
 * numbers, bytes), on both servers: replies must match, errors included, which pins the order
 * in which Redis checks arguments. Each batch starts from FLUSHALL so one mismatch does not
 * cascade; the first mismatch of each batch is reported. COMPAT_SEED=n reproduces a run.
 */
const BATCHES = Number(process.env['COMPAT_BATCHES'] ?? 100);
const COMMANDS_PER_BATCH = 40;
const MAX_REPORTED = 30;

/** Not comparable by value: they show time, ids, memory, hash order or server internals. */
const NOT_COMPARABLE = new Set([
  'randomkey',
  'scan',
  'info',
  'time',
  'lastsave',
  'hello',
  'object|idletime',
  'object|freq',
  'memory|usage',
  'memory|stats',
  'memory|doctor',
  'memory|malloc-stats',
  'dump',
  'ttl',
  'pttl',
  'expiretime',
  'pexpiretime',
  'command',
  'command|docs',
  'command|info',
  'command|list',
  'command|count',
  'latency|doctor',
  'latency|latest',
  'latency|history',
  'latency|graph',
  'slowlog|get',
  // Stream ids from '*' and consumers' seen/idle times come from each server's clock.
  'xadd',
  'xinfo|stream',
  'xinfo|consumers',
]);
/** As in the fuzz test: nothing that blocks, ends the connection or changes the server. */
const DENIED = new Set(['quit', 'client', 'monitor', 'lolwut', 'migrate', 'pfselftest', 'pfdebug', 'wait', 'shutdown', 'debug', 'config', 'sync', 'psync', 'replconf', 'keys', 'reset', 'multi', 'exec', 'discard', 'watch', 'unwatch']);
const DENIED_FLAGS = ['blocking', 'admin', 'pubsub'];

test('random arguments: every implemented command gives the same replies and errors as redis-server', async (t) => {
  const redis = await startRedisServer();
  t.after(() => redis.stop());
  const node = await startTessera();
  t.after(() => node.stop());
  const seed = Number(process.env['COMPAT_SEED'] ?? 777);
  const targets = commandTargets(node.server.commands, new Set([...DENIED, ...NOT_COMPARABLE]), DENIED_FLAGS);
  t.diagnostic(`${targets.length} commands: ${targets.map((target) => target.words.join(' ')).join(', ')}`);
  const random = new SeededRandom(seed);
  const pair = new ServerPair(redis.port, node.port);
  t.after(() => pair.close());
  const mismatches: string[] = [];
  let compared = 0;
  for (let batchIndex = 0; batchIndex < BATCHES; batchIndex++) {
    await pair.reconnect();
    await pair.exchange(['FLUSHALL']);
    node.server.keyspace.flushAll(); // in case FLUSHALL is missing
    const batch = Array.from({ length: COMMANDS_PER_BATCH }, () => randomCall(random, targets));
    const [expected, actual] = await pair.pipeline(batch);
    for (let i = 0; i < batch.length; i++) {
      compared++;
      if (outcomesAgree('exact', expected[i] as Outcome, actual[i] as Outcome)) continue;
      const history = batch.slice(0, i).map((argv) => `      ${showArgv(argv)}`).join('\n');
      mismatches.push(
        `batch ${batchIndex} command ${i}: ${showArgv(batch[i] as string[])}\n` +
          `    redis:   ${JSON.stringify(outcomeToPlain(expected[i] as Outcome))}\n` +
          `    tessera: ${JSON.stringify(outcomeToPlain(actual[i] as Outcome))}\n` +
          `    after (from FLUSHALL):\n${history}`,
      );
      break;
    }
  }
  t.diagnostic(`${compared} random calls compared`);
  const shown = mismatches.slice(0, MAX_REPORTED).join('\n');
  assert.equal(mismatches.length, 0, `${mismatches.length} of ${BATCHES} batches differ (COMPAT_SEED=${seed}):\n${shown}`);
});
