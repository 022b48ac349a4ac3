import { formatDouble17g } from './format-double.js';

export type ProtocolVersion = 2 | 3;

/** Pending reply bytes one client may accumulate before the reply is refused (a named bound). */
export const MAX_PENDING_REPLY_BYTES = 1024 * 1024 * 1024;

/** Thrown when a reply would grow past MAX_PENDING_REPLY_BYTES; dispatch answers an error. */
export class ReplyTooLargeError extends Error {
  override name = 'ReplyTooLargeError';
}

const INITIAL_BYTES = 16 * 1024;

/**
 * Serializes replies to RESP2 or RESP3 into one growing buffer, so that all replies of one read
 * leave in one socket write. Strings are latin1 (one char = one byte). Methods that differ
 * between protocols (null, map, set, double, bool, push) pick the encoding from `protocol`.
 */
export class ReplyWriter {
  protocol: ProtocolVersion = 2;
  #buf: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  /** Bytes already handed out by take(); never overwritten, the socket may still hold them. */
  #start = 0;
  #end = 0;

  get pendingBytes(): number {
    return this.#end - this.#start;
  }

  /** The replies written since the last take(), as one Buffer (no copy). */
  take(): Buffer {
    const out = this.#buf.subarray(this.#start, this.#end);
    this.#start = this.#end;
    if (this.#buf.length - this.#end < 1024) {
      this.#buf = Buffer.allocUnsafe(INITIAL_BYTES);
      this.#start = this.#end = 0;
    }
    return out;
  }

  /**
   * The buffer holding the pending replies, at [pendingStart, pendingStart + pendingBytes): for
   * a caller that writes them out itself without a take() (no Buffer view made per flush), then
   * reports how many bytes left with consume().
   */
  get pendingBuffer(): Buffer {
    return this.#buf;
  }

  get pendingStart(): number {
    return this.#start;
  }

  /**
   * `bytes` of the pending replies were written out and are no longer referenced: they are
   * dropped, and once none is pending the buffer is written from its start again.
   */
  consume(bytes: number): void {
    this.#start = Math.min(this.#end, this.#start + bytes);
    if (this.#start === this.#end) this.#start = this.#end = 0;
  }

  /**
   * The bytes handed out by take() are no longer referenced (the socket wrote them at once):
   * write from the start of the buffer again. No-op while replies are pending.
   */
  recycle(): void {
    if (this.#start === this.#end) this.#start = this.#end = 0;
  }

  /**
   * Drops replies written since `mark` (CLIENT REPLY OFF/SKIP, a refused reply). Marks count
   * from the start of the pending bytes, so they survive the buffer being grown (which moves
   * the pending bytes); take() in between invalidates them.
   */
  truncateTo(mark: number): void {
    this.#end = this.#start + Math.max(0, Math.min(mark, this.#end - this.#start));
  }

  /** A position to truncate back to. */
  get mark(): number {
    return this.#end - this.#start;
  }

  #reserve(bytes: number): void {
    if (this.#end + bytes <= this.#buf.length) return;
    const pending = this.#end - this.#start;
    if (pending + bytes > MAX_PENDING_REPLY_BYTES) throw new ReplyTooLargeError(`reply over ${MAX_PENDING_REPLY_BYTES} bytes`);
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, pending + bytes + INITIAL_BYTES));
    this.#buf.copy(next, 0, this.#start, this.#end);
    this.#buf = next;
    this.#start = 0;
    this.#end = pending;
  }

