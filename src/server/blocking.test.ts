import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyWriter } from '../resp/reply-writer.js';
import { BlockingRegistry, type Parked } from './blocking.js';

interface FakeClient {
  name: string;
  blocked: boolean;
  writer: ReplyWriter;
}

function client(name: string): FakeClient {
  return { name, blocked: false, writer: new ReplyWriter() };
}

function setup(hasData: (parked: Parked<FakeClient, string>) => boolean) {
  const tried: string[] = [];
  const released: string[] = [];
  const errors: string[] = [];
  const registry = new BlockingRegistry<FakeClient, string>({
    retry: (parked) => {
      tried.push(parked.client.name);
      return !hasData(parked);
    },
    released: (parked) => released.push(parked.client.name),
    countError: (message) => errors.push(message),
    nowMs: () => 0,
  });
  return { registry, tried, released, errors };
}

const request = (keys: string[], timeoutAtMs = 0) => ({
  keys,
  timeoutAtMs,
  onTimeout: (reply: ReplyWriter) => reply.nullArray(),
});

test('waiters on a written key are retried in the order they blocked', () => {
  let items = 1;
  const { registry, tried, released } = setup(() => items-- > 0);
  const a = client('a');
  const b = client('b');
  registry.park(a, 0, ['BLPOP', 'k', '0'], request(['k']), 'blpop');
  registry.park(b, 0, ['BLPOP', 'k', '0'], request(['k']), 'blpop');
  assert.equal(registry.size, 2);
  assert.ok(a.blocked && b.blocked);
  registry.keysWritten(0, ['k']);
  assert.deepEqual(tried, ['a', 'b']);
  assert.deepEqual(released, ['a']);
  assert.ok(!a.blocked && b.blocked);
  // b blocked again and kept its place: it is first on the next write.
  items = 1;
  registry.park(client('c'), 0, ['BLPOP', 'k', '0'], request(['k']), 'blpop');
  registry.keysWritten(0, ['k']);
  assert.deepEqual(released, ['a', 'b']);
});

test('writes to other keys or databases wake nobody; null wakes every waiter', () => {
  const { registry, tried } = setup(() => false);
  registry.park(client('a'), 0, [], request(['k']), 'x');
  registry.park(client('b'), 1, [], request(['k']), 'x');
  registry.keysWritten(0, ['other']);
  registry.keysWritten(2, ['k']);
  assert.deepEqual(tried, []);
  registry.keysWritten(null, null);
  assert.deepEqual(tried.sort(), ['a', 'b']);
});

test('a client waiting on several keys is released once and leaves every list', () => {
  const { registry, released } = setup(() => true);
  const a = client('a');
  registry.park(a, 0, [], request(['k1', 'k2', 'k1']), 'x');
  assert.equal(registry.keyCount, 2);
  registry.keysWritten(0, ['k1', 'k2']);
  assert.deepEqual(released, ['a']);
  assert.equal(registry.size, 0);
  assert.equal(registry.keyCount, 0);
});

test('timeouts write the command timeout reply; CLIENT UNBLOCK ERROR writes UNBLOCKED', async () => {
  const { registry, released, errors } = setup(() => false);
  const a = client('a');
  const b = client('b');
  registry.park(a, 0, [], request(['k'], 1), 'x');
  registry.park(b, 0, [], request(['k']), 'x');
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(released, ['a']);
  assert.equal(a.writer.take().toString(), '*-1\r\n');
  assert.equal(registry.unblock(b, 'error'), true);
  assert.equal(b.writer.take().toString(), '-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
  assert.deepEqual(errors, ['UNBLOCKED client unblocked via CLIENT UNBLOCK']);
  assert.equal(registry.unblock(b, 'timeout'), false);
});

test('a disconnected client is forgotten', () => {
  const { registry, tried } = setup(() => true);
  const a = client('a');
  registry.park(a, 0, [], request(['k']), 'x');
  registry.remove(a);
  registry.keysWritten(0, ['k']);
  assert.deepEqual(tried, []);
  assert.equal(registry.size, 0);
});

test('a retry that writes can wake further waiters (chained BLMOVE)', () => {
  const data = new Set(['k1']);
  const holder: { registry?: BlockingRegistry<FakeClient, string> } = {};
  const { registry, released } = setup((parked) => {
    const key = parked.keys[0] as string;
    if (!data.has(key)) return false;
    data.delete(key);
    if (parked.command === 'move') {
      data.add('k2');
      holder.registry?.keysWritten(0, ['k2']);
    }
    return true;
  });
  holder.registry = registry;
  registry.park(client('mover'), 0, [], request(['k1']), 'move');
  registry.park(client('reader'), 0, [], request(['k2']), 'pop');
  registry.keysWritten(0, ['k1']);
  assert.deepEqual(released, ['mover', 'reader']);
});
