import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError, RequestParser } from './request-parser.js';
import { EXTERNAL_STRING_MIN_BYTES, externalStringsEnabled, isExternalString } from '../lib/external-strings.js';

function parseAll(parser: RequestParser): string[][] {
  const out: string[][] = [];
  for (let argv = parser.next(); argv !== null; argv = parser.next()) out.push(argv);
  return out;
}

test('parses a pipeline of multibulk commands in one feed', () => {
  const parser = new RequestParser();
  parser.feed(Buffer.from('*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nv1\r\n'));
  assert.deepEqual(parseAll(parser), [['PING'], ['SET', 'k', 'v1']]);
});

test('a frame split at every byte parses the same', () => {
  const bytes = Buffer.from('*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nva\r\nl\r\nPING\r\n');
  const parser = new RequestParser();
  const out: string[][] = [];
  for (let i = 0; i < bytes.length; i++) {
    parser.feed(bytes.subarray(i, i + 1));
    out.push(...parseAll(parser));
  }
  assert.deepEqual(out, [['SET', 'key', 'va\r\nl'], ['PING']]);
});

test('inline commands honour quotes like sdssplitargs', () => {
  const parser = new RequestParser();
  parser.feed(Buffer.from('set "a b" \'c\\\'d\' "\\x41\\n"\n\r\n  \r\nget x\r\n'));
  assert.deepEqual(parseAll(parser), [['set', 'a b', "c'd", 'A\n'], ['get', 'x']]);
});

test('binary bytes survive as latin1', () => {
  const parser = new RequestParser();
  const value = Buffer.from([0, 255, 13, 10, 128]);
  parser.feed(Buffer.concat([Buffer.from('*2\r\n$3\r\nGET\r\n$5\r\n'), value, Buffer.from('\r\n')]));
  const [argv] = parseAll(parser);
  assert.deepEqual(Buffer.from(argv?.[1] ?? '', 'latin1'), value);
});

test('every argument length up to 40 bytes keeps its bytes (each string-building path: tiny, short, medium, slice)', () => {
  const parser = new RequestParser();
  for (let length = 0; length <= 40; length++) {
    // Every byte value appears across the lengths; the first byte varies so cached tiny strings are exercised too.
    const value = Buffer.alloc(length);
    for (let i = 0; i < length; i++) value[i] = (length * 37 + i * 101) & 0xff;
    for (let repeat = 0; repeat < 3; repeat++) {
      parser.feed(Buffer.concat([Buffer.from(`*3\r\n$4\r\nSADD\r\n$${length}\r\n`), value, Buffer.from(`\r\n$${length}\r\n`), value, Buffer.from('\r\n')]));
      const [argv] = parseAll(parser);
      assert.equal(argv?.length, 3, `length ${length}`);
      assert.deepEqual(Buffer.from(argv?.[1] ?? 'x', 'latin1'), value, `length ${length}, second argument`);
      assert.deepEqual(Buffer.from(argv?.[2] ?? 'x', 'latin1'), value, `length ${length}, third argument`);
    }
  }
});

test('a big argument arriving in many chunks is assembled once', () => {
  const parser = new RequestParser();
  const big = 'x'.repeat(1_000_000);
  const frame = Buffer.from(`*2\r\n$3\r\nSET\r\n$${big.length}\r\n${big}\r\n`);
  for (let i = 0; i < frame.length; i += 1000) {
    parser.feed(frame.subarray(i, i + 1000));
    if (i + 1000 < frame.length) assert.equal(parser.next(), null);
  }
  const argv = parser.next();
  assert.equal(argv?.[1]?.length, big.length);
});

test('protocol errors carry Redis messages', () => {
  const cases: Array<[string, string]> = [
    ['*x\r\n', 'Protocol error: invalid multibulk length'],
    ['*1\r\n$-5\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n+PING\r\n', "Protocol error: expected '$', got '+'"],
    ['set "abc\r\n', 'Protocol error: unbalanced quotes in request'],
  ];
  for (const [input, message] of cases) {
    const parser = new RequestParser();
    parser.feed(Buffer.from(input));
    assert.throws(() => parser.next(), (error: unknown) => error instanceof ProtocolError && error.message === message, input);
  }
});

test('oversized inline and header lines are refused', () => {
  const parser = new RequestParser();
  parser.feed(Buffer.alloc(70 * 1024, 'a'));
  assert.throws(() => parser.next(), /too big inline request/);
  const header = new RequestParser();
  header.feed(Buffer.from('*' + '1'.repeat(70 * 1024)));
  assert.throws(() => header.next(), /too big mbulk count string/);
});

test('bulk lengths over proto-max-bulk-len are refused', () => {
  const parser = new RequestParser({ maxBulkLenBytes: 10, maxQueryBufferBytes: 1 << 30 });
  parser.feed(Buffer.from('*1\r\n$11\r\n'));
  assert.throws(() => parser.next(), /invalid bulk length/);
});

test('unauthenticated clients get tighter limits', () => {
  const parser = new RequestParser();
  parser.authenticated = false;
  parser.feed(Buffer.from('*11\r\n'));
  assert.throws(() => parser.next(), /unauthenticated multibulk length/);
  const bulk = new RequestParser();
  bulk.authenticated = false;
  bulk.feed(Buffer.from('*1\r\n$16385\r\n'));
  assert.throws(() => bulk.next(), /unauthenticated bulk length/);
});

