import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { encodeCommand } from '../../src/resp/reply-parser.js';
import { RawClient, replyToPlain } from '../support/raw-client.js';
import { startTessera, type InProcessNode, recordPropagation } from '../support/tessera.js';

/**
 * BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP with several clients. A test waits for "client N is
 * blocked" as an event from the server (whenBlocked), never by sleeping, so the order in which
 * clients blocked is the order the test chose.
 */

async function startNode(t: TestContext): Promise<InProcessNode> {
  const node = await startTessera();
  t.after(() => node.stop());
  return node;
}

async function connect(t: TestContext, node: InProcessNode): Promise<RawClient> {
  const client = await RawClient.connect(node.port, '127.0.0.1', { nullMarkers: true });
  t.after(() => client.close());
  return client;
}

/** Resolves when the server parks the next client (an event, not a poll of INFO). */
function whenBlocked(node: InProcessNode): Promise<void> {
  const server = node.server;
  const original = server.parkClient;
  return new Promise((resolve) => {
    server.parkClient = (...args: Parameters<typeof original>) => {
      server.parkClient = original;
      original.apply(server, args);
      resolve();
    };
  });
}

/** Sends a command that will block, and resolves once the server has parked the client. */
async function sendBlocking(node: InProcessNode, client: RawClient, ...args: string[]): Promise<void> {
  const blocked = whenBlocked(node);
  client.writeRaw(encodeCommand(args));
  await blocked;
}

async function plain(client: RawClient, timeoutMs = 5000): Promise<unknown> {
  return replyToPlain(await client.read(timeoutMs), { keepNullMarker: true });
}

function bulkArray(...values: string[]): unknown {
  return { array: values.map((value) => ({ bulk: value })) };
}

test('BLPOP waits for a push, gets the element, and the emptied key is deleted', async (t) => {
  const node = await startNode(t);
  const [waiter, writer] = [await connect(t, node), await connect(t, node)];
  await sendBlocking(node, waiter, 'BLPOP', 'k', '0');
  assert.deepEqual(replyToPlain(await writer.call('RPUSH', 'k', 'v')), { integer: '1' }, 'the push replies the length before serving');
  assert.deepEqual(await plain(waiter), bulkArray('k', 'v'));
  assert.deepEqual(replyToPlain(await writer.call('EXISTS', 'k')), { integer: '0' });
});

test('clients blocked on one key are served in the order they blocked', async (t) => {
  const node = await startNode(t);
  const [a, b, c, writer] = [await connect(t, node), await connect(t, node), await connect(t, node), await connect(t, node)];
  await sendBlocking(node, a, 'BLPOP', 'k', '0');
  await sendBlocking(node, b, 'BRPOP', 'k', '0');
  await sendBlocking(node, c, 'BLPOP', 'k', '0');
  // LPUSH a b leaves [b, a]: the first waiter pops the head.
  await writer.call('LPUSH', 'k', 'a', 'b');
  assert.deepEqual(await plain(a), bulkArray('k', 'b'));
  assert.deepEqual(await plain(b), bulkArray('k', 'a'));
  await writer.call('RPUSH', 'k', 'z');
  assert.deepEqual(await plain(c), bulkArray('k', 'z'));
});

test('a client blocked on several keys is served from the key that got data', async (t) => {
  const node = await startNode(t);
  const [waiter, writer] = [await connect(t, node), await connect(t, node)];
  await sendBlocking(node, waiter, 'BLPOP', 'a', 'b', 'c', '0');
  await writer.call('RPUSH', 'b', 'x');
  assert.deepEqual(await plain(waiter), bulkArray('b', 'x'));
  await sendBlocking(node, waiter, 'BLMPOP', '0', '2', 'a', 'b', 'RIGHT', 'COUNT', '2');
  await writer.call('RPUSH', 'b', '1', '2', '3');
  assert.deepEqual(await plain(waiter), { array: [{ bulk: 'b' }, bulkArray('3', '2')] });
});

test("BLMOVE's push wakes a client blocked on its destination", async (t) => {
  const node = await startNode(t);
  const [mover, popper, writer] = [await connect(t, node), await connect(t, node), await connect(t, node)];
  await sendBlocking(node, mover, 'BLMOVE', 'src', 'mid', 'LEFT', 'LEFT', '0');
  await sendBlocking(node, popper, 'BLPOP', 'mid', '0');
  await writer.call('RPUSH', 'src', 'v');
  assert.deepEqual(await plain(mover), { bulk: 'v' });
  assert.deepEqual(await plain(popper), bulkArray('mid', 'v'));
  assert.deepEqual(replyToPlain(await writer.call('EXISTS', 'src', 'mid')), { integer: '0' });
});

test('LMOVE into a key wakes a client blocked on it', async (t) => {
  const node = await startNode(t);
  const [waiter, writer] = [await connect(t, node), await connect(t, node)];
  await sendBlocking(node, waiter, 'BRPOPLPUSH', 'q', 'done', '0');
  await writer.call('RPUSH', 'other', 'job');
  assert.deepEqual(replyToPlain(await writer.call('LMOVE', 'other', 'q', 'LEFT', 'LEFT')), { bulk: 'job' });
  assert.deepEqual(await plain(waiter), { bulk: 'job' });
  assert.deepEqual(replyToPlain(await writer.call('LRANGE', 'done', '0', '-1')), bulkArray('job'));
});

