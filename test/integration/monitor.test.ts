import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { startRedisServer } from '../support/redis-server-process.js';
import { startTessera } from '../support/tessera.js';
import type { Reply } from '../../src/resp/reply-parser.js';

async function connect(t: TestContext, port: number): Promise<RawClient> {
  const client = await RawClient.connect(port);
  t.after(() => client.close());
  return client;
}

/** The MONITOR lines a server sends while `commands` run on another connection. */
async function monitorLines(t: TestContext, port: number, commands: string[][]): Promise<string[]> {
  const monitor = await connect(t, port);
  assert.deepEqual(await monitor.call('MONITOR'), { type: 'simple', value: 'OK' });
  const worker = await connect(t, port);
  for (const command of commands) await worker.call(...command);
  const lines: string[] = [];
  for (let i = 0; i < commands.length; i++) {
    const reply: Reply = await monitor.read();
    assert.equal(reply.type, 'simple');
    lines.push((reply as { value: string }).value);
  }
  return lines;
}

/** Timestamps and client ports differ between runs; everything else must match. */
function normalize(line: string): string {
  return line.replace(/^\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\]/, 'TS [$1 ADDR]');
}

test('MONITOR lines have redis-server 7.0\'s format, quoting included', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await startRedisServer();
  t.after(() => redis.stop());
  const commands = [
    ['SET', 'plain', 'value'],
    ['SET', 'bin\x00ary', 'quote" back\\slash \n\r\t\x07\x08 \xff\x7f'],
    ['GET', 'plain'],
    ['PING'],
  ];
  const ours = await monitorLines(t, node.port, commands);
  const theirs = await monitorLines(t, redis.port, commands);
  assert.match(ours[0] ?? '', /^\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "plain" "value"$/);
  assert.deepEqual(ours.map(normalize), theirs.map(normalize));
});

test('a second MONITOR gets no reply; admin commands are not fed', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const monitor = await connect(t, node.port);
  await monitor.call('MONITOR');
  monitor.writeRaw('*1\r\n$7\r\nMONITOR\r\n');
  const worker = await connect(t, node.port);
  await worker.call('SLOWLOG', 'RESET');
  await worker.call('ECHO', 'after');
  const line = await monitor.read();
  assert.match((line as { value: string }).value, /"ECHO" "after"$/);
});
