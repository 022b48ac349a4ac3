import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/lib/random.js';
import { encodeCommand, type Reply } from '../../src/resp/reply-parser.js';
import { RawClient } from '../support/raw-client.js';
import { startTessera } from '../support/tessera.js';
import { commandTargets, randomCall, showArgv } from '../compat/harness/random-arguments.js';

/**
 * Every command the node implements, called with random arguments (its own option tokens, a few
 * keys, edge-case numbers, random bytes) in pipelines: each command must get exactly one
 * well-formed reply, the node must not throw (an uncaught exception ends this process) and must
 * keep answering a healthy client. FUZZ_SEED=n reproduces a run.
 */
const SEED = Number(process.env['FUZZ_SEED'] ?? 9_001);
const ROUNDS = 40;
const COMMANDS_PER_ROUND = 250;
const BUDGET_MS = 10_000;
const HEALTH_TIMEOUT_MS = 2_000;

/**
 * Left out: commands that block, end or re-purpose the connection (no longer one reply per
 * command), touch files or other servers, or stop the node. Flags come from Redis's specs.
 */
const DENIED_FLAGS = ['blocking', 'admin', 'pubsub'];
const DENIED_COMMANDS = new Set(['quit', 'client', 'monitor', 'lolwut', 'migrate', 'pfselftest', 'pfdebug', 'wait', 'shutdown', 'debug', 'config', 'sync', 'psync', 'replconf']);

test(`command fuzz: every implemented command with random arguments gets one reply and the node goes on (FUZZ_SEED=${SEED})`, { timeout: 20_000 }, async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const targets = commandTargets(node.server.commands, DENIED_COMMANDS, DENIED_FLAGS);
  t.diagnostic(`${targets.length} commands: ${targets.map((target) => target.words.join(' ')).join(', ')}`);

  const random = new SeededRandom(SEED);
  const client = await RawClient.connect(node.port);
  t.after(() => client.close());
  const healthy = await RawClient.connect(node.port);
  t.after(() => healthy.close());
  const startedMs = performance.now();
  let sent = 0;
  for (let round = 0; round < ROUNDS && performance.now() - startedMs < BUDGET_MS; round++) {
    const batch = Array.from({ length: COMMANDS_PER_ROUND }, () => randomCall(random, targets));
    client.writeRaw(Buffer.concat(batch.map((argv) => encodeCommand(argv))));
    const replies: Reply[] = [];
    for (let i = 0; i < batch.length; i++) {
      try {
        replies.push(await client.read(HEALTH_TIMEOUT_MS));
      } catch (error) {
        assert.fail(`seed ${SEED} round ${round}: no reply to command ${i} ${showArgv(batch[i] as string[])} (${String(error)}); before it:\n${batch.slice(Math.max(0, i - 5), i).map(showArgv).join('\n')}`);
      }
    }
    sent += batch.length;
    // Whatever the fuzzed connection did (SELECT, HELLO 3, MULTI...), a healthy client is served.
    assert.deepEqual(await healthy.call('PING'), { type: 'simple', value: 'PONG' }, `round ${round}`);
    assert.deepEqual(await healthy.call('ECHO', `r${round}`), { type: 'bulk', value: `r${round}` });
  }
  t.diagnostic(`${sent} random commands in ${Math.round(performance.now() - startedMs)} ms`);
});
