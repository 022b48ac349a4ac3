import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { encodeMessage } from './codec.js';
import { HEADER, HEADER_BYTES, MessageType, NodeFlag } from './constants.js';
import { ClusterBus, type BusEvents, type BusLink } from './links.js';
import type { ClusterMessage } from './message.js';
import { emptySlotBitmap } from '../slot-bitmap.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const WAIT_MS = 5000;

function ping(senderId: string, type: number = MessageType.ping): ClusterMessage {
  return {
    header: {
      type,
      port: 7000,
      pport: 0,
      cport: 17000,
      currentEpoch: 1,
      configEpoch: 0,
      replicationOffset: 0,
      senderId,
      slotBitmap: emptySlotBitmap(),
      masterId: null,
      announcedIp: '',
      nodeFlags: NodeFlag.master,
      clusterState: 0,
      messageFlags: 0,
    },
    body: { kind: 'ping', gossip: [], extensions: [] },
  };
}

/** A bus whose events are recorded and can be awaited. */
class Recorder implements BusEvents {
  readonly events: string[] = [];
  readonly messages: Array<{ link: BusLink; message: ClusterMessage }> = [];
  readonly logs: string[] = [];
  #waiters: Array<() => void> = [];

  linkUp(link: BusLink): void {
    this.#push(`up ${link.id}`);
  }
  linkDown(link: BusLink, reason: string): void {
    this.#push(`down ${link.id} ${reason}`);
  }
  inboundAccepted(link: BusLink): void {
    this.#push(`accepted ${link.id}`);
  }
  message(link: BusLink, message: ClusterMessage): void {
    this.messages.push({ link, message });
    this.#push(`message ${message.header.type} from ${message.header.senderId.slice(0, 1)}`);
  }
  log = (_level: string, message: string): void => {
    this.logs.push(message);
    this.#wake();
  };

