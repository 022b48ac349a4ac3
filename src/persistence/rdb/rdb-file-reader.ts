import { RawString, type StoredValue } from '../../keyspace/stored-value.js';
import { RDB_VERSION, RdbOpcode } from './constants.js';
import { crc64 } from './crc64.js';
import { RdbFormatError } from './rdb-format-error.js';
import { RdbInput } from './rdb-input.js';
import { decodeValue, DEFAULT_DECODE_LIMITS, type DecodeLimits } from './value-decode.js';

export type RdbItem =
  | { readonly kind: 'aux'; readonly name: string; readonly value: string }
  | { readonly kind: 'selectDb'; readonly dbIndex: number }
  | { readonly kind: 'resizeDb'; readonly keyCount: number; readonly expiresCount: number }
  | {
      readonly kind: 'entry';
      readonly dbIndex: number;
      readonly key: string;
      readonly value: StoredValue;
      readonly expireAtMs?: number;
      readonly lruIdleSeconds?: number;
      readonly lfuFreq?: number;
    }
  | { readonly kind: 'function'; readonly code: string }
  | { readonly kind: 'end' };

/** The value types this codec knows, for the "unknown type" message. */
const MAX_KNOWN_TYPE = 21;

/**
 * Reads an RDB file item by item (Redis's rdbLoadRioWithLoadingCtx loop): each next() reads one
 * opcode group and returns it, so a loader can time-slice. Checks the magic, the version (at
 * most 10) and, at EOF, the CRC-64 (unless the file says 0: written with rdbchecksum no).
 * Errors are RdbFormatError with the byte offset (and the key, when inside one).
 */
export class RdbFileReader {
  readonly #input: RdbInput;
  readonly #limits: DecodeLimits;
  readonly version: number;
  #dbIndex = 0;
  #done = false;
  /** Keys holding an empty container, skipped as Redis skips them. */
  emptyKeysSkipped = 0;

  /**
   * With `deferChecksum`, the CRC-64 the file ends with, and the length it covers, once EOF was
   * read: the caller verifies it (parallel-checksum.ts computes it on a worker meanwhile).
   */
  deferredChecksum: { expected: bigint; coveredBytes: number } | undefined;
  readonly #deferChecksum: boolean;

  constructor(buffer: Buffer, options: { limits?: DecodeLimits; deferChecksum?: boolean } = {}) {
    this.#input = new RdbInput(buffer);
    this.#limits = options.limits ?? DEFAULT_DECODE_LIMITS;
    this.#deferChecksum = options.deferChecksum === true;
    if (buffer.length < 9 || buffer.latin1Slice(0, 5) !== 'REDIS') {
      throw new RdbFormatError('Wrong signature trying to load DB from file', 0);
    }
    // atoi, as Redis reads it: leading digits, 0 when none.
    const version = Number(/^[0-9]*/.exec(buffer.latin1Slice(5, 9))?.[0] || '0');
    if (!(version >= 1 && version <= RDB_VERSION)) {
      throw new RdbFormatError(`Can't handle RDB format version ${version}`, 5);
    }
    this.version = version;
    this.#input.pos = 9;
  }

  /** Byte offset of the next item (progress, `rdb check`). */
  get offset(): number {
    return this.#input.pos;
  }

  get totalBytes(): number {
    return this.#input.end;
  }

