import { createHash } from 'node:crypto';
import type { LuaState, LuaString } from 'fengari';
import type { ScriptCaller, SuspendedScript } from '../commands/server-facade.js';
import { ReplyError } from '../lib/errors.js';
import type { ReplyWriter } from '../resp/reply-writer.js';
import { fromLua, toLua } from './latin1.js';
import { loadFengari, pushFreshString } from './lua-numbers.js';
import { FUNCTION_SETUP, LUA_PROTECT_GLOBALS, LUA_SETUP } from './lua-setup.js';
import { isScriptFlag, isValidFunctionName, INVALID_NAME_MESSAGE, parseEvalShebang, type ScriptFlag, type ScriptFlags } from './script-flags.js';
import { performance } from 'node:perf_hooks';
import { installCjson } from './cjson.js';
import { Rand48 } from './rand48.js';
import { pushReply, writeLuaValue } from './convert.js';
import { GlobalArray, type StringWatcher } from './global-array.js';
import { trimCallInfos } from './fengari-source-patch.js';

const fengari = loadFengari();
const { lua, lauxlib, lualib } = fengari;

/** What a script run may do, from its command and flags (Redis's scriptPrepareForRun). */
export interface RunOptions {
  /** EVAL_RO / FCALL_RO, or the no-writes flag: write commands fail inside. */
  readOnly: boolean;
  /** allow-oom (or no-writes): denyoom commands run even when used memory > maxmemory. */
  allowOom: boolean;
  /**
   * Cluster mode: the script's commands may use keys of several slots served here (EVAL
   * without shebang, or the allow-cross-slot-keys flag); else all keys share one slot.
   */
  allowCrossSlot: boolean;
  /**
   * The script may be suspended once it runs longer than busy-reply-threshold: the node then
   * answers other clients (BUSY) between slices. False inside MULTI/EXEC: the transaction's
   * replies must stay in order, so the script runs to its end (or until killed).
   */
  suspendable: boolean;
  /** busy-reply-threshold in ms. */
  busyThresholdMs: number;
}

/** A script that ran past busy-reply-threshold and yielded (the node runs it on in slices). */
export type ScriptTask = SuspendedScript;

/** One run of a script or function (a coroutine on a thread of the engine's state). */
interface Running {
  caller: ScriptCaller;
  co: LuaState;
  isEval: boolean;
  name: string;
  reply: ReplyWriter;
  startedAtMs: number;
  sliceStartedAtMs: number;
  suspendable: boolean;
  busyThresholdMs: number;
  /** Past busy-reply-threshold: from then on the script yields at the end of each slice. */
  timedOut: boolean;
  killed: boolean;
}

/** A compiled EVAL script: its registry reference and shebang flags (null: no shebang). */
interface CachedScript {
  /** Lowercase, as the cache's key. */
  sha: string;
  ref: number;
  flags: ScriptFlags | null;
  /** The body's length in bytes (INFO used_memory_vm_eval). */
  sourceBytes: number;
}

/** A function registered by a library (FUNCTION LOAD): the callback's registry reference. */
export interface CompiledFunction {
  name: string;
  ref: number;
  description: string | null;
  flags: ScriptFlags;
}

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'verbose', 'notice', 'warning'];

/** The count hook's period: it checks the clock and the kill flag (Redis uses 100000). */
const HOOK_INSTRUCTIONS = 10_000;
/** How long a timed-out script runs before it yields to the event loop again. */
const SLICE_MS = 10;
/** FUNCTION LOAD's time limit for the library's top-level code (Redis's LOAD_TIMEOUT_MS). */
export const LOAD_TIMEOUT_MS = 500;

export const SCRIPT_KILLED_MESSAGE = 'ERR Script killed by user with SCRIPT KILL...';

export function sha1hex(body: string): string {
  return createHash('sha1').update(body, 'latin1').digest('hex');
}

/**
 * One Lua VM with the EVAL script cache (sha1 → compiled function), like Redis's `lua`
 * state; FUNCTION libraries get their own engine in 'function' mode (Redis also keeps them
 * in a separate state). A script runs as a coroutine: it normally runs to its end within the
 * command, and yields only once it is past busy-reply-threshold (docs/lua-vm.md).
 */
