import { splitArgs } from './split-args.js';
import { EXTERNAL_STRING_MIN_BYTES, largeLatin1 } from '../lib/external-strings.js';
import {
  BIG_ARG_BYTES,
  INLINE_MAX_BYTES,
  UNAUTHENTICATED_MAX_ARGS,
  UNAUTHENTICATED_MAX_BULK_BYTES,
  defaultRequestLimits,
  type RequestLimits,
} from './limits.js';

/** What `next()` gives back when the stream is broken: the reply text, then close the client. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  /** True when Redis closes without replying (query buffer overflow). */
  readonly silent: boolean;
  constructor(message: string, silent = false) {
    super(message);
    this.silent = silent;
  }
}

const CR = 13;
const LF = 10;
const EMPTY = Buffer.alloc(0);
/** Multibulks up to this many arguments get an array of their exact size up front. */
const PRESIZED_MAX_ARGS = 1024;
/** The argument array between commands (never written: each multibulk replaces it). */
const NO_ARGS: string[] = [];

/**
 * Incremental parser of client requests (RESP multibulk and inline commands). Pull-based:
 * `feed()` appends bytes, `next()` returns one command at a time, so state that changes between
 * commands (AUTH, CLIENT PAUSE, QUIT) applies to the rest of the same read, as in Redis.
 * Arguments are latin1 strings: one char per byte, binary safe.
 */
export class RequestParser {
  #buf: Buffer = EMPTY;
  #pos = 0;
  /** #buf is a borrowed chunk (see feed): it must be copied before the caller returns. */
  #borrowed = false;
  /** Arguments still expected by the multibulk in progress; 0 when between commands. */
  #argsRemaining = 0;
  /** The arguments of the multibulk in progress: presized to its count (see next()). */
  #args: string[] = NO_ARGS;
  /** The count of the multibulk in progress (its header's number). */
  #argCount = 0;
  /** Length of the bulk string being read, or -1 when a `$` header is expected next. */
  #bulkLen = -1;
  /** Chunks of a big bulk argument, joined once complete (avoids quadratic concatenation). */
  #bigChunks: Buffer[] = [];
  #bigBytes = 0;
  #limits: RequestLimits;
  /** Redis applies tighter limits before a client authenticates. */
  authenticated = true;

  constructor(limits: RequestLimits = defaultRequestLimits) {
    this.#limits = limits;
  }

  setLimits(limits: RequestLimits): void {
    this.#limits = limits;
  }

  /** Bytes received and not parsed yet (Redis's query buffer length). */
  get bufferedBytes(): number {
    return this.#buf.length - this.#pos + this.#bigBytes;
  }

  /**
   * Appends received bytes. `borrowed`: the chunk's memory is reused once the caller returns
   * (a socket reading into a shared buffer): the caller runs the commands, then calls
   * releaseBorrowed(), which copies what is still unparsed.
   */
  feed(chunk: Buffer, borrowed = false): void {
    if (this.#bulkLen >= BIG_ARG_BYTES && this.#buf.length - this.#pos + this.#bigBytes + chunk.length < this.#bulkLen + 2) {
      // Still short of a big argument: park the chunk, no copy yet (a borrowed one is copied).
      if (this.#pos < this.#buf.length) {
        this.#bigChunks.push(this.#borrowed ? Buffer.from(this.#buf.subarray(this.#pos)) : this.#buf.subarray(this.#pos));
        this.#bigBytes += this.#buf.length - this.#pos;
      }
      this.#bigChunks.push(borrowed ? Buffer.from(chunk) : chunk);
      this.#bigBytes += chunk.length;
      this.#buf = EMPTY;
      this.#pos = 0;
      this.#borrowed = false;
      return;
    }
    if (this.#bigChunks.length > 0) {
      this.#bigChunks.push(this.#buf.subarray(this.#pos), chunk);
      this.#buf = Buffer.concat(this.#bigChunks);
      this.#bigChunks = [];
      this.#bigBytes = 0;
      this.#pos = 0;
      this.#borrowed = false;
    } else if (this.#pos >= this.#buf.length) {
      this.#buf = chunk;
      this.#pos = 0;
      this.#borrowed = borrowed;
    } else {
      this.#buf = Buffer.concat([this.#buf.subarray(this.#pos), chunk]);
      this.#pos = 0;
      this.#borrowed = false;
    }
  }

