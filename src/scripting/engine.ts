import { createHash } from 'node:crypto';
import type { LuaState } from 'fengari';
import type { ScriptCaller } from '../commands/server-facade.js';
import { ReplyError } from '../lib/errors.js';
import type { ReplyWriter } from '../resp/reply-writer.js';
import { fromLua, toLua } from './latin1.js';
import { loadFengari } from './lua-numbers.js';
import { LUA_SETUP } from './lua-setup.js';
import { installCjson } from './cjson.js';
import { Rand48 } from './rand48.js';
import { pushReply, writeLuaValue } from './convert.js';

const fengari = loadFengari();
const { lua, lauxlib, lualib } = fengari;

/** The Lua side's view of the running script: set for the time of one EVAL. */
interface Running {
  caller: ScriptCaller;
  readOnly: boolean;
}

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'verbose', 'notice', 'warning'];

export function sha1hex(body: string): string {
  return createHash('sha1').update(body, 'latin1').digest('hex');
}

/**
 * One Lua VM per node with the script cache (sha1 → compiled function), like Redis's `lua`
 * state. Scripts run synchronously to the end: nothing else runs meanwhile (atomicity).
 */
export class ScriptEngine {
  readonly #L: LuaState;
  readonly #scripts = new Map<string, number>();
  #running: Running | undefined;
  readonly #log: (level: LogLevel, message: string) => void;
  readonly #random = new Rand48();

  constructor(log: (level: LogLevel, message: string) => void) {
    this.#log = log;
    const L = (this.#L = lauxlib.luaL_newstate());
    lualib.luaL_openlibs(L);
    this.#installRedisTable();
    installCjson(L);
    this.#installRandom();
    const setup = toLua(LUA_SETUP);
    if (lauxlib.luaL_loadbuffer(L, setup, null, toLua('=redis_setup')) !== lua.LUA_OK || lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) {
      throw new Error(`Lua setup failed: ${fromLua(lua.lua_tolstring(L, -1))}`);
    }
    lua.lua_settop(L, 0);
  }

  get size(): number {
    return this.#scripts.size;
  }

  has(sha: string): boolean {
    return this.#scripts.has(sha.toLowerCase());
  }

  /** Compiles and caches a body (SCRIPT LOAD, EVAL); returns its sha1. */
  load(body: string): string {
    const sha = sha1hex(body);
    if (this.#scripts.has(sha)) return sha;
    const L = this.#L;
    if (lauxlib.luaL_loadbuffer(L, toLua(body), null, toLua('@user_script')) !== lua.LUA_OK) {
      const message = asLua51SyntaxError(fromLua(lua.lua_tolstring(L, -1)));
      lua.lua_settop(L, 0);
      throw new ReplyError(`ERR Error compiling script (new function): ${message}`);
    }
    this.#scripts.set(sha, lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX));
    return sha;
  }

  flush(): void {
    for (const ref of this.#scripts.values()) lauxlib.luaL_unref(this.#L, lua.LUA_REGISTRYINDEX, ref);
    this.#scripts.clear();
  }

  /** Runs a cached script and writes its reply; false when the sha is unknown. */
  run(sha: string, keys: readonly string[], args: readonly string[], caller: ScriptCaller, readOnly: boolean, reply: ReplyWriter): boolean {
    const ref = this.#scripts.get(sha.toLowerCase());
    if (ref === undefined) return false;
    const L = this.#L;
    lua.lua_settop(L, 0);
    lua.lua_getglobal(L, toLua('__redis__err__handler'));
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
    this.#setGlobalArray('KEYS', keys);
    this.#setGlobalArray('ARGV', args);
    const previous = this.#running;
    this.#running = { caller, readOnly };
    const mark = reply.mark;
    try {
      const status = lua.lua_pcall(L, 0, 1, 1);
      this.#running = previous;
      if (status === lua.LUA_OK) writeLuaValue(L, reply, caller.protocol, true);
      else throw this.#scriptError(sha);
    } catch (error) {
      if (error instanceof ReplyError) throw error;
      // A JS failure inside fengari (its stack, a bug) fails the script, never the node.
      reply.truncateTo(mark);
      throw new ReplyError(`ERR Error running script (call to f_${sha}): ${(error as Error).message}`);
    } finally {
      this.#running = previous;
      lua.lua_settop(L, 0);
    }
    return true;
  }

  #scriptError(sha: string): ReplyError {
    const L = this.#L;
    let counted = false;
    if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
      lua.lua_getfield(L, -1, toLua('ignore_error_stats_update'));
      counted = lua.lua_toboolean(L, -1);
      lua.lua_pop(L, 1);
    }
    const error = new ReplyError(this.#errorText(sha));
    if (counted) (error as ReplyError & { alreadyCounted?: boolean }).alreadyCounted = true;
    return error;
  }

  /** The error at the top of the stack (a table from the error handler), as Redis 7.0 words it. */
  #errorText(sha: string): string {
    const L = this.#L;
    if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) {
      const text = lua.lua_type(L, -1) === lua.LUA_TSTRING ? fromLua(lua.lua_tolstring(L, -1)) : 'unknown error';
      return `ERR Error running script (call to f_${sha}): ${text}`;
    }
    const field = (name: string): string | undefined => {
      lua.lua_getfield(L, -1, toLua(name));
      const type = lua.lua_type(L, -1);
      const value = type === lua.LUA_TSTRING || type === lua.LUA_TNUMBER ? fromLua(lua.lua_tolstring(L, -1)) : undefined;
      lua.lua_pop(L, 1);
      return value;
    };
    const message = field('err') ?? 'ERR unknown error';
    const source = field('source');
    const line = field('line');
    if (source === undefined || line === undefined) return message;
    return `${message} script: ${sha}, on ${source}:${line}.`;
  }