export class ScriptEngine {
  readonly #L: LuaState;
  readonly #scripts = new Map<string, CachedScript>();
  /** The bytes of Lua source compiled into this VM and still referenced (see sourceBytes). */
  #sourceBytes = 0;
  /** The run in a slice now (redis.call and the hook read it). */
  #running: Running | undefined;
  /** The run started and not ended (it may be suspended between slices). */
  #active: Running | undefined;
  readonly #log: (level: LogLevel, message: string) => void;
  readonly #random = new Rand48();
  /** A finished coroutine's thread is reused; one left suspended or dead is replaced. */
  #thread: LuaState | undefined;
  #threadRef = 0;
  /** The functions registered so far by the library being loaded (FUNCTION LOAD). */
  #loading: Map<string, CompiledFunction> | undefined;
  #loadStartedAtMs = 0;
  /** The run's KEYS and ARGV strings: redis.call gets them back without decoding. */
  readonly #passed = new PassedStrings();
  readonly #keysGlobal: GlobalArray;
  readonly #argvGlobal: GlobalArray;

  constructor(log: (level: LogLevel, message: string) => void, mode: 'eval' | 'function' = 'eval') {
    this.#log = log;
    const L = (this.#L = lauxlib.luaL_newstate());
    lualib.luaL_openlibs(L);
    this.#keysGlobal = new GlobalArray(L, 'KEYS');
    this.#argvGlobal = new GlobalArray(L, 'ARGV');
    this.#installRedisTable();
    installCjson(L);
    this.#installRandom();
    if (mode === 'function') {
      lua.lua_pushjsfunction(L, (L) => this.#registerFunction(L));
      lua.lua_setglobal(L, toLua('__redis__register_function'));
    }
    this.#runSetup(LUA_SETUP, '=redis_setup');
    if (mode === 'function') this.#runSetup(FUNCTION_SETUP, '=redis_setup');
    this.#runSetup(LUA_PROTECT_GLOBALS, '=redis_setup');
    lua.lua_settop(L, 0);
  }

  #runSetup(code: string, name: string): void {
    const L = this.#L;
    if (lauxlib.luaL_loadbuffer(L, toLua(code), null, toLua(name)) !== lua.LUA_OK || lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) {
      throw new Error(`Lua setup failed: ${fromLua(lua.lua_tolstring(L, -1))}`);
    }
  }

  get size(): number {
    return this.#scripts.size;
  }

  /**
   * Bytes of Lua source of the cached scripts: INFO's estimate of the VM's memory (fengari
   * keeps no allocation count; docs/memory-accounting.md).
   */
  get sourceBytes(): number {
    return this.#sourceBytes;
  }

  has(sha: string): boolean {
    return this.#scripts.has(sha.toLowerCase());
  }

  /** The shebang flags of a cached script (null: no shebang), undefined when not cached. */
  flagsOf(sha: string): ScriptFlags | null | undefined {
    return this.#cached(sha)?.flags;
  }

  /** The cached script of a sha in any case (the lowercase lookup first: no new string). */
  #cached(sha: string): CachedScript | undefined {
    return this.#scripts.get(sha) ?? this.#scripts.get(sha.toLowerCase());
  }