  /** The next item, or null after 'end'. */
  next(): RdbItem | null {
    if (this.#done) return null;
    const input = this.#input;
    let expireAtMs: number | undefined;
    let lruIdleSeconds: number | undefined;
    let lfuFreq: number | undefined;
    for (;;) {
      const at = input.pos;
      const type = input.byte('an opcode (the file ends without EOF)');
      switch (type) {
        case RdbOpcode.expireTime:
          input.need(4, 'an expire time');
          expireAtMs = input.buf.readInt32LE(input.pos) * 1000;
          input.pos += 4;
          continue;
        case RdbOpcode.expireTimeMs:
          expireAtMs = input.i64LE('an expire time');
          continue;
        case RdbOpcode.freq:
          lfuFreq = input.byte('an LFU frequency');
          continue;
        case RdbOpcode.idle:
          lruIdleSeconds = input.len('an LRU idle time');
          continue;
        case RdbOpcode.eof:
          this.#verifyChecksum(at);
          this.#done = true;
          return { kind: 'end' };
        case RdbOpcode.selectDb:
          this.#dbIndex = input.len('a database number');
          return { kind: 'selectDb', dbIndex: this.#dbIndex };
        case RdbOpcode.resizeDb: {
          const keyCount = input.len('the RESIZEDB key count');
          const expiresCount = input.len('the RESIZEDB expires count');
          return { kind: 'resizeDb', keyCount, expiresCount };
        }
        case RdbOpcode.aux: {
          const name = input.string('an AUX field name');
          const value = input.string('an AUX field value');
          return { kind: 'aux', name, value };
        }
        case RdbOpcode.moduleAux:
          throw new RdbFormatError('The RDB file contains AUX module data I can\'t load: modules are not supported', at);
        case RdbOpcode.function:
          throw new RdbFormatError('Pre-release function format not supported', at);
        case RdbOpcode.function2:
          return { kind: 'function', code: input.string('a function library') };
        default: {
          const entry = this.#entry(type, at, expireAtMs, lruIdleSeconds, lfuFreq);
          if (entry !== null) return entry;
          // An empty container: Redis's loader skips such a key (RDB_LOAD_ERR_EMPTY_KEY).
          this.emptyKeysSkipped++;
          expireAtMs = undefined;
          lruIdleSeconds = undefined;
          lfuFreq = undefined;
          continue;
        }
      }
    }
  }

  #entry(type: number, at: number, expireAtMs: number | undefined, lruIdleSeconds: number | undefined, lfuFreq: number | undefined): RdbItem | null {
    const input = this.#input;
    if (type > MAX_KNOWN_TYPE || type === 8) throw new RdbFormatError(`Unknown RDB encoding type ${type}`, at);
    const key = input.string('a key');
    let value: StoredValue;
    try {
      value = decodeValue(type, input, this.#limits);
    } catch (error) {
      const wrapped = error instanceof RdbFormatError ? error : new RdbFormatError(`bad value (${(error as Error).message})`, input.pos);
      wrapped.key = key;
      throw wrapped;
    }
    if (typeof value === 'object' && !(value instanceof RawString) && value.type !== 'stream' && value.size === 0) return null;
    const item: { kind: 'entry'; dbIndex: number; key: string; value: StoredValue; expireAtMs?: number; lruIdleSeconds?: number; lfuFreq?: number } = {
      kind: 'entry',
      dbIndex: this.#dbIndex,
      key,
      value,
    };
    if (expireAtMs !== undefined) item.expireAtMs = expireAtMs;
    if (lruIdleSeconds !== undefined) item.lruIdleSeconds = lruIdleSeconds;
    if (lfuFreq !== undefined) item.lfuFreq = lfuFreq;
    return item;
  }

  /** Version 5+ files end with the CRC-64 of everything before it (0: not computed). */
  #verifyChecksum(eofAt: number): void {
    const input = this.#input;
    if (this.version < 5) return;
    input.need(8, 'the checksum');
    const expected = input.buf.readBigUInt64LE(input.pos);
    input.pos += 8;
    if (expected === 0n) return;
    if (this.#deferChecksum) {
      this.deferredChecksum = { expected, coveredBytes: eofAt + 1 };
      return;
    }
    const actual = crc64(input.buf.subarray(0, eofAt + 1));
    checkRdbChecksum(expected, actual, eofAt + 1);
  }
}

/** Throws Redis's error when the computed CRC-64 differs from the file's. */
export function checkRdbChecksum(expected: bigint, actual: bigint, offset: number): void {
  if (actual !== expected) {
    throw new RdbFormatError(`Wrong RDB checksum expected: (${expected.toString(16)}) got: (${actual.toString(16)})`, offset);
  }
}
