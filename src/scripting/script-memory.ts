import { existingEvalEngine } from './eval-engines.js';
import { existingFunctionRegistry } from './function-registry.js';

/** SHA1 hex digest length: the key of each cached EVAL script. */
const SHA1_HEX_BYTES = 40;

/**
 * What INFO memory reports about scripts and functions (Redis 7.0's used_memory_vm_eval,
 * used_memory_scripts_eval, number_of_cached_scripts, number_of_functions,
 * number_of_libraries, used_memory_vm_functions, used_memory_functions). Counts are exact; the
 * byte figures are estimates from what the node holds, computed as docs/memory-accounting.md
 * says (fengari's lua_gc is a no-op: its objects live in V8's heap, inside used_memory).
 */
export interface ScriptingMemory {
  /** Lua source bytes of the cached EVAL scripts (compiled into the EVAL VM). */
  readonly evalVmBytes: number;
  /** The EVAL cache's own keys: 40 bytes of sha1 per script (bodies are not kept). */
  readonly evalCacheBytes: number;
  readonly cachedScripts: number;
  readonly functions: number;
  readonly libraries: number;
  /** Library code bytes (compiled into the function VM). */
  readonly functionsVmBytes: number;
  /** Library names and code, function names and descriptions kept by the registry. */
  readonly functionsCacheBytes: number;
}

/** The figures of a node (keyed by its server object); engines never used count as empty. */
export function scriptingMemoryOf(server: object): ScriptingMemory {
  const engine = existingEvalEngine(server);
  const registry = existingFunctionRegistry(server);
  const functionsMemory = registry?.memory() ?? { vmBytes: 0, cacheBytes: 0 };
  const cachedScripts = engine?.size ?? 0;
  return {
    evalVmBytes: engine?.sourceBytes ?? 0,
    evalCacheBytes: cachedScripts * SHA1_HEX_BYTES,
    cachedScripts,
    functions: registry?.functionCount ?? 0,
    libraries: registry?.libraryCount ?? 0,
    functionsVmBytes: functionsMemory.vmBytes,
    functionsCacheBytes: functionsMemory.cacheBytes,
  };
}