  #push(event: string): void {
    this.events.push(event);
    this.#wake();
  }
  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  /** Resolves once `predicate` holds; fails after WAIT_MS with what was seen. */
  async until(predicate: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`timed out waiting for ${what}; events: ${JSON.stringify(this.events)} logs: ${JSON.stringify(this.logs)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

async function startBus(t: TestContext, options: { listen?: boolean; sendBufferBytesMax?: number; port?: number } = {}) {
  const recorder = new Recorder();
  const bus = new ClusterBus({
    events: recorder,
    log: recorder.log,
    nowMs: () => Date.now(),
    reconnectDelayMsMin: 20,
    reconnectDelayMsMax: 100,
    sendBufferBytesMax: options.sendBufferBytesMax ?? 0,
  });
  if (options.listen !== false) await bus.listen(['127.0.0.1'], options.port ?? 0);
  t.after(() => bus.close());
  return { bus, recorder };
}

const connected = (bus: ClusterBus, linkId: string) => bus.link(linkId)?.connected === true;

test('two buses exchange encoded messages over an outbound and an inbound link', async (t) => {
  const server = await startBus(t);
  const client = await startBus(t, { listen: false });
  client.bus.connect('out:1', '127.0.0.1', server.bus.boundPort);
  await client.recorder.until(() => connected(client.bus, 'out:1'), 'the outbound link');
  assert.equal(client.bus.link('out:1')!.localIp, '127.0.0.1');
  assert.ok(client.bus.send('out:1', encodeMessage(ping(A, MessageType.meet))));
  await server.recorder.until(() => server.recorder.messages.length === 1, 'the MEET');
  const received = server.recorder.messages[0]!;
  assert.equal(received.message.header.type, MessageType.meet);
  assert.equal(received.message.header.senderId, A);
  assert.equal(received.link.direction, 'inbound');
  assert.equal(received.link.id, 'in:1');
  assert.equal(received.link.remoteIp, '127.0.0.1');

  // The answer goes back on the inbound link the MEET came in on.
  assert.ok(server.bus.send(received.link.id, encodeMessage(ping(B, MessageType.pong))));
  await client.recorder.until(() => client.recorder.messages.length === 1, 'the PONG');
  assert.equal(client.recorder.messages[0]!.message.header.type, MessageType.pong);
  assert.equal(client.recorder.messages[0]!.link.id, 'out:1');
  assert.equal(client.bus.sentByType[MessageType.meet], 1);
  assert.equal(server.bus.receivedByType[MessageType.meet], 1);
  assert.deepEqual(server.recorder.events, ['accepted in:1', 'message 2 from a']);
});

test('frames split across many small writes are put back together', async (t) => {
  const server = await startBus(t);
  const socket = connect(server.bus.boundPort, '127.0.0.1');
  t.after(() => socket.destroy());
  const frames = Buffer.concat([encodeMessage(ping(A)), encodeMessage(ping(A))]);
  for (let at = 0; at < frames.length; at += 1000) socket.write(frames.subarray(at, at + 1000));
  await server.recorder.until(() => server.recorder.messages.length === 2, 'two PINGs');
});

test('connects to an address that keeps failing back off; a peer that comes back is reached', async (t) => {
  const server = await startBus(t);
  const port = server.bus.boundPort;
  const client = await startBus(t, { listen: false });
  client.bus.connect('out:1', '127.0.0.1', port);
  await client.recorder.until(() => connected(client.bus, 'out:1'), 'the first link');
  await server.bus.close();
  await client.recorder.until(() => client.recorder.events.includes('down out:1 connection closed'), 'the link to drop');
  // Like the state machine: ask for a new link each time the previous one is gone.
  const attemptTimes: number[] = [];
  for (let n = 2; n <= 5; n++) {
    client.bus.connect(`out:${n}`, '127.0.0.1', port);
    await client.recorder.until(() => client.recorder.events.some((e) => e.startsWith(`down out:${n} connect failed`)), `attempt ${n} to fail`);
    attemptTimes.push(Date.now());
  }
  const gaps = attemptTimes.slice(1).map((at, i) => at - attemptTimes[i]!);
  assert.ok(gaps[2]! >= 70, `the backoff grows to the 100 ms cap: gaps ${gaps}`);
  const again = await startBus(t, { port });
  client.bus.connect('out:6', '127.0.0.1', port);
  await client.recorder.until(() => connected(client.bus, 'out:6'), 'the link to come back');
  assert.ok(client.bus.send('out:6', encodeMessage(ping(A))));
  await again.recorder.until(() => again.recorder.messages.length === 1, 'a PING over the new link');
});

test('closeLink aborts a pending connect and reports nothing', async (t) => {
  const client = await startBus(t, { listen: false });
  const nobody = await startBus(t);
  const port = nobody.bus.boundPort;
  await nobody.bus.close();
  client.bus.connect('out:1', '127.0.0.1', port);
  await client.recorder.until(() => client.recorder.events.length >= 1, 'a failed connect');
  client.bus.connect('out:2', '127.0.0.1', port);
  client.bus.closeLink('out:2');
  assert.equal(client.bus.link('out:2'), undefined);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(client.recorder.events.length, 1, 'nothing about out:2');
});

test('a bad signature closes the link', async (t) => {
  const server = await startBus(t);
  const socket = connect(server.bus.boundPort, '127.0.0.1');
  t.after(() => socket.destroy());
  const frame = encodeMessage(ping(A));
  frame.write('XXXX', 0, 'latin1');
  socket.write(frame);
  await server.recorder.until(() => server.recorder.events.some((e) => e.startsWith('down in:1')), 'the link to close');
  assert.match(server.recorder.logs.join('\n'), /bad signature/);
  assert.equal(server.bus.links().length, 0);
});

test('a frame shorter than the header closes the link', async (t) => {
  const server = await startBus(t);
  const socket = connect(server.bus.boundPort, '127.0.0.1');
  t.after(() => socket.destroy());
  const prefix = Buffer.alloc(8);
  prefix.write('RCmb', 0, 'latin1');
  prefix.writeUInt32BE(100, 4);
  socket.write(prefix);
  await server.recorder.until(() => server.recorder.events.some((e) => e.startsWith('down in:1')), 'the link to close');
  assert.match(server.recorder.logs.join('\n'), /below the 2256-byte header/);
});

test('a frame whose length does not fit its type is dropped and the link stays', async (t) => {
  const server = await startBus(t);
  const socket = connect(server.bus.boundPort, '127.0.0.1');
  t.after(() => socket.destroy());
  // A PING claiming one gossip entry but carrying none: totlen is consistent, the body is not.
  const bad = encodeMessage(ping(A));
  bad.writeUInt16BE(1, HEADER.count.offset);
  socket.write(Buffer.concat([bad, encodeMessage(ping(A))]));
  await server.recorder.until(() => server.recorder.messages.length === 1, 'the good PING after the bad one');
  assert.match(server.recorder.logs.join('\n'), /Dropping a cluster bus frame/);
  assert.equal(server.bus.links().length, 1);
  assert.equal(bad.length, HEADER_BYTES);
});

test('a link over its send buffer limit is closed with a log line', async (t) => {
  const server = await startBus(t);
  const client = await startBus(t, { listen: false, sendBufferBytesMax: 10_000 });
  client.bus.connect('out:1', '127.0.0.1', server.bus.boundPort);
  await client.recorder.until(() => connected(client.bus, 'out:1'), 'the outbound link');
  // One small frame fits; a PUBLISH bigger than the limit would pass it.
  assert.ok(client.bus.send('out:1', encodeMessage(ping(A))));
  const big: ClusterMessage = {
    header: { ...ping(A).header, type: MessageType.publish },
    body: { kind: 'publish', channel: 'c', message: 'x'.repeat(20_000) },
  };
  assert.equal(client.bus.send('out:1', encodeMessage(big)), false);
  assert.match(client.recorder.logs.join('\n'), /Freeing cluster link out:1 \(127\.0\.0\.1\): its send buffer/);
  assert.equal(client.bus.link('out:1'), undefined);
  assert.equal(client.bus.linksOverSendLimit, 1);
  assert.ok(client.recorder.events.includes('down out:1 send buffer limit'));
});
