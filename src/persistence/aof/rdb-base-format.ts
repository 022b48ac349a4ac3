import type { Keyspace } from '../../keyspace/keyspace.js';
import { standardAuxFields } from '../rdb/rdb-file-writer.js';
import { RdbLoad } from '../rdb-load.js';
import { loadFunctionFromRdb, type FunctionLibraryStore } from '../rdb-persistence.js';
import { createRdbSnapshotEncoder } from '../rdb-snapshot-encoder.js';
import type { AofConfig, RdbBaseFormat } from './append-only-file.js';

export interface RdbBaseOptions {
  readonly keyspace: Keyspace;
  readonly config: AofConfig;
  readonly redisVersion: string;
  nowMs(): number;
  usedMemoryBytes(): number;
  /** The node's function libraries: written into the base, loaded from it. */
  readonly functions?: FunctionLibraryStore;
}

/**
 * The RDB form of an AOF base (aof-use-rdb-preamble yes): the RDB writer of src/persistence/rdb
 * with the aux field aof-base 1, as Redis writes it (RDBFLAGS_AOF_PREAMBLE), and the RDB loader.
 */
export function rdbBaseFormat(options: RdbBaseOptions): RdbBaseFormat {
  return {
    createEncoder() {
      const policy = options.config.value('maxmemory-policy');
      const encoder = createRdbSnapshotEncoder(options.keyspace, {
        compress: options.config.value('rdbcompression') === 'yes',
        checksum: options.config.value('rdbchecksum') === 'yes',
        aux: standardAuxFields({ redisVersion: options.redisVersion, nowMs: options.nowMs(), usedMemoryBytes: options.usedMemoryBytes(), aofBase: true }),
        accessData: policy.endsWith('-lru') ? 'lru' : policy.endsWith('-lfu') ? 'lfu' : 'none',
        listMaxListpackSize: Number(options.config.value('list-max-listpack-size')),
        listCompressDepth: Number(options.config.value('list-compress-depth')),
        functionLibraries: options.functions?.libraryCodes() ?? [],
      });
      return Object.assign(encoder, {
        header(): Buffer {
          encoder.begin();
          return Buffer.concat(encoder.takeChunks());
        },
        trailer(): Buffer {
          encoder.end();
          return Buffer.concat(encoder.takeChunks());
        },
      });
    },
    async load(data: Buffer): Promise<number> {
      const load = new RdbLoad(options.keyspace, data, { nowMs: options.nowMs(), onFunction: (code) => loadFunctionFromRdb(options.functions, code) });
      await load.run();
      return load.bytesRead;
    },
  };
}
