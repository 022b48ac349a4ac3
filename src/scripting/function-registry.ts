import { cStringArg, ReplyError } from '../lib/errors.js';
import { type CompiledFunction, type LogLevel, LOAD_TIMEOUT_MS, ScriptEngine } from './engine.js';
import { INVALID_NAME_MESSAGE, isValidFunctionName, parseLibraryMetadata } from './script-flags.js';

/** A library loaded by FUNCTION LOAD: its full code (shebang included) and its functions. */
export interface Library {
  readonly name: string;
  /** The engine as FUNCTION LIST prints it. */
  readonly engine: 'LUA';
  readonly code: string;
  readonly functions: ReadonlyMap<string, CompiledFunction>;
}

export interface RegisteredFunction {
  readonly fn: CompiledFunction;
  readonly library: Library;
}

/** Libraries and the function index (Redis's functionsLibCtx). */
class LibraryContext {
  readonly libraries = new Map<string, Library>();
  readonly functions = new Map<string, RegisteredFunction>();

  link(library: Library): void {
    this.libraries.set(library.name, library);
    for (const fn of library.functions.values()) this.functions.set(fn.name, { fn, library });
  }

  unlink(library: Library): void {
    this.libraries.delete(library.name);
    for (const name of library.functions.keys()) this.functions.delete(name);
  }
}

/** How FUNCTION RESTORE treats libraries that exist already. */
export type RestorePolicy = 'append' | 'replace' | 'flush';

/**
 * FUNCTION libraries of one node, on their own Lua VM (function mode of ScriptEngine).
 *
 * API for persistence (RDB save/load, full sync), besides the commands:
 * - `libraryCodes()`: every library's code, to save one RDB_OPCODE_FUNCTION2 string each.
 * - `loadLibrary(code, { replace })`: creates a library from its code, as FUNCTION LOAD
 *   (no load timeout, like Redis for RDB/replication); throws ReplyError with Redis's text.
 * - `flush()`: drops every library (before loading an RDB that replaces the dataset).
 * Get a node's registry with `functionRegistryOf(server)`.
 */
export class FunctionRegistry {
  readonly #engine: ScriptEngine;
  #current = new LibraryContext();

  constructor(log: (level: LogLevel, message: string) => void) {
    this.#engine = new ScriptEngine(log, 'function');
  }

  get engine(): ScriptEngine {
    return this.#engine;
  }

  get libraryCount(): number {
    return this.#current.libraries.size;
  }

  get functionCount(): number {
    return this.#current.functions.size;
  }

  libraries(): IterableIterator<Library> {
    return this.#current.libraries.values();
  }

  /**
   * INFO's figures (docs/memory-accounting.md): `vmBytes` is the library code compiled into the
   * function VM (an estimate: fengari keeps no allocation count); `cacheBytes` the strings the
   * registry keeps: library names and code (FUNCTION LIST WITHCODE, DUMP and the RDB need it),
   * function names and descriptions.
   */
  memory(): { vmBytes: number; cacheBytes: number } {
    let vmBytes = 0;
    let cacheBytes = 0;
    for (const library of this.#current.libraries.values()) {
      vmBytes += library.code.length;
      cacheBytes += library.name.length + library.code.length;
      for (const fn of library.functions.values()) cacheBytes += fn.name.length + (fn.description?.length ?? 0);
    }
    return { vmBytes, cacheBytes };
  }

