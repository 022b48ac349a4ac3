import type { MemorySnapshot } from '../../commands/server-facade.js';
import type { CommandTable } from '../../commands/table.js';
import type { Keyspace } from '../../keyspace/keyspace.js';
import type { ClientRegistry } from '../clients.js';
import type { ConfigStore } from '../config/config-store.js';
import type { Stats } from '../stats.js';
import type { InfoFields } from './section.js';
import type { RdbPersistenceInfo } from '../../persistence/rdb-persistence.js';
import type { ScriptingMemory } from '../../scripting/script-memory.js';

/** What the INFO sections read from the node (TesseraServer provides it). */
export interface InfoHost {
  readonly config: ConfigStore;
  readonly stats: Stats;
  readonly keyspace: Keyspace;
  readonly commands: CommandTable;
  readonly clients: ClientRegistry;
  readonly runId: string;
  readonly replicationId: string;
  readonly startedAtMs: number;
  readonly boundPort: number;
  readonly dirty: number;
  lastSaveUnixSeconds(): number;
  /** RDB persistence figures (INFO persistence). */
  readonly persistence: { info(): RdbPersistenceInfo };
  memory(): MemorySnapshot;
  /** EVAL scripts and FUNCTION libraries: counts and byte estimates (INFO memory). */
  scriptingMemory(): ScriptingMemory;
  nowUs(): number;
  /** Effective hz (INFO hz): the configured one, clamped like Redis's tick. */
  readonly effectiveHz: number;
  /** Keys removed by maxmemory eviction since start or CONFIG RESETSTAT (INFO evicted_keys). */
  readonly evictedKeys: number;
  /** Clients parked by blocking commands (INFO blocked_clients). */
  readonly blocking: { readonly size: number };
  /** INFO persistence aof_* fields (src/persistence/aof/append-only-file.ts). */
  readonly aof: {
    infoFields(nowMs: number): { core: InfoFields; whenEnabled: InfoFields };
    loadingInfo(): { startUnixSeconds: number; totalBytes: number; loadedBytes: number } | undefined;
  };
  /** Cluster mode: the nodes known (INFO cluster_connections counts two links per other node). */
  readonly cluster?: { readonly state: { readonly config: { readonly nodes: { readonly size: number } } } } | undefined;
}

/** A directive's value, or `fallback` while the config table does not have it yet. */
export function configOr(host: InfoHost, name: string, fallback: string): string {
  try {
    return host.config.value(name);
  } catch {
    return fallback;
  }
}