  /** Compiles and caches a body (SCRIPT LOAD, EVAL); returns its sha1. */
  load(body: string): string {
    const sha = sha1hex(body);
    if (this.#scripts.has(sha)) return sha;
    const { flags, codeOffset } = parseEvalShebang(body);
    const L = this.#L;
    if (lauxlib.luaL_loadbuffer(L, toLua(body.slice(codeOffset)), null, toLua('@user_script')) !== lua.LUA_OK) {
      const message = asLua51SyntaxError(fromLua(lua.lua_tolstring(L, -1)));
      lua.lua_settop(L, 0);
      throw new ReplyError(`ERR Error compiling script (new function): ${message}`);
    }
    this.#scripts.set(sha, { sha, ref: lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX), flags, sourceBytes: body.length });
    this.#sourceBytes += body.length;
    return sha;
  }

  flush(): void {
    for (const { ref } of this.#scripts.values()) lauxlib.luaL_unref(this.#L, lua.LUA_REGISTRYINDEX, ref);
    this.#scripts.clear();
    this.#sourceBytes = 0;
  }

  /**
   * Runs a library's code (after its shebang line) so it registers its functions: only the
   * `redis` library API is visible to it, for at most LOAD_TIMEOUT_MS. Returns the functions;
   * throws Redis's FUNCTION LOAD errors. 'function' mode only.
   */
  compileLibrary(code: string, timeoutMs = LOAD_TIMEOUT_MS): Map<string, CompiledFunction> {
    const L = this.#L;
    lua.lua_settop(L, 0);
    if (lauxlib.luaL_loadbuffer(L, toLua(code), null, toLua('@user_function')) !== lua.LUA_OK) {
      const message = asLua51SyntaxError(fromLua(lua.lua_tolstring(L, -1)));
      lua.lua_settop(L, 0);
      throw new ReplyError(`ERR Error compiling function: ${message}`);
    }
    // The chunk and its closures see the proxy environment (globals through the library API
    // while loading, the real globals when called).
    lua.lua_getglobal(L, toLua('__redis__fn_env'));
    lua.lua_setupvalue(L, -2, 1);
    lua.lua_getglobal(L, toLua('__redis__load_library'));
    lua.lua_insert(L, 1);
    const registered = new Map<string, CompiledFunction>();
    this.#loading = registered;
    this.#loadStartedAtMs = performance.now();
    lua.lua_sethook(
      L,
      (L) => {
        if (timeoutMs > 0 && performance.now() - this.#loadStartedAtMs > timeoutMs) raise(L, 'ERR FUNCTION LOAD timeout');
      },
      lua.LUA_MASKCOUNT,
      HOOK_INSTRUCTIONS,
    );
    let failure: string | undefined;
    try {
      if (lua.lua_pcall(L, 1, 0, 0) !== lua.LUA_OK) failure = this.#loadErrorText();
    } catch (error) {
      failure = `ERR ${(error as Error).message}`;
    } finally {
      this.#loading = undefined;
      lua.lua_sethook(L, null, 0, 0);
      lua.lua_settop(L, 0);
      trimCallInfos(L);
    }
    if (failure !== undefined) {
      this.releaseFunctions(registered.values());
      throw new ReplyError(`ERR Error registering functions: ${failure}`);
    }
    return registered;
  }

  releaseFunctions(functions: Iterable<CompiledFunction>): void {
    for (const fn of functions) lauxlib.luaL_unref(this.#L, lua.LUA_REGISTRYINDEX, fn.ref);
  }

  /** A load error: the `err` field of an error table, or "ERR " + a Lua error string. */
  #loadErrorText(): string {
    const L = this.#L;
    if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
      lua.lua_getfield(L, -1, toLua('err'));
      const text = lua.lua_type(L, -1) === lua.LUA_TSTRING ? fromLua(lua.lua_tolstring(L, -1)) : 'ERR unknown error';
      lua.lua_pop(L, 1);
      return text;
    }
    return asLua51RuntimeError(`ERR ${lua.lua_type(L, -1) === lua.LUA_TSTRING ? fromLua(lua.lua_tolstring(L, -1)) : 'unknown error'}`);
  }

  /**
   * Runs a cached script and writes its reply. Returns a task when the script went past
   * busy-reply-threshold and yielded (the caller runs it on), undefined when it ended; throws
   * NOSCRIPT-free ReplyErrors for script errors. False when the sha is unknown.
   */
  runScript(sha: string, keys: readonly string[], args: readonly string[], caller: ScriptCaller, options: RunOptions, reply: ReplyWriter): ScriptTask | undefined | false {
    const script = this.#cached(sha);
    if (script === undefined) {
      caller.finish?.();
      return false;
    }
    const name = script.sha;
    this.#passed.clear();
    this.#keysGlobal.set(keys, this.#passed);
    this.#argvGlobal.set(args, this.#passed);
    return this.#start(script.ref, true, name, caller, options, reply, noArguments);
  }

  /** FCALL: the callback gets KEYS and ARGV as its two arguments. */
  runFunction(fn: CompiledFunction, keys: readonly string[], args: readonly string[], caller: ScriptCaller, options: RunOptions, reply: ReplyWriter): ScriptTask | undefined {
    return this.#start(fn.ref, false, fn.name, caller, options, reply, (co) => {
      pushArray(co, keys);
      pushArray(co, args);
      return 2;
    });
  }

  #takeThread(): LuaState {
    if (this.#thread !== undefined) return this.#thread;
    const L = this.#L;
    const co = lua.lua_newthread(L);
    this.#threadRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    this.#thread = co;
    return co;
  }