test('empty multibulk and blank inline lines are skipped', () => {
  const parser = new RequestParser();
  parser.feed(Buffer.from('*0\r\n*-1\r\n\r\nPING\r\n'));
  assert.deepEqual(parseAll(parser), [['PING']]);
});

test("a bulk header is checked for '$' only once its line is complete, like Redis", () => {
  const parser = new RequestParser();
  parser.feed(Buffer.from('*1\rPING'));
  assert.equal(parser.next(), null);
  parser.feed(Buffer.from('\r\n'));
  assert.throws(() => parser.next(), (error: unknown) => error instanceof ProtocolError && error.message === "Protocol error: expected '$', got 'I'");
});

test('a NUL byte hides the line end (Redis searches with strchr) until the line is too big', () => {
  const inline = new RequestParser();
  inline.feed(Buffer.from('EC\0HO a\r\nPING\r\n'));
  assert.equal(inline.next(), null);
  inline.feed(Buffer.alloc(70 * 1024, 0x61));
  assert.throws(() => inline.next(), (error: unknown) => error instanceof ProtocolError && error.message === 'Protocol error: too big inline request');
  const header = new RequestParser();
  header.feed(Buffer.from('*1\0\r\n$4\r\nPING\r\n'));
  assert.equal(header.next(), null);
});

test("CR or LF where '$' is due shows as a space in the error, as Redis writes it", () => {
  const parser = new RequestParser();
  parser.feed(Buffer.from('*1\r\n\n\r\n'));
  assert.throws(() => parser.next(), (error: unknown) => error instanceof ProtocolError && error.message === "Protocol error: expected '$', got ' '");
});

test('borrowed chunks: what is left unparsed is copied out before the memory is reused', () => {
  // One buffer reused for every read, as a socket reading into the shared buffer does.
  const shared = Buffer.alloc(64 * 1024);
  const parser = new RequestParser();
  const received: string[][] = [];
  const feedBorrowed = (text: string | Buffer, parseBefore = true): void => {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
    bytes.copy(shared);
    parser.feed(shared.subarray(0, bytes.length), true);
    if (parseBefore) received.push(...parseAll(parser));
    parser.releaseBorrowed();
    shared.fill(0x58); // the next read overwrites everything
  };
  const big = 'v'.repeat(100 * 1024); // past BIG_ARG_BYTES: parked in chunks across reads
  const stream = Buffer.from(`*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${big.length}\r\n${big}\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`, 'latin1');
  // Split at awkward places: inside a header, inside the big value (several reads), at the end.
  const cuts = [6, 30, 30 + 40 * 1024, 30 + 80 * 1024, stream.length - 3, stream.length];
  let from = 0;
  for (const cut of cuts) {
    feedBorrowed(stream.subarray(from, cut));
    from = cut;
  }
  assert.deepEqual(received, [['PING'], ['SET', 'k', big], ['GET', 'k']]);
  // Commands held back (not parsed before the release) survive the reuse too.
  feedBorrowed('*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n', false);
  assert.deepEqual(parseAll(parser), [['PING'], ['ECHO', 'hi']]);
});

test('arguments of EXTERNAL_STRING_MIN_BYTES or more become external strings with the same bytes, also when the buffer is reused', () => {
  const parser = new RequestParser();
  const big = Buffer.alloc(EXTERNAL_STRING_MIN_BYTES, 0);
  for (let i = 0; i < big.length; i++) big[i] = (i * 13) & 0xff;
  const small = big.subarray(0, EXTERNAL_STRING_MIN_BYTES - 1);
  const frame = Buffer.concat([
    Buffer.from(`*3\r\n$3\r\nSET\r\n$${big.length}\r\n`),
    big,
    Buffer.from(`\r\n$${small.length}\r\n`),
    small,
    Buffer.from('\r\n'),
  ]);
  // Borrowed: the bytes are overwritten after the commands ran, as the shared read buffer is.
  parser.feed(frame, true);
  const [argv] = parseAll(parser);
  parser.releaseBorrowed();
  frame.fill(0x21);
  assert.ok(argv !== undefined);
  assert.deepEqual(Buffer.from(argv[1] as string, 'latin1'), big);
  assert.deepEqual(Buffer.from(argv[2] as string, 'latin1'), small);
  assert.equal(isExternalString(argv[1] as string), externalStringsEnabled);
  assert.equal(isExternalString(argv[2] as string), false);
});

test('tiny arguments (1-4 bytes, cached by their bytes) keep every byte and their length', () => {
  // Pairs whose packed bytes are equal ("a" and "a\0"), NULs only, high bytes, repeats (a repeat
  // is served from the cache), and a seeded spread of random ones that collide in slots.
  const fixed = ['a', 'a\0', 'a\0\0', 'a\0\0\0', '\0', '\0\0\0\0', '\xff\xff\xff\xff', 'xxx', 'xxx', 'xxx', '1', '10', '100', '1000'];
  let seed = 12345;
  const randomByte = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 24;
  };
  const randoms: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const length = 1 + (randomByte() % 4);
    let text = '';
    for (let j = 0; j < length; j++) text += String.fromCharCode(randomByte());
    randoms.push(text);
  }
  const args = [...fixed, ...randoms, ...randoms.slice(0, 500), ...fixed];
  const parser = new RequestParser();
  const commands = args.map((arg) => ['ECHO', arg]);
  parser.feed(Buffer.concat(commands.map((argv) => Buffer.from(`*2\r\n$4\r\n${argv[0]}\r\n$${argv[1]!.length}\r\n${argv[1]}\r\n`, 'latin1'))));
  assert.deepEqual(parseAll(parser), commands);
});
