import { totalmem } from 'node:os';
import { bytesToHuman } from '../memory-tracker.js';
import { configOr, type InfoHost } from './host.js';
import { fixed2, type InfoFields } from './section.js';

/**
 * INFO memory. used_memory = process.memoryUsage().heapUsed + external (external already
 * includes arrayBuffers, so adding arrayBuffers would count Buffers twice); used_memory_rss =
 * rss. Scripts and functions: exact counts, byte estimates from what the node holds
 * (src/scripting/script-memory.ts). Allocator and fragmentation internals have no Node
 * counterpart: Redis's neutral values (docs/info-fields.md, docs/memory-accounting.md).
 */
export function memorySection(host: InfoHost): InfoFields {
  const memory = host.memory();
  const used = memory.usedBytes;
  const overhead = memory.startupBytes;
  const dataset = Math.max(0, used - overhead);
  const maxmemory = Number(configOr(host, 'maxmemory', '0'));
  const total = totalmem();
  const scripts = host.scriptingMemory();
  const vmTotal = scripts.evalVmBytes + scripts.functionsVmBytes;
  const scriptsTotal = scripts.evalCacheBytes + scripts.functionsCacheBytes;
  return [
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', memory.rssBytes],
    ['used_memory_rss_human', bytesToHuman(memory.rssBytes)],
    ['used_memory_peak', memory.peakBytes],
    ['used_memory_peak_human', bytesToHuman(memory.peakBytes)],
    ['used_memory_peak_perc', `${fixed2((used * 100) / memory.peakBytes)}%`],
    ['used_memory_overhead', overhead],
    ['used_memory_startup', memory.startupBytes],
    ['used_memory_dataset', dataset],
    ['used_memory_dataset_perc', `${fixed2(used === 0 ? 0 : (dataset * 100) / used)}%`],
    ['allocator_allocated', used],
    ['allocator_active', used],
    ['allocator_resident', memory.rssBytes],
    ['total_system_memory', total],
    ['total_system_memory_human', bytesToHuman(total)],
    // used_memory_lua and its _human are Redis 7.0's deprecated names of used_memory_vm_eval.
    ['used_memory_lua', scripts.evalVmBytes],
    ['used_memory_vm_eval', scripts.evalVmBytes],
    ['used_memory_lua_human', bytesToHuman(scripts.evalVmBytes)],
    ['used_memory_scripts_eval', scripts.evalCacheBytes],
    ['number_of_cached_scripts', scripts.cachedScripts],
    ['number_of_functions', scripts.functions],
    ['number_of_libraries', scripts.libraries],
    ['used_memory_vm_functions', scripts.functionsVmBytes],
    ['used_memory_vm_total', vmTotal],
    ['used_memory_vm_total_human', bytesToHuman(vmTotal)],
    ['used_memory_functions', scripts.functionsCacheBytes],
    ['used_memory_scripts', scriptsTotal],
    ['used_memory_scripts_human', bytesToHuman(scriptsTotal)],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', configOr(host, 'maxmemory-policy', 'noeviction')],
    ['allocator_frag_ratio', '1.00'],
    ['allocator_frag_bytes', 0],
    ['allocator_rss_ratio', '1.00'],
    ['allocator_rss_bytes', 0],
    ['rss_overhead_ratio', fixed2(used === 0 ? 0 : memory.rssBytes / used)],
    ['rss_overhead_bytes', memory.rssBytes - used],
    ['mem_fragmentation_ratio', fixed2(used === 0 ? 0 : memory.rssBytes / used)],
    ['mem_fragmentation_bytes', memory.rssBytes - used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', 0],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', `v8-${process.versions.v8}`],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ];
}