  #dropThread(): void {
    if (this.#thread === undefined) return;
    lauxlib.luaL_unref(this.#L, lua.LUA_REGISTRYINDEX, this.#threadRef);
    this.#thread = undefined;
  }

  #start(
    ref: number,
    isEval: boolean,
    name: string,
    caller: ScriptCaller,
    options: RunOptions,
    reply: ReplyWriter,
    pushArgs: (co: LuaState) => number,
  ): ScriptTask | undefined {
    if (this.#active !== undefined) {
      // Only one script runs at a time: a suspended one makes every other EVAL/FCALL BUSY.
      caller.finish?.();
      throw new ReplyError('ERR a script is already running');
    }
    caller.readOnly = options.readOnly;
    caller.allowOom = options.allowOom;
    caller.allowCrossSlot = options.allowCrossSlot;
    const co = this.#takeThread();
    lua.lua_settop(co, 0);
    lua.lua_rawgeti(co, lua.LUA_REGISTRYINDEX, ref);
    const argc = pushArgs(co);
    const nowMs = performance.now();
    const running: Running = {
      caller,
      co,
      isEval,
      name,
      reply,
      startedAtMs: nowMs,
      sliceStartedAtMs: nowMs,
      suspendable: options.suspendable,
      busyThresholdMs: options.busyThresholdMs,
      timedOut: false,
      killed: false,
    };
    lua.lua_sethook(co, this.#hook, lua.LUA_MASKCOUNT, HOOK_INSTRUCTIONS);
    this.#active = running;
    if (this.#slice(running, argc, nowMs)) return undefined;
    return this.#taskFor(running);
  }

  #taskFor(running: Running): ScriptTask {
    let state: 'suspended' | 'ended' = 'suspended';
    return {
      isEval: running.isEval,
      name: running.name,
      startedAtMs: running.startedAtMs,
      get wroteData() {
        return running.caller.wroteData;
      },
      step: () => {
        if (state === 'ended') return true;
        const done = (() => {
          try {
            return this.#slice(running, 0);
          } catch (error) {
            state = 'ended';
            throw error;
          }
        })();
        if (done) state = 'ended';
        return done;
      },
      kill: () => {
        running.killed = true;
      },
      abandon: () => {
        if (state === 'ended') return;
        state = 'ended';
        if (this.#active === running) this.#active = undefined;
        running.caller.finish?.();
        // A coroutine left suspended cannot be reused.
        if (this.#thread === running.co) this.#dropThread();
      },
    };
  }

  /** Redis's count hook: kill, or yield to the event loop once past busy-reply-threshold. */
  readonly #hook = (co: LuaState): void => {
    const running = this.#running;
    if (running === undefined) return;
    const nowMs = performance.now();
    // A killed script that catches the kill error in a pcall still yields at the end of each
    // slice, so the node keeps serving (SHUTDOWN NOSAVE) instead of hanging.
    const sliceOver = running.suspendable && running.timedOut && nowMs - running.sliceStartedAtMs >= SLICE_MS && lua.lua_isyieldable(co);
    // Raised again at every hook, so a pcall in the script cannot swallow it for good.
    if (running.killed && !sliceOver) raise(co, SCRIPT_KILLED_MESSAGE);
    if (!running.suspendable) return;
    if (!running.timedOut && nowMs - running.startedAtMs < running.busyThresholdMs) return;
    if (running.timedOut && nowMs - running.sliceStartedAtMs < SLICE_MS) return;
    // Not inside a JS function call (sort comparator, gsub callback): yield at a later hook.
    if (!lua.lua_isyieldable(co)) return;
    if (!running.timedOut) {
      running.timedOut = true;
      this.#log(
        'warning',
        `Slow script detected: still in execution after ${Math.floor(nowMs - running.startedAtMs)} milliseconds. You can try killing the script using the ${running.isEval ? 'SCRIPT KILL' : 'FUNCTION KILL'} command. Script name is: ${running.name}.`,
      );
    }
    lua.lua_yield(co, 0);
  };

  /** Resumes the coroutine; true once the script ended (reply written or error thrown). */
  #slice(running: Running, nargs: number, nowMs = performance.now()): boolean {
    const co = running.co;
    const reply = running.reply;
    const mark = reply.mark;
    this.#running = running;
    running.sliceStartedAtMs = nowMs;
    let status: number;
    try {
      status = lua.lua_resume(co, this.#L, nargs);
    } catch (error) {
      // A JS failure inside fengari (its stack, a bug) fails the script, never the node.
      this.#running = undefined;
      this.#active = undefined;
      running.caller.finish?.();
      this.#dropThread();
      reply.truncateTo(mark);
      throw new ReplyError(`ERR Error running script (call to ${this.#funcName(running)}): ${(error as Error).message}`);
    }
    this.#running = undefined;
    if (status === lua.LUA_YIELD) return false;
    this.#active = undefined;
    running.caller.finish?.();
    try {
      if (status !== lua.LUA_OK) {
        // The coroutine died on the error, its stack still in place: locate the failing
        // frame as Redis's error handler would (__redis__err__locate), then drop the thread.
        const error = this.#locateError(co);
        this.#dropThread();
        throw this.#scriptError(this.#L, running.name, error);
      }
      lua.lua_settop(co, 1); // the first result (nil when none), like Redis
      try {
        writeLuaValue(co, reply, running.caller.protocol, true);
      } catch (error) {
        if (error instanceof ReplyError) throw error;
        reply.truncateTo(mark);
        throw new ReplyError(`ERR Error running script (call to ${this.#funcName(running)}): ${(error as Error).message}`);
      }
    } finally {
      if (this.#thread === co) {
        lua.lua_settop(co, 0);
        lua.lua_sethook(co, null, 0, 0);
        trimCallInfos(co);
      } else {
        lua.lua_settop(this.#L, 0);
        trimCallInfos(this.#L);
      }
    }
    return true;
  }

  /**
   * Leaves on the main stack the error table of a failed run: the error (a table, or a string
   * turned into {err = 'ERR ' .. it}) with the source and line of the script's failing frame.
   * Returns false when the locator itself failed (then the raw error text is on the stack).
   */
  #locateError(co: LuaState): boolean {
    const L = this.#L;
    lua.lua_settop(L, 0);
    lua.lua_getglobal(L, toLua('__redis__err__locate'));
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.#threadRef);
    lua.lua_xmove(co, L, 1);
    return lua.lua_pcall(L, 2, 1, 0) === lua.LUA_OK;
  }

  #funcName(running: Running): string {
    return running.isEval ? `f_${running.name}` : running.name;
  }

  #scriptError(L: LuaState, name: string, located = true): ReplyError {
    if (!located) {
      const text = lua.lua_type(L, -1) === lua.LUA_TSTRING ? fromLua(lua.lua_tolstring(L, -1)) : 'unknown error';
      return new ReplyError(`ERR Error running script (call to ${name}): ${text}`);
    }
    let counted = false;
    if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
      lua.lua_getfield(L, -1, toLua('ignore_error_stats_update'));
      counted = lua.lua_toboolean(L, -1);
      lua.lua_pop(L, 1);
    }
    const error = new ReplyError(this.#errorText(L, name));
    if (counted) (error as ReplyError & { alreadyCounted?: boolean }).alreadyCounted = true;
    return error;
  }

