import type { Keyspace } from '../keyspace/keyspace.js';
import type { StoredValue } from '../keyspace/stored-value.js';
import { RdbFileWriter } from './rdb/rdb-file-writer.js';
import type { SnapshotEncoder } from './snapshot/snapshot.js';

/** How an RDB image is written (rdbcompression, rdbchecksum, the aux fields of its header). */
export interface RdbImageSettings {
  readonly compress: boolean;
  readonly checksum: boolean;
  /** Aux fields in order (redis-ver, redis-bits, ctime, used-mem, aof-base...). */
  readonly aux: ReadonlyArray<readonly [string, string]>;
  /**
   * What access data each key carries, like Redis's rdbSaveKeyValuePair: idle seconds under an
   * LRU maxmemory-policy, the LFU counter under an LFU one, nothing otherwise.
   */
  readonly accessData: 'none' | 'lru' | 'lfu';
  /** list-max-listpack-size: where quicklist nodes split, as Redis would have them. */
  readonly listMaxListpackSize: number;
  /** list-compress-depth: inner quicklist nodes LZF-compressed, as Redis writes them (0: none). */
  readonly listCompressDepth?: number;
  /** Function libraries' code, written after the header as Redis does (RDB_OPCODE_FUNCTION2). */
  readonly functionLibraries?: readonly string[];
}

/** A snapshot encoder writing a whole RDB file: begin() (header), the keys, end() (EOF + CRC). */
export interface RdbSnapshotEncoder extends SnapshotEncoder {
  begin(): void;
  end(): void;
}

/**
 * The RDB writer behind the snapshot's encoder interface.
 */
export function createRdbSnapshotEncoder(keyspace: Keyspace, settings: RdbImageSettings): RdbSnapshotEncoder {
  const writer = new RdbFileWriter({
    compress: settings.compress,
    checksum: settings.checksum,
    listMaxListpackSize: settings.listMaxListpackSize,
    listCompressDepth: settings.listCompressDepth ?? 0,
  });
  /** Bytes handed out so far: the writer counts all it produced. */
  let takenBytes = 0;
  const lruPolicy = settings.accessData === 'lru';
  const lfuPolicy = settings.accessData === 'lfu';
  return {
    begin: () => {
      writer.header(settings.aux);
      for (const code of settings.functionLibraries ?? []) writer.functionLibrary(code);
    },
    end: () => writer.end(),
    selectDb: (dbIndex, keyCount, expiresCount) => writer.selectDb(dbIndex, keyCount, expiresCount),
    entry(key: string, value: StoredValue, expireAtMs: number | undefined, accessClock: number): void {
      if (lruPolicy) writer.entry(key, value, expireAtMs, { idleSeconds: keyspace.idleSeconds(accessClock) });
      else if (lfuPolicy) writer.entry(key, value, expireAtMs, { lfuFreq: keyspace.lfuCounter(accessClock) });
      else writer.entry(key, value, expireAtMs);
    },
    takeChunks: () => {
      const chunks = writer.takeChunks();
      for (const chunk of chunks) takenBytes += chunk.length;
      return chunks;
    },
    bufferedBytes: () => writer.bytesWritten - takenBytes,
  };
}
