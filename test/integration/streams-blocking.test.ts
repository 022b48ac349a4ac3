import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replyToPlain } from '../support/raw-client.js';
import { startTessera, type InProcessNode } from '../support/tessera.js';
import { rawClient } from '../support/clients.js';

/** Waits (bounded) until the node has `count` blocked clients. */
async function blockedClients(node: InProcessNode, count: number): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (node.server.blocking.size === count) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`expected ${count} blocked clients, have ${node.server.blocking.size}`);
}

function entry(id: string, ...fields: string[]): unknown {
  return { array: [{ bulk: id }, { array: fields.map((f) => ({ bulk: f })) }] };
}

test('XREAD BLOCK $ is served only the entries added after it blocked', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const reader = await rawClient(t, node.port, { nullMarkers: true });
  const writer = await rawClient(t, node.port, { nullMarkers: true });
  await writer.call('XADD', 's', '1-0', 'old', '1');
  const pending = reader.call('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
  await blockedClients(node, 1);
  await writer.call('XADD', 's', '2-0', 'new', '2');
  assert.deepEqual(replyToPlain(await pending), { array: [{ array: [{ bulk: 's' }, { array: [entry('2-0', 'new', '2')] }] }] });
  await blockedClients(node, 0);
});

test('XREAD BLOCK on a missing key: created later by XADD wakes it; DEL does not', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const reader = await rawClient(t, node.port, { nullMarkers: true });
  const writer = await rawClient(t, node.port, { nullMarkers: true });
  await writer.call('XADD', 's', '1-0', 'a', '1');
  const pending = reader.call('XREAD', 'BLOCK', '0', 'STREAMS', 's', '1-0');
  await blockedClients(node, 1);
  await writer.call('DEL', 's');
  await blockedClients(node, 1);
  await writer.call('XADD', 's', '3-0', 'b', '2');
  assert.deepEqual(replyToPlain(await pending), { array: [{ array: [{ bulk: 's' }, { array: [entry('3-0', 'b', '2')] }] }] });
});

test('XREAD BLOCK times out with a null array (RESP2 *-1, RESP3 _)', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const resp2 = await rawClient(t, node.port, { nullMarkers: true });
  assert.deepEqual(replyToPlain(await resp2.call('XREAD', 'BLOCK', '20', 'STREAMS', 's', '$'), { keepNullMarker: true }), { null: '*' });
  const resp3 = await rawClient(t, node.port, { nullMarkers: true });
  await resp3.call('HELLO', '3');
  await resp3.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
  assert.deepEqual(replyToPlain(await resp3.call('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '20', 'STREAMS', 's', '>'), { keepNullMarker: true }), { null: '_' });
});

test('XREADGROUP BLOCK >: woken clients are served in the order they blocked', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const first = await rawClient(t, node.port, { nullMarkers: true });
  const second = await rawClient(t, node.port, { nullMarkers: true });
  const writer = await rawClient(t, node.port, { nullMarkers: true });
  await writer.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
  const firstReply = first.call('XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
  await blockedClients(node, 1);
  const secondReply = second.call('XREADGROUP', 'GROUP', 'g', 'bob', 'BLOCK', '0', 'STREAMS', 's', '>');
  await blockedClients(node, 2);
  await writer.call('XADD', 's', '1-0', 'f', 'v');
  assert.deepEqual(replyToPlain(await firstReply), { array: [{ array: [{ bulk: 's' }, { array: [entry('1-0', 'f', 'v')] }] }] });
  // The entry went to alice: bob stays blocked until the next one.
  await blockedClients(node, 1);
  await writer.call('XADD', 's', '2-0', 'f', 'w');
  assert.deepEqual(replyToPlain(await secondReply), { array: [{ array: [{ bulk: 's' }, { array: [entry('2-0', 'f', 'w')] }] }] });
  const pending = replyToPlain(await writer.call('XPENDING', 's', 'g'));
  assert.deepEqual(pending, {
    array: [{ integer: '2' }, { bulk: '1-0' }, { bulk: '2-0' }, { array: [{ array: [{ bulk: 'alice' }, { bulk: '1' }] }, { array: [{ bulk: 'bob' }, { bulk: '1' }] }] }],
  });
});

test('XREADGROUP BLOCK: deleting the key or the group wakes the reader with an error (Redis 7.0)', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const reader = await rawClient(t, node.port, { nullMarkers: true });
  const writer = await rawClient(t, node.port, { nullMarkers: true });
  await writer.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
  let pending = reader.call('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>');
  await blockedClients(node, 1);
  await writer.call('DEL', 's');
  assert.deepEqual(replyToPlain(await pending), { error: 'UNBLOCKED the stream key no longer exists' });
  await writer.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
  pending = reader.call('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>');
  await blockedClients(node, 1);
  await writer.call('XGROUP', 'DESTROY', 's', 'g');
  assert.deepEqual(replyToPlain(await pending), { error: 'NOGROUP the consumer group this client was blocked on no longer exists' });
});

test('XREAD BLOCK without COUNT is served at most 1000 entries per stream when woken', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const reader = await rawClient(t, node.port, { nullMarkers: true });
  const pending = reader.call('XREAD', 'BLOCK', '0', 'STREAMS', 's', '0');
  await blockedClients(node, 1);
  const writer = await rawClient(t, node.port, { nullMarkers: true });
  await writer.call('XADD', 's', '5-0', 'f', 'v');
  const reply = replyToPlain(await pending) as { array: Array<{ array: [unknown, { array: unknown[] }] }> };
  assert.equal(reply.array[0]?.array[1].array.length, 1);
});

test('a reader woken with nothing to read blocks again and keeps its first deadline', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const reader = await rawClient(t, node.port, { nullMarkers: true });
  const writer = await rawClient(t, node.port, { nullMarkers: true });
  await writer.call('XADD', 's', '1-0', 'a', '1');
  const startedMs = Date.now();
  const pending = reader.call('XREAD', 'BLOCK', '150', 'STREAMS', 's', '$');
  await blockedClients(node, 1);
  await writer.call('DEL', 's');
  await blockedClients(node, 1);
  assert.deepEqual(replyToPlain(await pending, { keepNullMarker: true }), { null: '*' });
  const waitedMs = Date.now() - startedMs;
  assert.ok(waitedMs >= 140 && waitedMs < 2000, `waited ${waitedMs} ms`);
});