  libraryCodes(): string[] {
    return [...this.#current.libraries.values()].map((library) => library.code);
  }

  lookup(name: string): RegisteredFunction | undefined {
    return this.#current.functions.get(name);
  }

  /** FUNCTION LOAD: returns the library name. */
  loadLibrary(code: string, options: { replace?: boolean; timeoutMs?: number } = {}): string {
    return this.#create(code, options.replace ?? false, this.#current, options.timeoutMs ?? 0);
  }

  /** FUNCTION LOAD from a client (500 ms limit on the library's top-level code). */
  loadFromClient(code: string, replace: boolean): string {
    return this.#create(code, replace, this.#current, LOAD_TIMEOUT_MS);
  }

  delete(name: string): boolean {
    const library = this.#current.libraries.get(name);
    if (library === undefined) return false;
    this.#current.unlink(library);
    this.#engine.releaseFunctions(library.functions.values());
    return true;
  }

  flush(): void {
    for (const library of this.#current.libraries.values()) this.#engine.releaseFunctions(library.functions.values());
    this.#current = new LibraryContext();
  }

  /**
   * FUNCTION RESTORE's second half: the payload's libraries (code strings, in order) are
   * created apart, then joined by the policy; all or nothing.
   */
  restore(codes: readonly string[], policy: RestorePolicy): void {
    const incoming = new LibraryContext();
    try {
      for (const code of codes) this.#create(code, false, incoming, 0);
    } catch (error) {
      this.#releaseAll(incoming);
      throw error;
    }
    if (policy === 'flush') {
      this.flush();
      this.#current = incoming;
      return;
    }
    this.#join(incoming, policy === 'replace');
  }

  /** Redis's libraryJoin: on a collision nothing changes. */
  #join(incoming: LibraryContext, replace: boolean): void {
    const current = this.#current;
    const replaced: Library[] = [];
    const fail = (message: string): never => {
      for (const library of replaced) current.link(library);
      this.#releaseAll(incoming);
      throw new ReplyError(`ERR ${message}`);
    };
    for (const library of incoming.libraries.values()) {
      const old = current.libraries.get(library.name);
      if (old === undefined) continue;
      if (!replace) fail(`Library ${library.name} already exists`);
      current.unlink(old);
      replaced.push(old);
    }
    for (const name of incoming.functions.keys()) {
      if (current.functions.has(name)) fail(`Function ${name} already exists`);
    }
    for (const library of incoming.libraries.values()) current.link(library);
    for (const library of replaced) this.#engine.releaseFunctions(library.functions.values());
  }

  #releaseAll(context: LibraryContext): void {
    for (const library of context.libraries.values()) this.#engine.releaseFunctions(library.functions.values());
  }

  /** Redis's functionsCreateWithLibraryCtx, with its checks in its order. */
  #create(code: string, replace: boolean, context: LibraryContext, timeoutMs: number): string {
    const metadata = parseLibraryMetadata(code);
    if (!isValidFunctionName(metadata.name)) throw new ReplyError(`ERR ${INVALID_NAME_MESSAGE}`);
    if (metadata.engine.toLowerCase() !== 'lua') throw new ReplyError(`ERR Engine '${cStringArg(metadata.engine)}' not found`);
    const old = context.libraries.get(metadata.name);
    if (old !== undefined && !replace) throw new ReplyError(`ERR Library '${metadata.name}' already exists`);
    if (old !== undefined) context.unlink(old);
    let functions: Map<string, CompiledFunction>;
    try {
      functions = this.#engine.compileLibrary(code.slice(metadata.codeOffset), timeoutMs);
      if (functions.size === 0) throw new ReplyError('ERR No functions registered');
    } catch (error) {
      if (old !== undefined) context.link(old);
      throw error;
    }
    for (const name of functions.keys()) {
      if (context.functions.has(name)) {
        this.#engine.releaseFunctions(functions.values());
        if (old !== undefined) context.link(old);
        throw new ReplyError(`ERR Function ${name} already exists`);
      }
    }
    context.link({ name: metadata.name, engine: 'LUA', code, functions });
    if (old !== undefined) this.#engine.releaseFunctions(old.functions.values());
    return metadata.name;
  }
}

const registries = new WeakMap<object, FunctionRegistry>();

/** The node's registry if FUNCTION was ever used (or an RDB had libraries); INFO does not create one. */
export function existingFunctionRegistry(server: object): FunctionRegistry | undefined {
  return registries.get(server);
}

/** The function libraries of a node (keyed by its server object), created on first use. */
export function functionRegistryOf(server: { readonly scripting: { log(level: LogLevel, message: string): void } }): FunctionRegistry {
  let registry = registries.get(server);
  if (registry === undefined) {
    registry = new FunctionRegistry((level, message) => server.scripting.log(level, message));
    registries.set(server, registry);
  }
  return registry;
}
