import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRedisServer } from '../support/redis-server-process.js';
import { parseCorpus } from './harness/corpus.js';
import { compatDataPath } from './harness/paths.js';
import { outcomeToPlain, outcomesAgree } from './harness/reply-compare.js';
import { ServerPair } from './harness/server-pair.js';

/**
 * The corpus itself must be deterministic: run against two fresh redis-servers, every compared
 * line must agree. A line that fails here depends on time, ids or ordering and needs @sorted,
 * @type or @ignore; otherwise the differential test would fail at random.
 */
test('corpus stability: two redis-servers agree on every compared line', async (t) => {
  const first = await startRedisServer(['--enable-debug-command', 'local']);
  t.after(() => first.stop());
  const second = await startRedisServer(['--enable-debug-command', 'local']);
  t.after(() => second.stop());
  const corpusDir = compatDataPath('corpus');
  const unstable: string[] = [];
  for (const file of readdirSync(corpusDir).filter((name) => name.endsWith('.txt')).sort()) {
    const pair = new ServerPair(first.port, second.port);
    try {
      await pair.reconnect();
      await pair.exchange(['FLUSHALL']);
      await pair.reconnect();
      for (const entry of parseCorpus(file, readFileSync(join(corpusDir, file), 'latin1'))) {
        const [a, b] = await pair.exchange(entry.argv);
        if (outcomesAgree(entry.directive, a, b)) continue;
        unstable.push(`${file}:${entry.line}: ${entry.command}\n  first:  ${JSON.stringify(outcomeToPlain(a))}\n  second: ${JSON.stringify(outcomeToPlain(b))}`);
      }
    } finally {
      pair.close();
    }
  }
  assert.equal(unstable.length, 0, `corpus lines whose replies differ between two redis-servers:\n${unstable.join('\n')}`);
});