  #setGlobalArray(name: string, values: readonly string[]): void {
    const L = this.#L;
    lua.lua_pushglobaltable(L);
    lua.lua_pushstring(L, toLua(name));
    lua.lua_createtable(L, values.length, 0);
    for (let i = 0; i < values.length; i++) {
      lua.lua_pushstring(L, toLua(values[i] as string));
      lua.lua_rawseti(L, -2, i + 1);
    }
    lua.lua_rawset(L, -3);
    lua.lua_pop(L, 1);
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

  #redisCall(L: LuaState, raiseErrors: boolean): number {
    const running = this.#running;
    const argc = lua.lua_gettop(L);
    const fail = (message: string): number => {
      if (raiseErrors) raise(L, message);
      pushErrorTable(L, message);
      return 1;
    };
    if (running === undefined) return fail('ERR redis.call is only available inside a script');
    if (argc === 0) return fail('ERR Please specify at least one argument for this redis lib call');
    const argv: string[] = [];
    for (let i = 1; i <= argc; i++) {
      const type = lua.lua_type(L, i);
      if (type === lua.LUA_TNUMBER) argv.push(formatArgNumber(lua.lua_tonumber(L, i)));
      else if (type === lua.LUA_TSTRING) argv.push(fromLua(lua.lua_tolstring(L, i)));
      else return fail('ERR Lua redis lib command arguments must be strings or integers');
    }
    const result = running.caller.run(argv, running.readOnly);
    if (typeof result === 'string') return fail(result);
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

/**
 * Lua 5.1's wording of 5.3's syntax errors: 5.1 quotes every token ('<eof>', '<name>'), and
 * where 5.3 says "syntax error" (an expression statement that is not a call), 5.1 expected '='.
 */
function asLua51SyntaxError(message: string): string {
  return message
    .replace(/(?<!')<(eof|name|string|number|integer)>(?!')/g, (_, token: string) => `'<${token === 'integer' ? 'number' : token}>'`)
    .replace(/: syntax error near /, ": '=' expected near ");
}

/** Redis formats number arguments with fpconv_dtoa: the shortest round-trip text. */
function formatArgNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
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