  /** The error at the top of the stack (a table from the error handler), as Redis 7.0 words it. */
  #errorText(L: LuaState, name: string): string {
    if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) {
      const text = lua.lua_type(L, -1) === lua.LUA_TSTRING ? fromLua(lua.lua_tolstring(L, -1)) : 'unknown error';
      return `ERR Error running script (call to ${name}): ${text}`;
    }
    const field = (name: string): string | undefined => {
      lua.lua_getfield(L, -1, toLua(name));
      const type = lua.lua_type(L, -1);
      const value = type === lua.LUA_TSTRING || type === lua.LUA_TNUMBER ? fromLua(lua.lua_tolstring(L, -1)) : undefined;
      lua.lua_pop(L, 1);
      return value;
    };
    const message = asLua51RuntimeError(field('err') ?? 'ERR unknown error');
    const source = field('source');
    const line = field('line');
    if (source === undefined || line === undefined) return message;
    return `${message} script: ${name}, on ${source}:${line}.`;
  }

  #installRedisTable(): void {
    const L = this.#L;
    lua.lua_createtable(L, 0, 16);
    const set = (name: string, fn: (L: LuaState) => number): void => {
      lua.lua_pushjsfunction(L, fn);
      lua.lua_setfield(L, -2, toLua(name));
    };
    set('call', (L) => this.#redisCall(L, true));
    set('pcall', (L) => this.#redisCall(L, false));
    set('error_reply', (L) => singleFieldTable(L, 'err'));
    set('status_reply', (L) => singleFieldTable(L, 'ok'));
    set('sha1hex', (L) => {
      if (lua.lua_gettop(L) !== 1) raise(L, 'ERR wrong number of arguments');
      const type = lua.lua_type(L, 1);
      const text = type === lua.LUA_TSTRING || type === lua.LUA_TNUMBER ? fromLua(lua.lua_tolstring(L, 1)) : '';
      lua.lua_pushstring(L, toLua(sha1hex(text)));
      return 1;
    });
    set('log', (L) => {
      const argc = lua.lua_gettop(L);
      if (argc < 2) return raise(L, 'ERR redis.log() requires two arguments or more.');
      if (lua.lua_type(L, 1) !== lua.LUA_TNUMBER) return raise(L, 'ERR First argument must be a number (log level).');
      const level = LOG_LEVELS[lua.lua_tonumber(L, 1)];
      if (level === undefined) return raise(L, 'ERR Invalid debug level.');
      const parts: string[] = [];
      for (let i = 2; i <= argc; i++) {
        const type = lua.lua_type(L, i);
        if (type === lua.LUA_TSTRING || type === lua.LUA_TNUMBER) parts.push(fromLua(lua.lua_tolstring(L, i)));
      }
      this.#log(level, parts.join(' '));
      return 0;
    });
    set('setresp', (L) => {
      if (lua.lua_gettop(L) !== 1) raise(L, 'ERR redis.setresp() requires one argument.');
      const version = lua.lua_tonumber(L, 1);
      if (version !== 2 && version !== 3) raise(L, 'ERR RESP version must be 2 or 3.');
      if (this.#running !== undefined) this.#running.caller.protocol = version;
      return 0;
    });
    lua.lua_setglobal(L, toLua('redis'));
  }

  /** math.random / math.randomseed as Redis's patched Lua 5.1 (src/scripting/rand48.ts). */
  #installRandom(): void {
    const L = this.#L;
    lua.lua_getglobal(L, toLua('math'));
    lua.lua_pushjsfunction(L, (L) => {
      const r = this.#random.nextUnit();
      const argc = lua.lua_gettop(L);
      if (argc === 0) {
        lua.lua_pushnumber(L, r);
        return 1;
      }
      const low = argc === 1 ? 1 : Math.trunc(lua.lua_tonumber(L, 1));
      const high = Math.trunc(lua.lua_tonumber(L, argc === 1 ? 1 : 2));
      if (argc > 2) return lauxlib.luaL_error(L, toLua('wrong number of arguments'));
      if (!(low <= high)) return lauxlib.luaL_error(L, toLua(`bad argument #${argc} to 'random' (interval is empty)`));
      lua.lua_pushnumber(L, Math.floor(r * (high - low + 1)) + low);
      return 1;
    });
    lua.lua_setfield(L, -2, toLua('random'));
    lua.lua_pushjsfunction(L, (L) => {
      this.#random.seed(Math.trunc(lua.lua_tonumber(L, 1)));
      return 0;
    });
    lua.lua_setfield(L, -2, toLua('randomseed'));
    lua.lua_pop(L, 1);
  }

  /**
   * redis.register_function, positional (name, callback) or one table of named arguments
   * (function_name, callback, flags, description): Redis 7.0's checks and texts.
   */
  #registerFunction(L: LuaState): number {
    const registered = this.#loading;
    if (registered === undefined) return raise(L, 'ERR redis.register_function can only be called on FUNCTION LOAD command');
    const argc = lua.lua_gettop(L);
    if (argc < 1 || argc > 2) return raise(L, 'ERR wrong number of arguments to redis.register_function');
    let name: string | undefined;
    let description: string | null = null;
    let ref: number | undefined;
    const flags = new Set<ScriptFlag>();
    const isString = (index: number): boolean => {
      const type = lua.lua_type(L, index);
      return type === lua.LUA_TSTRING || type === lua.LUA_TNUMBER;
    };
    const fail = (message: string): never => {
      if (ref !== undefined) lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, ref);
      return raise(L, `ERR ${message}`);
    };
    if (argc === 2) {
      if (!isString(1)) return fail('first argument to redis.register_function must be a string');
      name = fromLua(lua.lua_tolstring(L, 1));
      if (lua.lua_type(L, 2) !== lua.LUA_TFUNCTION) return fail('second argument to redis.register_function must be a function');
      lua.lua_settop(L, 2);
      ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    } else {
      if (lua.lua_type(L, 1) !== lua.LUA_TTABLE) {
        return fail('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).');
      }
      lua.lua_pushnil(L);
      while (lua.lua_next(L, 1) !== 0) {
        if (lua.lua_type(L, -2) !== lua.LUA_TSTRING) return fail('named argument key given to redis.register_function is not a string');
        const key = fromLua(lua.lua_tolstring(L, -2)).toLowerCase();
        if (key === 'function_name') {
          if (!isString(-1)) return fail('function_name argument given to redis.register_function must be a string');
          name = fromLua(lua.lua_tolstring(L, -1));
        } else if (key === 'description') {
          if (!isString(-1)) return fail('description argument given to redis.register_function must be a string');
          description = fromLua(lua.lua_tolstring(L, -1));
        } else if (key === 'callback') {
          if (lua.lua_type(L, -1) !== lua.LUA_TFUNCTION) return fail('callback argument given to redis.register_function must be a function');
          if (ref !== undefined) lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, ref);
          ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
          continue; // luaL_ref popped the value
        } else if (key === 'flags') {
          if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) return fail('flags argument to redis.register_function must be a table representing function flags');
          if (!readFlags(L, flags)) return fail('unknown flag given');
        } else {
          return fail('unknown argument given to redis.register_function');
        }
        lua.lua_pop(L, 1);
      }
      if (name === undefined) return fail('redis.register_function must get a function name argument');
      if (ref === undefined) return fail('redis.register_function must get a callback argument');
    }
    if (!isValidFunctionName(name)) return fail(INVALID_NAME_MESSAGE);
    if (registered.has(name)) return fail('Function already exists in the library');
    registered.set(name, { name, ref: ref as number, description, flags });
    return 0;
  }

  #redisCall(L: LuaState, raiseErrors: boolean): number {
    const running = this.#running;
    const argc = lua.lua_gettop(L);
    if (running === undefined) return callFailed(L, raiseErrors, 'ERR redis.call is only available inside a script');
    if (argc === 0) return callFailed(L, raiseErrors, 'ERR Please specify at least one argument for this redis lib call');
    const argv = new Array<string>(argc);
    for (let i = 1; i <= argc; i++) {
      const type = lua.lua_type(L, i);
      if (type === lua.LUA_TNUMBER) argv[i - 1] = formatArgNumber(lua.lua_tonumber(L, i));
      else if (type === lua.LUA_TSTRING) argv[i - 1] = this.#passed.text(lua.lua_tolstring(L, i));
      else return callFailed(L, raiseErrors, 'ERR Lua redis lib command arguments must be strings or integers');
    }
    const result = running.caller.run(argv);
    if (typeof result === 'string') return callFailed(L, raiseErrors, result);
    lua.lua_checkstack(L, 64);
    const isError = pushReply(L, result);
    if (isError && raiseErrors) {
      // The command's error is already in the error stats: the script's failure is not counted again.
      lua.lua_pushboolean(L, true);
      lua.lua_setfield(L, -2, toLua('ignore_error_stats_update'));
      lua.lua_error(L);
    }
    return 1;
  }
}

