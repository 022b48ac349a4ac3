import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { encodeCommand, type Reply } from '../../src/resp/reply-parser.js';
import { RawClient } from '../support/raw-client.js';
import { startTessera } from '../support/tessera.js';

const latin1 = (text: string) => Buffer.from(text, 'latin1');

/** Writes and resolves once the bytes are handed to the kernel. */
function write(client: RawClient, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => client.socket.write(bytes, (error) => (error ? reject(error) : resolve())));
}

async function readMany(client: RawClient, count: number): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (let i = 0; i < count; i++) replies.push(await client.read());
  return replies;
}

test('a pipeline of 10,000 commands in one write gets every reply, in order', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await RawClient.connect(node.port);
  t.after(() => client.close());
  const count = 10_000;
  const parts: Buffer[] = [];
  const expected: Reply[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 3 === 0) {
      parts.push(encodeCommand(['SET', `pipe:${i % 7}`, `v${i}`]), encodeCommand(['GET', `pipe:${i % 7}`]));
      expected.push({ type: 'simple', value: 'OK' }, { type: 'bulk', value: `v${i}` });
    } else {
      parts.push(encodeCommand(['ECHO', `e${i}`]));
      expected.push({ type: 'bulk', value: `e${i}` });
    }
  }
  await write(client, Buffer.concat(parts));
  const replies = await readMany(client, expected.length);
  assert.deepEqual(replies, expected);
  // Nothing extra is left behind, and the connection still works.
  assert.deepEqual(await client.call('PING'), { type: 'simple', value: 'PONG' });
});

test('a pipeline of 50,000 inline commands in one write is answered in full', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await RawClient.connect(node.port);
  t.after(() => client.close());
  const count = 50_000;
  const bytes = latin1(Array.from({ length: count }, (_, i) => `PING ${i}\r\n`).join(''));
  await write(client, bytes);
  const replies = await readMany(client, count);
  for (let i = 0; i < count; i++) assert.deepEqual(replies[i], { type: 'bulk', value: String(i) }, `reply ${i}`);
});

/** Several frame kinds in one payload: multibulk with binary and CR LF inside, inline with quotes. */
function mixedPayload(): { bytes: Buffer; replies: Reply[] } {
  const binary = '\x00\r\n\xff$*';
  const bytes = Buffer.concat([
    encodeCommand(['SET', 'split:k', binary]),
    encodeCommand(['GET', 'split:k']),
    latin1('ECHO "a b\\x41"\r\n'),
    latin1("PING 'c d'\n"),
    latin1('\r\n'),
    encodeCommand(['ECHO', '']),
    encodeCommand(['PING']),
  ]);
  const replies: Reply[] = [
    { type: 'simple', value: 'OK' },
    { type: 'bulk', value: binary },
    { type: 'bulk', value: 'a bA' },
    { type: 'bulk', value: 'c d' },
    { type: 'bulk', value: '' },
    { type: 'simple', value: 'PONG' },
  ];
  return { bytes, replies };
}

test('frames split at every byte boundary are parsed the same', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await RawClient.connect(node.port);
  t.after(() => client.close());
  const { bytes, replies } = mixedPayload();
  // One connection, one split point at a time: the part before the split, then the rest.
  for (let split = 1; split < bytes.length; split++) {
    await write(client, bytes.subarray(0, split));
    await nextTurn();
    await write(client, bytes.subarray(split));
    assert.deepEqual(await readMany(client, replies.length), replies, `split at byte ${split}`);
  }
});

test('frames written one byte at a time are parsed the same', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await RawClient.connect(node.port);
  t.after(() => client.close());
  const { bytes, replies } = mixedPayload();
  for (let i = 0; i < bytes.length; i++) {
    await write(client, bytes.subarray(i, i + 1));
    await nextTurn();
  }
  assert.deepEqual(await readMany(client, replies.length), replies);
});

test('a 3 MB argument arriving in small pieces round-trips intact', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await RawClient.connect(node.port);
  t.after(() => client.close());
  const value = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < value.length; i++) value[i] = (i * 31 + 7) & 0xff;
  const bytes = Buffer.concat([encodeCommand(['SET', 'big', value]), encodeCommand(['GET', 'big'])]);
  const pieceBytes = 64 * 1024 + 13;
  for (let at = 0; at < bytes.length; at += pieceBytes) {
    await write(client, bytes.subarray(at, at + pieceBytes));
    await nextTurn();
  }
  assert.deepEqual(await client.read(), { type: 'simple', value: 'OK' });
  const reply = await client.read();
  assert.equal(reply.type, 'bulk');
  assert.ok(reply.type === 'bulk' && Buffer.from(reply.value, 'latin1').equals(value), 'GET returns the same bytes');
});

test('replies before a protocol error in the same read arrive, then the error, then the close', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await RawClient.connect(node.port);
  t.after(() => client.close());
  const good = Array.from({ length: 1000 }, (_, i) => encodeCommand(['ECHO', String(i)]));
  await write(client, Buffer.concat([...good, latin1('*1\r\n$x\r\n'), encodeCommand(['PING'])]));
  const replies = await readMany(client, 1001);
  for (let i = 0; i < 1000; i++) assert.deepEqual(replies[i], { type: 'bulk', value: String(i) });
  assert.deepEqual(replies[1000], { type: 'error', value: 'ERR Protocol error: invalid bulk length' });
  await client.waitClosed();
  await assert.rejects(client.read(200), /connection closed/);
});
