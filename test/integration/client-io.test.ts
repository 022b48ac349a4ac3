import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { nativeClientIo } from '../../src/server/native-client-io.js';
import { connectIoredis } from '../support/clients.js';
import { startTessera, startTesseraProcess } from '../support/tessera.js';

// Client I/O has two paths (docs/native-io.md): the native batch reader (native/socket-io.cc),
// used when the module is built, and Node's sockets (TESSERA_NATIVE_IO=off, or no module). Each
// behaviour below runs against a node process on both.

const modes = [
  { name: 'native I/O', env: { ...process.env, TESSERA_NATIVE_IO: 'on' } },
  { name: "Node's sockets", env: { ...process.env, TESSERA_NATIVE_IO: 'off' } },
];

function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Reads from `socket` until `done(bytesSoFar)` holds, or fails after timeoutMs. */
function readUntil(socket: Socket, done: (bytes: Buffer) => boolean, timeoutMs: number, what: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const timer = setTimeout(() => finish(new Error(`${what}: not complete after ${timeoutMs} ms (${total} bytes)`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (done(Buffer.concat(chunks, total))) finish(null);
    };
    const onClose = () => finish(done(Buffer.concat(chunks, total)) ? null : new Error(`${what}: closed after ${total} bytes`));
    function finish(error: Error | null) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, total));
    }
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

/** Everything `socket` receives until the peer closes it; fails after timeoutMs. */
function readUntilClosed(socket: Socket, timeoutMs: number, what: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error(`${what}: connection still open after ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

function closedWithin(socket: Socket, timeoutMs: number, what: string): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: connection still open after ${timeoutMs} ms`)), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

test('the native client I/O module is built and loaded (npm ci builds it: scripts/build-native.mjs)', () => {
  if (process.env.TESSERA_NATIVE_IO === 'off') {
    assert.equal(nativeClientIo, undefined);
    return;
  }
  assert.ok(nativeClientIo !== undefined, 'native/build/Release/tessera_io.node did not load: run `node scripts/build-native.mjs` and read its output');
});

test('native I/O: closed clients release their connection in the module', async (t) => {
  if (nativeClientIo === undefined) {
    t.skip('native client I/O not loaded');
    return;
  }
  const io = nativeClientIo;
  const node = await startTessera();
  t.after(() => node.stop());
  const before = io.connections;
  const sockets = await Promise.all(Array.from({ length: 5 }, () => connected(node.port)));
  const client = await connectIoredis(t, node.port);
  assert.equal(await client.ping(), 'PONG');
  assert.equal(io.connections, before + 6);
  for (const socket of sockets) socket.destroy();
  // The node learns of each close from a read of end-of-stream: wait for it, bounded.
  const deadlineMs = Date.now() + 5000;
  while (io.connections !== before + 1 && Date.now() < deadlineMs) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(io.connections, before + 1, 'the five closed clients are gone from the module');
  client.disconnect();
  while (io.connections !== before && Date.now() < deadlineMs + 5000) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(io.connections, before);
});

