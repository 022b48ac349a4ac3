import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/lib/random.js';
import { startRedisServer } from '../support/redis-server-process.js';
import { startTessera } from '../support/tessera.js';
import { showArgv } from './harness/random-arguments.js';
import { outcomeToPlain, outcomesAgree, type Outcome } from './harness/reply-compare.js';
import { ServerPair } from './harness/server-pair.js';

/**
 * Random sequences of stream commands with explicit ids (so replies are deterministic) on
 * redis-server and Tessera: entries, deletions, trims, groups, deliveries, claims and the
 * XINFO counters that follow from them must match. COMPAT_SEED=n reproduces a run.
 */
const BATCHES = Number(process.env['COMPAT_BATCHES'] ?? 60);
const COMMANDS_PER_BATCH = 40;
const MAX_REPORTED = 10;

function generators(random: SeededRandom): Array<() => string[]> {
  const pick = <T>(items: readonly T[]): T => items[random.int(items.length)] as T;
  const maybe = (p: number, items: string[]): string[] => (random.next() < p ? items : []);
  const keys = ['s1', 's2'];
  const groups = ['g1', 'g2'];
  const consumers = ['c1', 'c2', 'c3'];
  const id = (): string => pick(['1', '2', '3', '5', '1-0', '1-1', '2-0', '2-5', '3-1', '4', '7-2', '10', '0', '-', '+', '(2', '(3-1', '(0', '6-*', '(5', '$', '>']);
  return [
    () => ['XADD', pick(keys), ...maybe(0.3, [pick(['MAXLEN', 'MINID']), pick(['~', '=']), pick(['0', '1', '2', '3-0', '5'])]), pick(['1-*', '2-*', '3', '4-1', '5-*', '7-*', '8', '9-*', '10-*', '11']), 'f', pick(['a', 'b'])],
    () => ['XADD', pick(keys), pick(['12-*', '13', '14-*']), pick(['f', 'g']), 'x', ...maybe(0.5, ['h', 'y'])],
    () => ['XDEL', pick(keys), id(), id()],
    () => ['XRANGE', pick(keys), id(), id(), ...maybe(0.5, ['COUNT', pick(['1', '2', '0'])])],
    () => ['XREVRANGE', pick(keys), id(), id(), ...maybe(0.5, ['COUNT', pick(['1', '2'])])],
    () => ['XTRIM', pick(keys), pick(['MAXLEN', 'MINID']), pick(['1', '2', '3-0', '0', '5'])],
    () => ['XGROUP', 'CREATE', pick(keys), pick(groups), pick(['0', '$', '2-0']), ...maybe(0.5, ['MKSTREAM']), ...maybe(0.2, ['ENTRIESREAD', pick(['0', '3', '-1'])])],
    () => ['XGROUP', 'SETID', pick(keys), pick(groups), pick(['0', '$', '2-0', '100']), ...maybe(0.2, ['ENTRIESREAD', pick(['1', '4'])])],
    () => ['XGROUP', pick(['DELCONSUMER', 'CREATECONSUMER']), pick(keys), pick(groups), pick(consumers)],
    () => ['XGROUP', 'DESTROY', pick(keys), pick(groups)],
    () => ['XREADGROUP', 'GROUP', pick(groups), pick(consumers), ...maybe(0.5, ['COUNT', pick(['1', '2'])]), ...maybe(0.3, ['NOACK']), 'STREAMS', pick(keys), pick(['>', '>', '0', '2-0'])],
    () => ['XREAD', ...maybe(0.5, ['COUNT', pick(['1', '2'])]), 'STREAMS', pick(keys), pick(['0', '2-0', '$'])],
    () => ['XACK', pick(keys), pick(groups), id(), id()],
    () => ['XPENDING', pick(keys), pick(groups)],
    () => ['XCLAIM', pick(keys), pick(groups), pick(consumers), '0', id(), id(), ...maybe(0.5, [pick(['JUSTID', 'FORCE', 'LASTID 9-0', 'RETRYCOUNT 3'])]).flatMap((x) => x.split(' '))],
    () => ['XAUTOCLAIM', pick(keys), pick(groups), pick(consumers), '0', id(), ...maybe(0.5, ['COUNT', pick(['1', '2', '3'])]), ...maybe(0.3, ['JUSTID'])],
    () => ['XINFO', 'GROUPS', pick(keys)],
    () => ['XLEN', pick(keys)],
    () => ['XSETID', pick(keys), pick(['5-0', '20-0', '3']), ...maybe(0.3, ['ENTRIESADDED', pick(['3', '50'])]), ...maybe(0.3, ['MAXDELETEDID', pick(['2-0', '4-0'])])],
  ];
}

test('random stream command sequences: redis-server and Tessera agree', async (t) => {
  const redis = await startRedisServer();
  t.after(() => redis.stop());
  const node = await startTessera();
  t.after(() => node.stop());
  const pair = new ServerPair(redis.port, node.port);
  t.after(() => pair.close());
  const random = new SeededRandom(Number(process.env['COMPAT_SEED'] ?? 3));
  const gens = generators(random);
  const mismatches: string[] = [];
  for (let b = 0; b < BATCHES && mismatches.length < MAX_REPORTED; b++) {
    await pair.reconnect();
    await pair.exchange(['FLUSHALL']);
    const batch = Array.from({ length: COMMANDS_PER_BATCH }, () => (gens[random.int(gens.length)] as () => string[])());
    batch.push(['XINFO', 'STREAM', 's1'], ['XINFO', 'STREAM', 's2']);
    const [expected, actual] = await pair.pipeline(batch);
    for (let i = 0; i < batch.length; i++) {
      if (outcomesAgree('exact', expected[i] as Outcome, actual[i] as Outcome)) continue;
      const before = batch.slice(0, i).map(showArgv).join('\n        ');
      mismatches.push(
        `batch ${b} command ${i}: ${showArgv(batch[i] as string[])}\n      redis:   ${JSON.stringify(outcomeToPlain(expected[i] as Outcome))}\n      tessera: ${JSON.stringify(outcomeToPlain(actual[i] as Outcome))}\n      after:\n        ${before}`,
      );
      break;
    }
  }
  assert.equal(mismatches.length, 0, mismatches.join('\n'));
});
