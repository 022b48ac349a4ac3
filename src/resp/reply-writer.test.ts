import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyWriter } from './reply-writer.js';
import { ReplyParser } from './reply-parser.js';

function text(writer: ReplyWriter): string {
  return writer.take().toString('latin1');
}

test('RESP2 encodings', () => {
  const w = new ReplyWriter();
  w.simple('OK');
  w.error('ERR bad');
  w.integer(-42);
  w.integer(9223372036854775807n);
  w.bulk('a\r\nb');
  w.bulk('');
  w.null();
  w.nullArray();
  w.array(2);
  w.map(1);
  w.set(3);
  w.double(1.5);
  w.bool(true);
  w.verbatim('hi');
  assert.equal(
    text(w),
    '+OK\r\n-ERR bad\r\n:-42\r\n:9223372036854775807\r\n$4\r\na\r\nb\r\n$0\r\n\r\n$-1\r\n*-1\r\n*2\r\n*2\r\n*3\r\n$3\r\n1.5\r\n:1\r\n$2\r\nhi\r\n',
  );
});

test('RESP3 encodings', () => {
  const w = new ReplyWriter();
  w.protocol = 3;
  w.null();
  w.nullArray();
  w.map(1);
  w.set(3);
  w.push(2);
  w.double(1.5);
  w.double(-Infinity);
  w.bool(false);
  w.verbatim('hi');
  assert.equal(text(w), '_\r\n_\r\n%1\r\n~3\r\n>2\r\n,1.5\r\n,-inf\r\n#f\r\n=6\r\ntxt:hi\r\n');
});

test('bytes are written as latin1 and survive a round trip', () => {
  const w = new ReplyWriter();
  const binary = Buffer.from([0, 1, 200, 255]).toString('latin1');
  w.bulk(binary);
  const parser = new ReplyParser();
  parser.feed(w.take());
  assert.deepEqual(parser.next(), { type: 'bulk', value: binary });
});

test('grows past its initial buffer and keeps handed-out bytes intact', () => {
  const w = new ReplyWriter();
  w.bulk('first');
  const first = w.take();
  const big = 'x'.repeat(100_000);
  w.bulk(big);
  const second = w.take();
  assert.equal(first.toString('latin1'), '$5\r\nfirst\r\n');
  assert.equal(second.length, big.length + 2 + 6 + 2 + 1);
});

test('truncateTo drops replies written after a mark (CLIENT REPLY OFF)', () => {
  const w = new ReplyWriter();
  w.simple('keep');
  const mark = w.mark;
  w.simple('drop');
  w.truncateTo(mark);
  assert.equal(text(w), '+keep\r\n');
});

test('a reply past MAX_PENDING_REPLY_BYTES is refused with ReplyTooLargeError', async () => {
  const { MAX_PENDING_REPLY_BYTES, ReplyTooLargeError } = await import('./reply-writer.js');
  const w = new ReplyWriter();
  const chunk = 'x'.repeat(64 * 1024 * 1024);
  assert.throws(() => {
    for (let written = 0; written <= MAX_PENDING_REPLY_BYTES; written += chunk.length) w.bulk(chunk);
  }, ReplyTooLargeError);
});

test('truncateTo still works after the buffer grew past its first allocation', () => {
  const w = new ReplyWriter();
  w.simple('before');
  w.take();
  w.simple('keep');
  const mark = w.mark;
  w.bulk('y'.repeat(200_000)); // forces a reallocation that moves the pending bytes
  w.truncateTo(mark);
  assert.equal(text(w), '+keep\r\n');
});

test('consume: a partial write leaves the rest pending; a full one restarts the buffer at 0', () => {
  const w = new ReplyWriter();
  w.simple('OK');
  w.integer(7);
  const pending = (): string => w.pendingBuffer.toString('latin1', w.pendingStart, w.pendingStart + w.pendingBytes);
  assert.equal(pending(), '+OK\r\n:7\r\n');
  w.consume(3);
  assert.equal(pending(), '\r\n:7\r\n', 'the bytes not written stay, in order');
  w.simple('X');
  assert.equal(pending(), '\r\n:7\r\n+X\r\n', 'later replies follow them');
  w.consume(w.pendingBytes);
  assert.equal(w.pendingBytes, 0);
  assert.equal(w.pendingStart, 0, 'nothing pending: the buffer is written from its start again');
  w.bulk('a');
  assert.equal(pending(), '$1\r\na\r\n');
  assert.equal(text(w), '$1\r\na\r\n', 'take() still hands out exactly the pending bytes');
});