/** The flags table of register_function: strings naming flags, case-insensitively. */
function readFlags(L: LuaState, flags: Set<ScriptFlag>): boolean {
  const table = lua.lua_absindex(L, -1);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, table) !== 0) {
    const type = lua.lua_type(L, -1);
    const name = type === lua.LUA_TSTRING || type === lua.LUA_TNUMBER ? fromLua(lua.lua_tolstring(L, -1)).toLowerCase() : undefined;
    lua.lua_pop(L, 1);
    if (name === undefined || !isScriptFlag(name)) {
      lua.lua_pop(L, 1); // the key: iteration ends here
      return false;
    }
    flags.add(name);
  }
  return true;
}

/** EVAL's script function takes no arguments (KEYS and ARGV are globals). */
function noArguments(): number {
  return 0;
}

/** How many of a run's KEYS/ARGV strings are remembered (a bounded scan per argument). */
const PASSED_STRINGS = 8;
/** Other strings remembered once decoded, and the longest one kept. */
const RECENT_STRINGS = 4;
const RECENT_STRING_BYTES = 32;

/**
 * The first KEYS and ARGV strings of the current run, as Lua strings (fengari's own byte
 * arrays, compared by identity) and as the wire strings they came from: a script passing
 * KEYS[1] to redis.call (the common case) costs no decoding. Other strings are decoded.
 */
