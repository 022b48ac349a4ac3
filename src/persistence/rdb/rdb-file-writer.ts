import type { StoredValue } from '../../keyspace/stored-value.js';
import { RDB_VERSION, RdbOpcode } from './constants.js';
import { Crc64 } from './crc64.js';
import { RdbOutput } from './rdb-output.js';
import { encodeValueBody, rdbTypeOf, type EncodeOptions } from './value-encode.js';

export interface RdbFileWriterOptions {
  /** rdbcompression */
  readonly compress: boolean;
  /** rdbchecksum: without it the file ends with eight zero bytes, as Redis writes it. */
  readonly checksum: boolean;
  /** list-max-listpack-size, for quicklist node boundaries. */
  readonly listMaxListpackSize?: number;
  /** list-compress-depth: inner quicklist nodes LZF-compressed, as Redis keeps and writes them. */
  readonly listCompressDepth?: number;
}

/** LRU/LFU hints saved with a key (maxmemory-policy *lru / *lfu). */
export interface LruInfo {
  readonly idleSeconds?: number;
  readonly lfuFreq?: number;
}

/**
 * The AUX fields Redis 7.0 writes at the top of a file, in its order (rdbSaveInfoAuxFields).
 * `aofBase`: the file is the base of an AOF (aof-use-rdb-preamble).
 */
export function standardAuxFields(options: { redisVersion: string; nowMs: number; usedMemoryBytes: number; aofBase: boolean }): Array<[string, string]> {
  return [
    ['redis-ver', options.redisVersion],
    ['redis-bits', '64'],
    ['ctime', String(Math.floor(options.nowMs / 1000))],
    ['used-mem', String(options.usedMemoryBytes)],
    ['aof-base', options.aofBase ? '1' : '0'],
  ];
}

/**
 * Writes an RDB v10 file piece by piece: a snapshot calls entry() as it walks the keyspace and
 * takeChunks() whenever it wants to flush; the running CRC-64 covers every byte handed out.
 */
export class RdbFileWriter {
  readonly #out = new RdbOutput(256 * 1024);
  readonly #crc = new Crc64();
  readonly #options: EncodeOptions;
  readonly #checksum: boolean;
  #chunks: Buffer[] = [];
  #bytesTaken = 0;
  #ended = false;

  constructor(options: RdbFileWriterOptions) {
    this.#options = { compress: options.compress, listMaxListpackSize: options.listMaxListpackSize ?? -2, listCompressDepth: options.listCompressDepth ?? 0 };
    this.#checksum = options.checksum;
  }

  /** Bytes produced so far (taken or not). */
  get bytesWritten(): number {
    return this.#bytesTaken + this.#out.length;
  }

  /** The magic "REDIS0010" and the AUX fields. */
  header(aux: ReadonlyArray<readonly [string, string]>): void {
    this.#out.latin1(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
    for (const [name, value] of aux) this.auxField(name, value);
  }

  auxField(name: string, value: string): void {
    this.#out.byte(RdbOpcode.aux);
    this.#out.string(name, this.#options.compress);
    this.#out.string(value, this.#options.compress);
  }

  /** SELECTDB and RESIZEDB (the sizes let a loader presize its tables). */
  selectDb(dbIndex: number, keyCount: number, expiresCount: number): void {
    this.#out.byte(RdbOpcode.selectDb);
    this.#out.len(dbIndex);
    this.#out.byte(RdbOpcode.resizeDb);
    this.#out.len(keyCount);
    this.#out.len(expiresCount);
  }

  /**
   * One key (rdbSaveKeyValuePair): expire, LRU idle or LFU frequency, type, key, value.
   * `expireAtMs` may be a bigint for the rare expiry past 2^53 ms (PEXPIREAT takes any int64).
   */
  entry(key: string, value: StoredValue, expireAtMs?: number | bigint, lru?: LruInfo): void {
    const out = this.#out;
    if (expireAtMs !== undefined && expireAtMs !== -1) {
      out.byte(RdbOpcode.expireTimeMs);
      out.i64LE(expireAtMs);
    }
    if (lru !== undefined) {
      if (lru.idleSeconds !== undefined) {
        out.byte(RdbOpcode.idle);
        out.len(lru.idleSeconds);
      }
      if (lru.lfuFreq !== undefined) {
        out.byte(RdbOpcode.freq);
        out.byte(lru.lfuFreq & 0xff);
      }
    }
    out.byte(rdbTypeOf(value));
    out.string(key, this.#options.compress);
    encodeValueBody(value, out, this.#options);
  }

  /** A function library (RDB_OPCODE_FUNCTION2 + its source), as Redis 7.0 saves FUNCTION LOAD libraries. */
  functionLibrary(code: string): void {
    this.#out.byte(RdbOpcode.function2);
    this.#out.string(code, this.#options.compress);
  }

  /** EOF and the checksum (little-endian; zero when rdbchecksum is off). Call takeChunks() after. */
  end(): void {
    if (this.#ended) throw new Error('RdbFileWriter.end() called twice');
    this.#ended = true;
    this.#out.byte(RdbOpcode.eof);
    this.#flush();
    const crc = this.#checksum ? this.#crc.digestBytesLE() : Buffer.alloc(8);
    this.#chunks.push(crc);
    this.#bytesTaken += 8;
  }

  #flush(): void {
    if (this.#out.length === 0) return;
    const chunk = this.#out.take();
    if (this.#checksum) this.#crc.update(chunk);
    this.#bytesTaken += chunk.length;
    this.#chunks.push(chunk);
  }

  /** The bytes produced since the last call, in order. */
  takeChunks(): Buffer[] {
    this.#flush();
    const chunks = this.#chunks;
    this.#chunks = [];
    return chunks;
  }
}