  #ascii(text: string): void {
    const length = text.length;
    if (length < 24) {
      // Short strings: a JS loop beats the native call's fixed cost (measured on GET replies).
      const buf = this.#buf;
      let at = this.#end;
      for (let i = 0; i < length; i++) buf[at++] = text.charCodeAt(i);
      this.#end = at;
    } else {
      this.#end += this.#buf.latin1Write(text, this.#end);
    }
  }

  #crlf(): void {
    // Two stores: writeUInt16LE's argument checks cost more than the write itself.
    const buf = this.#buf;
    buf[this.#end++] = 0x0d;
    buf[this.#end++] = 0x0a;
  }

  #header(marker: number, count: number | bigint): void {
    if (typeof count === 'number' && count >= 0 && count <= 0x7fffffff && (count | 0) === count) {
      // Counts, lengths and most integer replies: digits written straight into the buffer
      // (String() of a number was 1.5% of the node's CPU under LPUSH, whose reply is the length).
      let digitCount = 1;
      for (let power = 10; power <= count; power *= 10) digitCount++;
      this.#reserve(digitCount + 3);
      const buf = this.#buf;
      buf[this.#end] = marker;
      let at = this.#end + digitCount;
      let rest = count;
      do {
        buf[at--] = 48 + (rest % 10);
        rest = (rest / 10) | 0;
      } while (rest > 0);
      this.#end += digitCount + 1;
      this.#crlf();
      return;
    }
    const digits = String(count);
    this.#reserve(digits.length + 3);
    this.#buf[this.#end++] = marker;
    this.#ascii(digits);
    this.#crlf();
  }

  /** Bytes already encoded (COMMAND INFO tables, EXEC replays). */
  raw(bytes: Buffer | string): void {
    if (typeof bytes === 'string') {
      this.#reserve(bytes.length);
      this.#ascii(bytes);
    } else {
      this.rawBytes(bytes);
    }
  }

  /** Bytes already encoded, copied with TypedArray.set (a memmove, no native call per copy). */
  rawBytes(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#buf.set(bytes, this.#end);
    this.#end += bytes.length;
  }

  /** `+text`: text must not contain CR or LF. */
  simple(text: string): void {
    this.#reserve(text.length + 3);
    this.#buf[this.#end++] = 0x2b;
    this.#ascii(text);
    this.#crlf();
  }

  ok(): void {
    this.raw('+OK\r\n');
  }

  /** `-message`: the full message, with its code (`ERR ...`, `WRONGTYPE ...`). */
  error(message: string): void {
    this.#reserve(message.length + 3);
    this.#buf[this.#end++] = 0x2d;
    this.#ascii(message);
    this.#crlf();
  }

  integer(value: number | bigint): void {
    this.#header(0x3a, value);
  }

  /** A bulk string, or the protocol's null when value is null. */
  bulk(value: string | null): void {
    if (value === null) {
      this.null();
      return;
    }
    const len = value.length;
    this.#reserve(len + 16);
    const buf = this.#buf;
    buf[this.#end++] = 0x24;
    // Short lengths as digits directly: String(len) allocated a string per reply.
    if (len < 10) buf[this.#end++] = 48 + len;
    else if (len < 100) {
      buf[this.#end++] = 48 + ((len / 10) | 0);
      buf[this.#end++] = 48 + (len % 10);
    } else this.#ascii(String(len));
    this.#crlf();
    if (len > 0) this.#ascii(value);
    this.#crlf();
  }

  /** A bulk string of the first `length` bytes of `bytes` (a RawString's buffer: no view made). */
  bulkBytes(bytes: Uint8Array, length: number): void {
    this.#header(0x24, length);
    this.#reserve(length + 2);
    this.#buf.set(length === bytes.length ? bytes : bytes.subarray(0, length), this.#end);
    this.#end += length;
    this.#crlf();
  }

  bulkBuffer(value: Buffer): void {
    this.#header(0x24, value.length);
    this.raw(value);
    this.raw('\r\n');
  }

  /** Null bulk (RESP2 `$-1`) / null (RESP3 `_`). */
  null(): void {
    this.raw(this.protocol === 3 ? '_\r\n' : '$-1\r\n');
  }

  /** Null array (RESP2 `*-1`) / null (RESP3 `_`). */
  nullArray(): void {
    this.raw(this.protocol === 3 ? '_\r\n' : '*-1\r\n');
  }

  array(count: number): void {
    this.#header(0x2a, count);
  }

  /** A map of `count` pairs: RESP3 `%`, RESP2 a flat array of 2×count. */
  map(count: number): void {
    if (this.protocol === 3) this.#header(0x25, count);
    else this.#header(0x2a, count * 2);
  }

  /** RESP3 `~`, RESP2 an array. */
  set(count: number): void {
    this.#header(this.protocol === 3 ? 0x7e : 0x2a, count);
  }

  /** RESP3 `>` out-of-band push, RESP2 an array (pub/sub messages). */
  push(count: number): void {
    this.#header(this.protocol === 3 ? 0x3e : 0x2a, count);
  }

  /** RESP3 `,` double, RESP2 a bulk string; %.17g like Redis 7.0. */
  double(value: number): void {
    const text = formatDouble17g(value);
    if (this.protocol === 3) this.simpleWithMarker(0x2c, text);
    else this.bulk(text);
  }

  /** RESP3 `#t`/`#f`, RESP2 integer 1/0. */
  bool(value: boolean): void {
    if (this.protocol === 3) this.raw(value ? '#t\r\n' : '#f\r\n');
    else this.raw(value ? ':1\r\n' : ':0\r\n');
  }

  /** RESP3 `=` verbatim string with a 3-letter format (`txt`), RESP2 a bulk string. */
  verbatim(text: string, format = 'txt'): void {
    if (this.protocol === 3) {
      this.#header(0x3d, text.length + 4);
      this.raw(`${format}:`);
      this.raw(text);
      this.raw('\r\n');
    } else {
      this.bulk(text);
    }
  }

  simpleWithMarker(marker: number, text: string): void {
    this.#reserve(text.length + 3);
    this.#buf[this.#end++] = marker;
    this.#ascii(text);
    this.#crlf();
  }

  /** Array of bulk strings (null entries become nulls). */
  bulkArray(values: readonly (string | null)[]): void {
    this.array(values.length);
    for (const v of values) this.bulk(v);
  }
}