for (const mode of modes) {
  test(`${mode.name}: 2,000 pipelined commands sent a few bytes at a time are answered in order`, async (t) => {
    const node = await startTesseraProcess([], mode.env);
    t.after(() => node.stop());
    const socket = await connected(node.port);
    t.after(() => socket.destroy());
    const count = 2000;
    let request = '';
    for (let i = 0; i < count; i++) request += `*3\r\n$3\r\nSET\r\n$${`k${i}`.length}\r\nk${i}\r\n$${`${i}`.length}\r\n${i}\r\n*2\r\n$3\r\nGET\r\n$${`k${i}`.length}\r\nk${i}\r\n`;
    let expected = '';
    for (let i = 0; i < count; i++) expected += `+OK\r\n$${`${i}`.length}\r\n${i}\r\n`;
    const reply = readUntil(socket, (bytes) => bytes.length >= expected.length, 20_000, 'pipelined replies');
    const bytes = Buffer.from(request, 'latin1');
    // Uneven pieces: frames split at arbitrary bytes across many reads.
    for (let offset = 0, step = 1; offset < bytes.length; offset += step, step = (step * 7 + 3) % 4096 || 1) {
      socket.write(bytes.subarray(offset, offset + step));
    }
    assert.equal((await reply).toString('latin1'), expected);
  });

  test(`${mode.name}: a 16 MB reply to a client that stops reading arrives whole; others are served meanwhile`, async (t) => {
    const node = await startTesseraProcess([], mode.env);
    t.after(() => node.stop());
    const client = await connectIoredis(t, node.port);
    const value = Buffer.alloc(16 * 1024 * 1024);
    for (let i = 0; i < value.length; i++) value[i] = (i * 31 + (i >> 12)) & 0xff;
    assert.equal(await client.set('big', value), 'OK');
    const slow = await connected(node.port);
    t.after(() => slow.destroy());
    slow.pause();
    slow.write('*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n');
    // The node cannot write 16 MB into the socket while the peer does not read: the rest waits
    // in the node, which meanwhile answers other clients.
    for (let i = 0; i < 20; i++) assert.equal(await client.ping(), 'PONG');
    const info = await client.client('LIST');
    assert.match(String(info), /cmd=get/);
    const header = Buffer.from(`$${value.length}\r\n`, 'latin1');
    const received = readUntil(slow, (bytes) => bytes.length >= header.length + value.length + 2, 30_000, 'the 16 MB reply');
    slow.resume();
    const bytes = await received;
    assert.equal(bytes.length, header.length + value.length + 2);
    assert.ok(bytes.subarray(0, header.length).equals(header), 'bulk header');
    assert.ok(bytes.subarray(header.length, header.length + value.length).equals(value), 'the value, byte for byte');
    assert.equal(bytes.subarray(header.length + value.length).toString('latin1'), '\r\n');
  });

  test(`${mode.name}: QUIT answers, then closes; commands after it in the same write are not run`, async (t) => {
    const node = await startTesseraProcess([], mode.env);
    t.after(() => node.stop());
    const socket = await connected(node.port);
    t.after(() => socket.destroy());
    const everything = readUntilClosed(socket, 5000, 'after QUIT');
    socket.write('*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nQUIT\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n');
    assert.equal((await everything).toString('latin1'), '+PONG\r\n+OK\r\n');
    const client = await connectIoredis(t, node.port);
    assert.equal(await client.exists('after'), 0);
  });

  test(`${mode.name}: a protocol error answers and closes that client only`, async (t) => {
    const node = await startTesseraProcess([], mode.env);
    t.after(() => node.stop());
    const client = await connectIoredis(t, node.port);
    const bad = await connected(node.port);
    t.after(() => bad.destroy());
    const closed = closedWithin(bad, 5000, 'after a protocol error');
    const reply = readUntil(bad, (bytes) => bytes.includes('\r\n'), 5000, 'protocol error reply');
    bad.write('*1\r\n$x\r\n');
    assert.match((await reply).toString('latin1'), /^-ERR Protocol error: invalid bulk length\r\n/);
    await closed;
    assert.equal(await client.ping(), 'PONG');
  });

  test(`${mode.name}: a client gone mid-reply, and CLIENT KILL, leave the node serving`, async (t) => {
    const node = await startTesseraProcess([], mode.env);
    t.after(() => node.stop());
    const client = await connectIoredis(t, node.port);
    assert.equal(await client.set('big', Buffer.alloc(8 * 1024 * 1024, 7)), 'OK');
    for (let i = 0; i < 5; i++) {
      const leaver = await connected(node.port);
      leaver.write('*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n');
      // Gone after the first bytes of the reply: the node's remaining write fails.
      await readUntil(leaver, (bytes) => bytes.length > 0, 5000, 'first reply bytes');
      leaver.destroy();
    }
    const victim = await connected(node.port);
    const victimClosed = closedWithin(victim, 5000, 'CLIENT KILL');
    victim.write('*2\r\n$6\r\nCLIENT\r\n$2\r\nID\r\n');
    const idReply = (await readUntil(victim, (bytes) => bytes.includes('\r\n'), 5000, 'CLIENT ID')).toString('latin1');
    const id = /^:(\d+)\r\n/.exec(idReply)?.[1];
    assert.ok(id !== undefined, idReply);
    assert.equal(await client.client('KILL', 'ID', id), 1);
    await victimClosed;
    assert.equal(await client.ping(), 'PONG');
    assert.equal(await client.strlen('big'), 8 * 1024 * 1024);
  });
}
