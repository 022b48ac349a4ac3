import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRedisServer } from '../support/redis-server-process.js';
import { startTessera, type InProcessNode } from '../support/tessera.js';
import { parseCorpus } from './harness/corpus.js';
import { findKnownDifference, loadKnownDifferences } from './harness/known-differences.js';
import { compatDataPath } from './harness/paths.js';
import { outcomeToPlain, outcomesAgree, type Outcome } from './harness/reply-compare.js';
import { ServerPair } from './harness/server-pair.js';

/** The issue asks for at least this many compared commands across the corpus. */
const MIN_COMPARED_COMMANDS = 500;
/** Mismatches listed in full per file; the rest are counted. */
const MAX_LISTED_MISMATCHES = 40;

function show(outcome: Outcome): string {
  return JSON.stringify(outcomeToPlain(outcome));
}

/** Empties both servers. Falls back to the keyspace while Tessera has no FLUSHALL. */
async function flushBoth(t: TestContext, pair: ServerPair, node: InProcessNode): Promise<void> {
  const [redis, tessera] = await pair.exchange(['FLUSHALL']);
  assert.deepEqual(outcomeToPlain(redis), { simple: 'OK' }, 'FLUSHALL on redis-server');
  if (!(tessera.kind === 'reply' && tessera.reply.type === 'simple' && tessera.reply.value === 'OK')) {
    t.diagnostic(`FLUSHALL on Tessera replied ${show(tessera)}; flushed its keyspace directly`);
    node.server.keyspace.flushAll();
  }
}

test('differential corpus: redis-server and Tessera give the same replies', async (t) => {
  const redis = await startRedisServer(['--enable-debug-command', 'local']);
  t.after(() => redis.stop());
  const node = await startTessera({ 'enable-debug-command': 'local' });
  t.after(() => node.stop());
  const known = loadKnownDifferences(compatDataPath('known-differences.md'));
  const corpusDir = compatDataPath('corpus');
  const files = readdirSync(corpusDir)
    .filter((name) => name.endsWith('.txt'))
    .sort();
  assert.ok(files.length > 0, `no corpus files in ${corpusDir}`);

  let compared = 0;
  let total = 0;
  let excused = 0;
  for (const file of files) {
    await t.test(file, async (st) => {
      const entries = parseCorpus(file, readFileSync(join(corpusDir, file), 'latin1'));
      const pair = new ServerPair(redis.port, node.port);
      st.after(() => pair.close());
      await pair.reconnect();
      await flushBoth(st, pair, node);
      await pair.reconnect();
      const mismatches: string[] = [];
      for (const entry of entries) {
        const [expected, actual] = await pair.exchange(entry.argv);
        total++;
        if (entry.directive !== 'ignore') compared++;
        if (outcomesAgree(entry.directive, expected, actual)) continue;
        const where = `${file}:${entry.line}`;
        const difference = findKnownDifference(known, file, entry.command);
        if (difference !== undefined) {
          difference.used++;
          excused++;
          st.diagnostic(`known difference at ${where} (${difference.why})`);
          continue;
        }
        mismatches.push(`${where}: ${entry.directive === 'exact' ? '' : `@${entry.directive} `}${entry.command}\n  redis:   ${show(expected)}\n  tessera: ${show(actual)}`);
      }
      // A command that gave Tessera more (or fewer) replies than Redis shifts every later reply:
      // a final PING shows it even when the file's last lines happened to agree.
      const [redisEnd, tesseraEnd] = await pair.exchange(['PING']);
      if (!outcomesAgree('exact', redisEnd, tesseraEnd)) {
        mismatches.push(`${file}: after the last line, PING gave redis ${show(redisEnd)} but tessera ${show(tesseraEnd)} (replies out of step)`);
      }
      st.diagnostic(`${file}: ${entries.length} commands`);
      if (mismatches.length > 0) {
        const listed = mismatches.slice(0, MAX_LISTED_MISMATCHES).join('\n');
        const more = mismatches.length > MAX_LISTED_MISMATCHES ? `\n... and ${mismatches.length - MAX_LISTED_MISMATCHES} more` : '';
        assert.fail(`${mismatches.length} of ${entries.length} commands differ in ${file}:\n${listed}${more}`);
      }
    });
  }

  const summary = `differential corpus: ${total} commands in ${files.length} files, ${compared} compared, ${excused} known differences`;
  t.diagnostic(summary);
  console.log(summary);
  for (const entry of known) {
    if (entry.used === 0) t.diagnostic(`known difference no longer seen (remove it?): ${entry.file} ${entry.command}`);
  }
  assert.ok(compared >= MIN_COMPARED_COMMANDS, `only ${compared} commands compared; the corpus needs at least ${MIN_COMPARED_COMMANDS}`);
});