test('a woken BLMOVE whose destination holds another type gets WRONGTYPE and pops nothing', async (t) => {
  const node = await startNode(t);
  const [waiter, writer] = [await connect(t, node), await connect(t, node)];
  await sendBlocking(node, waiter, 'BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0');
  await writer.call('SET', 'dst', 'string');
  await writer.call('RPUSH', 'src', 'v');
  assert.deepEqual(await plain(waiter), { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
  assert.deepEqual(replyToPlain(await writer.call('LRANGE', 'src', '0', '-1')), bulkArray('v'));
});

test('timeouts reply a null array for every list blocking command (RESP2 *-1, RESP3 _), within bounds', async (t) => {
  const node = await startNode(t);
  const client = await connect(t, node);
  const timeoutSeconds = 0.2;
  const commands = [
    ['BLPOP', 'none', String(timeoutSeconds)],
    ['BRPOP', 'none', 'other', String(timeoutSeconds)],
    ['BLMOVE', 'none', 'dst', 'LEFT', 'RIGHT', String(timeoutSeconds)],
    ['BRPOPLPUSH', 'none', 'dst', String(timeoutSeconds)],
    ['BLMPOP', String(timeoutSeconds), '1', 'none', 'LEFT'],
  ];
  for (const [protocol, nullMarker] of [
    ['2', '*'],
    ['3', '_'],
  ] as const) {
    await client.call('HELLO', protocol);
    for (const command of commands) {
      const startedMs = performance.now();
      client.writeRaw(encodeCommand(command));
      assert.deepEqual(await plain(client), { null: nullMarker }, command.join(' '));
      const elapsedMs = performance.now() - startedMs;
      // The timer may fire up to a tick early relative to our clock, never much later.
      assert.ok(elapsedMs >= timeoutSeconds * 1000 - 20, `${command[0]} replied after ${elapsedMs} ms`);
      assert.ok(elapsedMs < timeoutSeconds * 1000 + 2000, `${command[0]} replied after ${elapsedMs} ms`);
    }
  }
});

test('served blocking commands propagate as their non-blocking forms', async (t) => {
  const node = await startNode(t);
  const propagated = recordPropagation(node);
  const [waiter, writer] = [await connect(t, node), await connect(t, node)];
  await sendBlocking(node, waiter, 'BRPOP', 'k', '0');
  await writer.call('RPUSH', 'k', 'a');
  await plain(waiter);
  await sendBlocking(node, waiter, 'BLMOVE', 'k', 'd', 'RIGHT', 'LEFT', '0');
  await writer.call('RPUSH', 'k', 'b');
  await plain(waiter);
  await sendBlocking(node, waiter, 'BRPOPLPUSH', 'k', 'd', '0');
  await writer.call('RPUSH', 'k', 'c');
  await plain(waiter);
  await sendBlocking(node, waiter, 'BLMPOP', '0', '1', 'k', 'LEFT', 'COUNT', '3');
  await writer.call('RPUSH', 'k', 'x', 'y');
  await plain(waiter);
  assert.deepEqual(propagated, [
    ['RPUSH', 'k', 'a'],
    ['RPOP', 'k'],
    ['RPUSH', 'k', 'b'],
    ['LMOVE', 'k', 'd', 'RIGHT', 'LEFT'],
    ['RPUSH', 'k', 'c'],
    ['RPOPLPUSH', 'k', 'd'],
    ['RPUSH', 'k', 'x', 'y'],
    ['LPOP', 'k', '2'],
  ]);
});

test('a key that becomes another type does not serve a blocked BLPOP; a later list does', async (t) => {
  const node = await startNode(t);
  const [waiter, writer] = [await connect(t, node), await connect(t, node)];
  await sendBlocking(node, waiter, 'BLPOP', 'k', '0');
  await writer.call('SET', 'k', 'string');
  await writer.call('DEL', 'k');
  await writer.call('RPUSH', 'k', 'q');
  assert.deepEqual(await plain(waiter), bulkArray('k', 'q'));
});

test('inside MULTI blocking commands reply at once as on timeout (BLMOVE/BRPOPLPUSH: null bulk)', async (t) => {
  const node = await startNode(t);
  const client = await connect(t, node);
  await client.call('MULTI');
  for (const command of [
    ['BLPOP', 'none', '0'],
    ['BRPOP', 'none', '0'],
    ['BLMOVE', 'none', 'd', 'LEFT', 'LEFT', '0'],
    ['BRPOPLPUSH', 'none', 'd', '0'],
    ['BLMPOP', '0', '1', 'none', 'LEFT'],
  ]) {
    assert.deepEqual(replyToPlain(await client.call(...command)), { simple: 'QUEUED' });
  }
  assert.deepEqual(replyToPlain(await client.call('EXEC'), { keepNullMarker: true }), {
    array: [{ null: '*' }, { null: '*' }, { null: '$' }, { null: '$' }, { null: '*' }],
  });
});

test('a push inside MULTI serves the waiting client after EXEC', async (t) => {
  const node = await startNode(t);
  const [waiter, writer] = [await connect(t, node), await connect(t, node)];
  await sendBlocking(node, waiter, 'BLPOP', 'k', '0');
  await writer.call('MULTI');
  await writer.call('RPUSH', 'k', 'a');
  await writer.call('LLEN', 'k');
  assert.deepEqual(replyToPlain(await writer.call('EXEC')), { array: [{ integer: '1' }, { integer: '1' }] });
  assert.deepEqual(await plain(waiter), bulkArray('k', 'a'));
  assert.deepEqual(replyToPlain(await writer.call('EXISTS', 'k')), { integer: '0' });
});
