import type { InfoHost } from './host.js';
import { fixed2, type InfoFields } from './section.js';

/**
 * Redis 7.0's persistence fields in its order. RDB figures come from src/persistence; the AOF
 * fields come from src/persistence/aof. There is no child process: cow sizes are 0
 * and current_fork_perc is the snapshot's progress, as Redis computes it from the child's counts.
 */
export function persistenceSection(host: InfoHost): InfoFields {
  const aof = host.aof.infoFields(Math.floor(host.nowUs() / 1000));
  const rdb = host.persistence.info();
  const aofLoading = host.aof.loadingInfo();
  const forkPerc = rdb.currentSaveKeysTotal > 0 ? (rdb.currentSaveKeysProcessed / rdb.currentSaveKeysTotal) * 100 : 0;
  const fields: InfoFields = [
    ['loading', rdb.loading || aofLoading !== undefined ? 1 : 0],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', fixed2(forkPerc)],
    ['current_save_keys_processed', rdb.currentSaveKeysProcessed],
    ['current_save_keys_total', rdb.currentSaveKeysTotal],
    ['rdb_changes_since_last_save', host.dirty],
    ['rdb_bgsave_in_progress', rdb.bgsaveInProgress ? 1 : 0],
    ['rdb_last_save_time', rdb.lastSaveUnixSeconds],
    ['rdb_last_bgsave_status', rdb.lastBgsaveOk ? 'ok' : 'err'],
    ['rdb_last_bgsave_time_sec', rdb.lastBgsaveTimeSec],
    ['rdb_current_bgsave_time_sec', rdb.currentBgsaveTimeSec],
    ['rdb_saves', rdb.rdbSaves],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', rdb.lastLoadKeysExpired],
    ['rdb_last_load_keys_loaded', rdb.lastLoadKeysLoaded],
    ...aof.core,
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
    ...aof.whenEnabled,
  ];
  const load = rdb.loading
    ? { startUnixSeconds: rdb.loadingStartUnixSeconds, totalBytes: rdb.loadingTotalBytes, loadedBytes: rdb.loadingLoadedBytes }
    : aofLoading;
  if (load !== undefined) {
    const nowSeconds = Math.floor(host.nowUs() / 1e6);
    const elapsedSeconds = nowSeconds - load.startUnixSeconds;
    const remainingBytes = load.totalBytes > 0 ? load.totalBytes - load.loadedBytes : 1;
    const perc = load.totalBytes > 0 ? (load.loadedBytes / load.totalBytes) * 100 : 0;
    // Redis's estimate: elapsed time scaled by the bytes left over the bytes done.
    const etaSeconds = elapsedSeconds === 0 ? 1 : Math.floor((elapsedSeconds * remainingBytes) / (load.loadedBytes + 1));
    fields.push(
      ['loading_start_time', load.startUnixSeconds],
      ['loading_total_bytes', load.totalBytes],
      ['loading_rdb_used_mem', 0],
      ['loading_loaded_bytes', load.loadedBytes],
      ['loading_loaded_perc', fixed2(perc)],
      ['loading_eta_seconds', etaSeconds],
    );
  }
  return fields;
}

export function statsSection(host: InfoHost): InfoFields {
  const stats = host.stats;
  return [
    ['total_connections_received', stats.totalConnectionsReceived],
    ['total_commands_processed', stats.totalCommandsProcessed],
    ['instantaneous_ops_per_sec', Math.round(stats.opsPerSec.rate)],
    ['total_net_input_bytes', stats.totalNetInputBytes],
    ['total_net_output_bytes', stats.totalNetOutputBytes],
    ['total_net_repl_input_bytes', 0],
    ['total_net_repl_output_bytes', 0],
    ['instantaneous_input_kbps', fixed2(stats.inputBytesPerSec.rate / 1024)],
    ['instantaneous_output_kbps', fixed2(stats.outputBytesPerSec.rate / 1024)],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', stats.rejectedConnections],
    ['sync_full', 0],
    ['sync_partial_ok', 0],
    ['sync_partial_err', 0],
    ['expired_keys', host.keyspace.expiredKeys],
    ['expired_stale_perc', '0.00'],
    ['expired_time_cap_reached_count', 0],
    ['expire_cycle_cpu_milliseconds', 0],
    ['evicted_keys', host.evictedKeys],
    ['evicted_clients', 0],
    ['total_eviction_exceeded_time', 0],
    ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', stats.keyspaceHits],
    ['keyspace_misses', stats.keyspaceMisses],
    ['pubsub_channels', 0],
    ['pubsub_patterns', 0],
    ['pubsubshard_channels', 0],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', 0],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', 0],
    ['tracking_total_items', 0],
    ['tracking_total_prefixes', 0],
    ['unexpected_error_replies', 0],
    ['total_error_replies', stats.totalErrorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', stats.totalReadsProcessed],
    ['total_writes_processed', stats.totalWritesProcessed],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ];
}