  /**
   * After a borrowed chunk's commands ran: the bytes not parsed yet (a partial command, or
   * commands held back by a pause or a blocked client) are copied out of the borrowed memory.
   */
  releaseBorrowed(): void {
    if (!this.#borrowed) return;
    this.#borrowed = false;
    this.#buf = this.#pos < this.#buf.length ? Buffer.from(this.#buf.subarray(this.#pos)) : EMPTY;
    this.#pos = 0;
  }

  /**
   * The next complete command, or null when more bytes are needed. Throws ProtocolError when
   * the stream is broken; the caller replies with its message and closes the connection.
   */
  next(): string[] | null {
    while (true) {
      if (this.bufferedBytes > this.#limits.maxQueryBufferBytes) {
        throw new ProtocolError('Closing client that reached max query buffer length', true);
      }
      if (this.#pos >= this.#buf.length) return null;
      if (this.#argsRemaining === 0) {
        if (this.#buf[this.#pos] !== 0x2a /* '*' */) {
          const inline = this.#nextInline();
          if (inline === null) return null;
          if (inline.length === 0) continue;
          return inline;
        }
        const count = this.#readHeaderNumber('mbulk');
        if (count === null) return null;
        if (count > 2147483647) throw new ProtocolError('Protocol error: invalid multibulk length');
        if (count > UNAUTHENTICATED_MAX_ARGS && !this.authenticated) {
          throw new ProtocolError('Protocol error: unauthenticated multibulk length');
        }
        if (count <= 0) continue;
        this.#argsRemaining = count;
        this.#argCount = count;
        // Presized, so the array is allocated once at its size (an empty array grown by push
        // takes a 17-slot backing store: ~150 bytes of garbage per command, a third of all a
        // SET allocated). A huge count is not trusted: that array grows as arguments arrive.
        this.#args = count <= PRESIZED_MAX_ARGS ? new Array<string>(count) : [];
      }
      const done = this.#readBulks();
      if (!done) return null;
      const args = this.#args;
      this.#args = NO_ARGS;
      return args;
    }
  }

  /** Reads `$len\r\n<bytes>\r\n` items of the current multibulk; true when all are in. */
  #readBulks(): boolean {
    const buf = this.#buf;
    while (this.#argsRemaining > 0) {
      if (this.#bulkLen === -1) {
        if (this.#pos >= buf.length) return false;
        const len = this.#readHeaderNumber('bulk');
        if (len === null) return false;
        if (len < 0 || len > this.#limits.maxBulkLenBytes) throw new ProtocolError('Protocol error: invalid bulk length');
        if (len > UNAUTHENTICATED_MAX_BULK_BYTES && !this.authenticated) {
          throw new ProtocolError('Protocol error: unauthenticated bulk length');
        }
        this.#bulkLen = len;
      }
      const end = this.#pos + this.#bulkLen;
      if (end + 2 > buf.length) return false;
      const len = this.#bulkLen;
      let arg: string;
      if (len >= EXTERNAL_STRING_MIN_BYTES) arg = largeLatin1(buf, this.#pos, end);
      else if (len > 24) arg = buf.latin1Slice(this.#pos, end);
      else if (len > 16) arg = mediumLatin1(buf, this.#pos, len);
      else if (this.#argsRemaining === this.#argCount && len > 0) arg = commandName(buf, this.#pos, len);
      else if (len <= TINY_ARG_MAX_BYTES && len > 0) arg = tinyArg(buf, this.#pos, len);
      else arg = shortLatin1(buf, this.#pos, len);
      if (this.#argCount <= PRESIZED_MAX_ARGS) this.#args[this.#argCount - this.#argsRemaining] = arg;
      else this.#args.push(arg);
      this.#pos = end + 2;
      this.#bulkLen = -1;
      this.#argsRemaining--;
    }
    return true;
  }

  /**
   * Parses the number after `*` or `$` up to CR. Returns null when the line is incomplete.
   * Like Redis's string2ll: an optional '-', digits, no leading zeros or spaces, fits in 64 bits.
   */
  #readHeaderNumber(kind: 'mbulk' | 'bulk'): number | null {
    const buf = this.#buf;
    const start = this.#pos + 1;
    // Fast path: the right marker, plain digits, then CR LF, parsed in one pass (by far the
    // common case). Anything else takes the exact path below.
    const length = buf.length;
    if (kind === 'mbulk' || buf[this.#pos] === 0x24 /* '$' */) {
      let i = start;
      let fast = 0;
      while (i < length && i - start < 18) {
        const d = (buf[i] as number) - 48;
        if (d < 0 || d > 9) break;
        fast = fast * 10 + d;
        i++;
      }
      if (i > start && i + 1 < length && buf[i] === CR && !(buf[start] === 48 && i > start + 1)) {
        this.#pos = i + 2;
        return fast;
      }
    }
    const cr = findInCString(buf, CR, this.#pos);
    if (cr === -1) {
      if (buf.length - this.#pos > INLINE_MAX_BYTES) {
        throw new ProtocolError(`Protocol error: too big ${kind} count string`);
      }
      return null;
    }
    if (cr + 1 >= buf.length) return null; // the LF has not arrived yet
    // Like Redis, the '$' is checked only once the whole header line is in.
    const marker = buf[this.#pos] as number;
    if (kind === 'bulk' && marker !== 0x24 /* '$' */) {
      // Redis maps CR and LF in error text to spaces (addReplyErrorFormat).
      const shown = marker === CR || marker === LF ? ' ' : String.fromCharCode(marker);
      throw new ProtocolError(`Protocol error: expected '$', got '${shown}'`);
    }
    const value = parseStrictInteger(buf, start, cr);
    if (value === null) {
      throw new ProtocolError(kind === 'mbulk' ? 'Protocol error: invalid multibulk length' : 'Protocol error: invalid bulk length');
    }
    this.#pos = cr + 2;
    return value;
  }

  #nextInline(): string[] | null {
    const buf = this.#buf;
    const lf = findInCString(buf, LF, this.#pos);
    if (lf === -1) {
      if (buf.length - this.#pos > INLINE_MAX_BYTES) throw new ProtocolError('Protocol error: too big inline request');
      return null;
    }
    let end = lf;
    if (end > this.#pos && buf[end - 1] === CR) end--;
    const line = buf.latin1Slice(this.#pos, end);
    this.#pos = lf + 1;
    const args = splitArgs(line);
    if (args === null) throw new ProtocolError('Protocol error: unbalanced quotes in request');
    return args;
  }
}

/**
 * Redis looks for line ends with strchr() on its NUL-terminated query buffer, so a NUL byte
 * before the line end hides it: the line counts as incomplete (until it grows too big).
 */
function findInCString(buf: Buffer, byte: number, from: number): number {
  const at = buf.indexOf(byte, from);
  if (at === -1) return -1;
  // Only the bytes before the match are scanned, so a long pipeline stays linear.
  return buf.subarray(from, at).indexOf(0) === -1 ? at : -1;
}

/** Slots of the cache of recent command names (a power of two). */
const NAME_SLOTS = 64;
/** Recent first arguments (command names), shared by all parsers: see commandName(). */
const recentNames: string[] = new Array<string>(NAME_SLOTS).fill('');

/**
 * The first argument of a command (1-16 bytes): the same string as the last time these bytes
 * came, if its cache slot still holds them. A command name is then neither allocated nor built
 * (a compare of a few bytes instead), and the command table's own name cache, which uses the
 * same slot formula, matches it by identity.
 */
function commandName(b: Buffer, p: number, length: number): string {
  const slot = (length * 31 + (b[p] as number) * 7 + (b[p + length - 1] as number)) & (NAME_SLOTS - 1);
  const cached = recentNames[slot] as string;
  if (cached.length === length) {
    let i = 0;
    while (i < length && cached.charCodeAt(i) === b[p + i]) i++;
    if (i === length) return cached;
  }
  const made = shortLatin1(b, p, length);
  recentNames[slot] = made;
  return made;
}

/** Arguments up to this length are looked up in the tiny-argument cache (see tinyArg). */
const TINY_ARG_MAX_BYTES = 4;
/** Slots of the tiny-argument cache (a power of two). */
const TINY_SLOTS = 256;
/** Per slot: the cached string ('' when empty), and its bytes packed as tinyArg packs them. */
const tinyStrings: string[] = new Array<string>(TINY_SLOTS).fill('');
const tinyKeys = new Int32Array(TINY_SLOTS);
/** Per slot: the last argument that missed (packed bytes, length); a second miss caches it. */
const tinyMissKeys = new Int32Array(TINY_SLOTS);
const tinyMissLengths = new Uint8Array(TINY_SLOTS);

/**
 * An argument of 1-4 bytes (small numbers, flags, short values such as "1" or "ok"): when the
 * same bytes came recently, the same string as then, as Redis shares its small integer objects.
 * A value written over and over is then one string, not a new one per write that survives into
 * the old generation and dies there. An argument enters the cache only when it misses twice in
 * a row in its slot: varied arguments then cost a packed compare and two typed-array stores, not
 * a write of each new string into the cache (measured: docs/performance-notes.md, session 8).
 */
function tinyArg(b: Buffer, p: number, length: number): string {
  // The bytes in one int32; the length is compared apart ("a" and "a\0" pack alike).
  let key = b[p] as number;
  if (length > 1) key |= (b[p + 1] as number) << 8;
  if (length > 2) key |= (b[p + 2] as number) << 16;
  if (length > 3) key |= (b[p + 3] as number) << 24;
  const mixed = Math.imul(key ^ length, 0x9e3779b1);
  const slot = (mixed ^ (mixed >>> 16)) & (TINY_SLOTS - 1);
  const cached = tinyStrings[slot] as string;
  // An empty slot holds '' (length 0), which no 1-4 byte argument matches.
  if (tinyKeys[slot] === key && cached.length === length) return cached;
  const made = shortLatin1(b, p, length);
  if (tinyMissKeys[slot] === key && tinyMissLengths[slot] === length) {
    tinyKeys[slot] = key;
    tinyStrings[slot] = made;
  } else {
    tinyMissKeys[slot] = key;
    tinyMissLengths[slot] = length;
  }
  return made;
}

/**
 * A string of at most 16 bytes (command names, small numbers, typical keys): String.fromCharCode
 * with a fixed number of arguments beats the native slice call's fixed cost (measured: 16 bytes
 * 27 ns against 52 ns for latin1Slice; ~40 ns saved per argument of 4 bytes or less).
 */
function shortLatin1(b: Buffer, p: number, length: number): string {
  const c = String.fromCharCode;
  switch (length) {
    case 0:
      return '';
    case 1:
      return c(b[p] as number);
    case 2:
      return c(b[p] as number, b[p + 1] as number);
    case 3:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number);
    case 4:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number);
    default:
      return longerShortLatin1(b, p, length);
  }
}

/**
 * shortLatin1 for 5 to 16 bytes: one fromCharCode call of exactly that arity. The byte reads are
 * written out: a helper closure here was not inlined (too many call sites), so each byte cost a
 * call and each argument a closure allocation (perf: 5.8% of the node's CPU under PFADD).
 */
function longerShortLatin1(b: Buffer, p: number, length: number): string {
  const c = String.fromCharCode;
  switch (length) {
    case 5:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number);
    case 6:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number);
    case 7:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number);
    case 8:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number);
    case 9:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number, b[p + 8] as number);
    case 10:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number, b[p + 8] as number, b[p + 9] as number);
    case 11:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number, b[p + 8] as number, b[p + 9] as number, b[p + 10] as number);
    case 12:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number, b[p + 8] as number, b[p + 9] as number, b[p + 10] as number, b[p + 11] as number);
    case 13:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number, b[p + 8] as number, b[p + 9] as number, b[p + 10] as number, b[p + 11] as number, b[p + 12] as number);
    case 14:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number, b[p + 8] as number, b[p + 9] as number, b[p + 10] as number, b[p + 11] as number, b[p + 12] as number, b[p + 13] as number);
    case 15:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number, b[p + 8] as number, b[p + 9] as number, b[p + 10] as number, b[p + 11] as number, b[p + 12] as number, b[p + 13] as number, b[p + 14] as number);
    default:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number, b[p + 8] as number, b[p + 9] as number, b[p + 10] as number, b[p + 11] as number, b[p + 12] as number, b[p + 13] as number, b[p + 14] as number, b[p + 15] as number);
  }
}

/**
 * An argument of 17 to 24 bytes (set members and hash fields such as redis-benchmark's
 * `element:` + 12 digits, longer keys): as shortLatin1, one fromCharCode call of that arity.
 * Measured against latin1Slice: 20 bytes 36-38 ns against 58-63, 24 bytes 41-42 against 61;
 * at 32 bytes the two are level (51 against 59), so longer arguments keep the slice.
 */
function mediumLatin1(b: Buffer, p: number, length: number): string {
  const c = String.fromCharCode;
  switch (length) {
    case 17:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number, b[p + 8] as number, b[p + 9] as number, b[p + 10] as number, b[p + 11] as number, b[p + 12] as number, b[p + 13] as number, b[p + 14] as number, b[p + 15] as number, b[p + 16] as number);
    case 18:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number, b[p + 8] as number, b[p + 9] as number, b[p + 10] as number, b[p + 11] as number, b[p + 12] as number, b[p + 13] as number, b[p + 14] as number, b[p + 15] as number, b[p + 16] as number, b[p + 17] as number);
    case 19:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number, b[p + 8] as number, b[p + 9] as number, b[p + 10] as number, b[p + 11] as number, b[p + 12] as number, b[p + 13] as number, b[p + 14] as number, b[p + 15] as number, b[p + 16] as number, b[p + 17] as number, b[p + 18] as number);
    case 20:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number, b[p + 8] as number, b[p + 9] as number, b[p + 10] as number, b[p + 11] as number, b[p + 12] as number, b[p + 13] as number, b[p + 14] as number, b[p + 15] as number, b[p + 16] as number, b[p + 17] as number, b[p + 18] as number, b[p + 19] as number);
    case 21:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number, b[p + 8] as number, b[p + 9] as number, b[p + 10] as number, b[p + 11] as number, b[p + 12] as number, b[p + 13] as number, b[p + 14] as number, b[p + 15] as number, b[p + 16] as number, b[p + 17] as number, b[p + 18] as number, b[p + 19] as number, b[p + 20] as number);
    case 22:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number, b[p + 8] as number, b[p + 9] as number, b[p + 10] as number, b[p + 11] as number, b[p + 12] as number, b[p + 13] as number, b[p + 14] as number, b[p + 15] as number, b[p + 16] as number, b[p + 17] as number, b[p + 18] as number, b[p + 19] as number, b[p + 20] as number, b[p + 21] as number);
    case 23:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number, b[p + 8] as number, b[p + 9] as number, b[p + 10] as number, b[p + 11] as number, b[p + 12] as number, b[p + 13] as number, b[p + 14] as number, b[p + 15] as number, b[p + 16] as number, b[p + 17] as number, b[p + 18] as number, b[p + 19] as number, b[p + 20] as number, b[p + 21] as number, b[p + 22] as number);
    default:
      return c(b[p] as number, b[p + 1] as number, b[p + 2] as number, b[p + 3] as number, b[p + 4] as number, b[p + 5] as number, b[p + 6] as number, b[p + 7] as number, b[p + 8] as number, b[p + 9] as number, b[p + 10] as number, b[p + 11] as number, b[p + 12] as number, b[p + 13] as number, b[p + 14] as number, b[p + 15] as number, b[p + 16] as number, b[p + 17] as number, b[p + 18] as number, b[p + 19] as number, b[p + 20] as number, b[p + 21] as number, b[p + 22] as number, b[p + 23] as number);
  }
}

/** string2ll semantics on bytes [start, end): null when not a canonical 64-bit integer. */
function parseStrictInteger(buf: Buffer, start: number, end: number): number | null {
  const len = end - start;
  if (len === 0 || len > 20) return null;
  let i = start;
  let negative = false;
  if (buf[i] === 0x2d) {
    negative = true;
    i++;
    if (i === end) return null;
  }
  if (buf[i] === 0x30) return i + 1 === end && !negative ? 0 : null;
  let value = 0;
  for (; i < end; i++) {
    const d = (buf[i] as number) - 0x30;
    if (d < 0 || d > 9) return null;
    value = value * 10 + d;
  }
  // Lengths past 2^53 are far beyond every limit anyway; they only need to be rejected.
  return negative ? -value : value;
}