class PassedStrings implements StringWatcher {
  readonly #bytes: Array<LuaString | undefined> = new Array<LuaString | undefined>(PASSED_STRINGS).fill(undefined);
  readonly #texts: string[] = new Array<string>(PASSED_STRINGS).fill('');
  #count = 0;

  clear(): void {
    for (let i = 0; i < this.#count; i++) this.#bytes[i] = undefined;
    this.#count = 0;
  }

  note(bytes: LuaString, text: string): void {
    if (this.#count === PASSED_STRINGS) return;
    this.#bytes[this.#count] = bytes;
    this.#texts[this.#count++] = text;
  }

  /** The last short strings decoded (kept across runs: a script's constants are the same arrays each run). */
  readonly #recentBytes: Array<LuaString | undefined> = new Array<LuaString | undefined>(RECENT_STRINGS).fill(undefined);
  readonly #recentTexts: string[] = new Array<string>(RECENT_STRINGS).fill('');
  #recentNext = 0;

  text(bytes: LuaString): string {
    for (let i = 0; i < this.#count; i++) if (this.#bytes[i] === bytes) return this.#texts[i] as string;
    for (let i = 0; i < RECENT_STRINGS; i++) if (this.#recentBytes[i] === bytes) return this.#recentTexts[i] as string;
    const text = fromLua(bytes);
    if (bytes.length <= RECENT_STRING_BYTES) {
      // Command names ('incr') are literals of the script: the next run passes the same array.
      this.#recentBytes[this.#recentNext] = bytes;
      this.#recentTexts[this.#recentNext] = text;
      this.#recentNext = (this.#recentNext + 1) % RECENT_STRINGS;
    }
    return text;
  }
}

function pushArray(L: LuaState, values: readonly string[]): void {
  lua.lua_createtable(L, values.length, 0);
  for (let i = 0; i < values.length; i++) {
    pushFreshString(L, toLua(values[i] as string));
    lua.lua_rawseti(L, -2, i + 1);
  }
}

/**
 * Lua 5.1's wording of 5.3's runtime type errors: 5.3 says "attempt to call a nil value
 * (field 'x')", 5.1 "attempt to call field 'x' (a nil value)".
 */
function asLua51RuntimeError(message: string): string {
  return message.replace(/attempt to ([a-z ]+?) a (\w+) value \((global|local|field|upvalue|method|constant) '([^']*)'\)/, (_, action: string, type: string, kind: string, name: string) => {
    return `attempt to ${action} ${kind === 'constant' ? 'field' : kind} '${name}' (a ${type} value)`;
  });
}

/**
 * Lua 5.1's wording of 5.3's syntax errors: 5.1 quotes every token ('<eof>', '<name>'), and
 * where 5.3 says "syntax error" (an expression statement that is not a call), 5.1 expected '='.
 */
function asLua51SyntaxError(message: string): string {
  return message
    .replace(/(?<!')<(eof|name|string|number|integer)>(?!')/g, (_, token: string) => `'<${token === 'integer' ? 'number' : token}>'`)
    .replace(/: syntax error near /, ": '=' expected near ")
    // 5.3 prints a byte it cannot print as '<\N>'; 5.1 prints control bytes as 'char(N)' and
    // any other byte as itself (luaX_token2str).
    .replace(/'<\\(\d+)>'/g, (_, code: string) => {
      const byte = Number(code);
      return byte < 32 || byte === 127 ? `'char(${byte})'` : `'${String.fromCharCode(byte)}'`;
    });
}

/** Redis formats number arguments with fpconv_dtoa: the shortest round-trip text. */
function formatArgNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

/** redis.call raises the error; redis.pcall returns it as {err = message}. */
function callFailed(L: LuaState, raiseErrors: boolean, message: string): number {
  if (raiseErrors) raise(L, message);
  pushErrorTable(L, message);
  return 1;
}

function singleFieldTable(L: LuaState, field: string): number {
  if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, 1) !== lua.LUA_TSTRING) {
    pushErrorTable(L, 'ERR wrong number or type of arguments');
    return 1;
  }
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushvalue(L, 1);
  lua.lua_setfield(L, -2, toLua(field));
  return 1;
}

function pushErrorTable(L: LuaState, message: string): void {
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushstring(L, toLua(message));
  lua.lua_setfield(L, -2, toLua('err'));
}

/** Raises {err = message}: the error handler adds the script position. */
function raise(L: LuaState, message: string): never {
  pushErrorTable(L, message);
  return lua.lua_error(L);
}
