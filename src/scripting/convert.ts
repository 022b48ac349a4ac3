import type { LuaState } from 'fengari';
import { ReplyError, sanitizeErrorText } from '../lib/errors.js';
import { type Reply, ReplyParser } from '../resp/reply-parser.js';
import type { ReplyWriter } from '../resp/reply-writer.js';
import { fromLua, toLua } from './latin1.js';
import { loadFengari, pushFreshString } from './lua-numbers.js';

const { lua } = loadFengari();

/**
 * Redis's conversion rules between replies and Lua values (the EVAL documentation's table),
 * both ways. RESP3 types only appear after redis.setresp(3) or for a RESP3 caller.
 */

/** Pushes the reply in `bytes` as a Lua value; true when it is an error ({err=...}). */
export function pushReply(L: LuaState, bytes: Buffer): boolean {
  const simple = pushSimpleReply(L, bytes);
  if (simple !== undefined) return simple;
  const parser = new ReplyParser({ nullMarkers: true });
  parser.feed(bytes);
  const reply = parser.next();
  if (reply === undefined) throw new Error('a command for a script wrote no complete reply');
  pushValue(L, reply);
  return reply.type === 'error';
}

const CR = 13;
const LF = 10;
/** Integers of up to this many digits are read exactly as doubles; longer ones round as Number() does. */
const MAX_EXACT_DIGITS = 15;

/**
 * The common replies of redis.call (integer, bulk, status, error, nil) straight from their
 * bytes, as the parser would read them: true/false as pushReply, undefined when `bytes` is
 * not one such reply (aggregates, RESP3 scalars, anything unusual: the parser then reads it).
 */
function pushSimpleReply(L: LuaState, bytes: Buffer): boolean | undefined {
  const end = bytes.length - 2; // the final CRLF
  if (end < 1 || bytes[end] !== CR || bytes[end + 1] !== LF) return undefined;
  switch (bytes[0]) {
    case 0x3a: {
      // ':' integer
      let at = 1;
      const negative = bytes[1] === 0x2d;
      if (negative) at++;
      if (at === end || end - at > MAX_EXACT_DIGITS) return undefined;
      let value = 0;
      for (; at < end; at++) {
        const digit = (bytes[at] as number) - 0x30;
        if (digit < 0 || digit > 9) return undefined;
        value = value * 10 + digit;
      }
      lua.lua_checkstack(L, 1);
      lua.lua_pushnumber(L, negative ? 0 - value : value); // 0 - 0 is +0, as Number(-0n)
      return false;
    }
    case 0x24: {
      // '$' bulk string, or RESP2's nil bulk
      const lengthEnd = bytes.indexOf(CR, 1);
      if (lengthEnd === end && end === 3 && bytes[1] === 0x2d && bytes[2] === 0x31) return pushFalse(L);
      if (lengthEnd < 2 || lengthEnd - 1 > MAX_EXACT_DIGITS) return undefined;
      let length = 0;
      for (let at = 1; at < lengthEnd; at++) {
        const digit = (bytes[at] as number) - 0x30;
        if (digit < 0 || digit > 9) return undefined;
        length = length * 10 + digit;
      }
      const start = lengthEnd + 2;
      if (start + length !== end || bytes[lengthEnd + 1] !== LF) return undefined;
      lua.lua_checkstack(L, 1);
      pushFreshString(L, new Uint8Array(bytes.subarray(start, end))); // a copy: the writer's buffer is reused
      return false;
    }
    case 0x2b: // '+' status: {ok = text}
    case 0x2d: {
      // '-' error: {err = text}
      if (bytes.indexOf(CR, 1) !== end) return undefined;
      const isError = bytes[0] === 0x2d;
      lua.lua_checkstack(L, 2);
      lua.lua_createtable(L, 0, 1);
      lua.lua_pushstring(L, bytes.subarray(1, end));
      lua.lua_setfield(L, -2, isError ? ERR_FIELD : OK_FIELD);
      return isError;
    }
    case 0x2a: // '*-1' RESP2's nil array
      return end === 3 && bytes[1] === 0x2d && bytes[2] === 0x31 ? pushFalse(L) : undefined;
    case 0x5f: // '_' RESP3's null
      if (end !== 1) return undefined;
      lua.lua_checkstack(L, 1);
      lua.lua_pushnil(L);
      return false;
    default:
      return undefined;
  }
}

const OK_FIELD = toLua('ok');
const ERR_FIELD = toLua('err');

function pushFalse(L: LuaState): false {
  lua.lua_checkstack(L, 1);
  lua.lua_pushboolean(L, false);
  return false;
}

function pushField(L: LuaState, field: string, push: () => void): void {
  lua.lua_createtable(L, 0, 1);
  push();
  lua.lua_setfield(L, -2, toLua(field));
}

function pushValue(L: LuaState, reply: Reply): void {
  lua.lua_checkstack(L, 4);
  switch (reply.type) {
    case 'simple':
      pushField(L, 'ok', () => lua.lua_pushstring(L, toLua(reply.value)));
      return;
    case 'error':
      pushField(L, 'err', () => lua.lua_pushstring(L, toLua(reply.value)));
      return;
    case 'integer':
      lua.lua_pushnumber(L, Number(reply.value));
      return;
    case 'bulk':
      pushFreshString(L, toLua(reply.value));
      return;
    case 'null':
      // RESP2's nil bulk and nil array are false; RESP3's null is nil.
      if (reply.marker === '_') lua.lua_pushnil(L);
      else lua.lua_pushboolean(L, false);
      return;
    case 'bool':
      lua.lua_pushboolean(L, reply.value);
      return;
    case 'double':
      pushField(L, 'double', () => lua.lua_pushnumber(L, parseDouble(reply.value)));
      return;
    case 'bignum':
      pushField(L, 'big_number', () => lua.lua_pushstring(L, toLua(reply.value)));
      return;
    case 'verbatim':
      pushField(L, 'verbatim_string', () => {
        lua.lua_createtable(L, 0, 2);
        lua.lua_pushstring(L, toLua(reply.format));
        lua.lua_setfield(L, -2, toLua('format'));
        lua.lua_pushstring(L, toLua(reply.value));
        lua.lua_setfield(L, -2, toLua('string'));
      });
      return;
    case 'array':
    case 'push':
      pushArray(L, reply.value);
      return;
    case 'set':
      pushField(L, 'set', () => {
        lua.lua_createtable(L, 0, reply.value.length);
        for (const item of reply.value) {
          pushValue(L, item);
          lua.lua_pushboolean(L, true);
          lua.lua_rawset(L, -3);
        }
      });
      return;
    case 'map':
      pushField(L, 'map', () => {
        lua.lua_createtable(L, 0, reply.value.length);
        for (const [key, value] of reply.value) {
          pushValue(L, key);
          pushValue(L, value);
          lua.lua_rawset(L, -3);
        }
      });
      return;
  }
}

function pushArray(L: LuaState, items: readonly Reply[]): void {
  lua.lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    pushValue(L, items[i] as Reply);
    lua.lua_rawseti(L, -2, i + 1);
  }
}

function parseDouble(text: string): number {
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

const MIN_INT64 = -(2n ** 63n);

/** Nesting of a script's reply beyond which it is cut with an error (recursion is per level). */
const MAX_REPLY_DEPTH = 1000;

/** Lua number → integer reply: truncated like C's (long long) cast (x86: out of range → MIN). */
function toInteger(n: number): number | bigint {
  const truncated = Math.trunc(n);
  // The common case without a bigint: the writer prints a safe integer the same way.
  if (Number.isSafeInteger(truncated)) return truncated === 0 ? 0 : truncated;
  if (!Number.isFinite(n) || Math.abs(n) >= 2 ** 63) return MIN_INT64;
  return BigInt(truncated);
}

/** Reads a table field with rawget; leaves nothing on the stack. */
function rawField(L: LuaState, field: string): { type: number; text: string | undefined; number: number } {
  lua.lua_pushstring(L, toLua(field));
  const type = lua.lua_rawget(L, -2);
  const text = type === lua.LUA_TSTRING ? fromLua(lua.lua_tolstring(L, -1)) : undefined;
  const number = type === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -1) : 0;
  lua.lua_pop(L, 1);
  return { type, text, number };
}

/**
 * Writes the Lua value at the top of the stack as the script's reply (and pops nothing).
 * A top-level error table throws ReplyError (dispatch writes and counts it); nested ones are
 * written in place.
 */
export function writeLuaValue(L: LuaState, reply: ReplyWriter, resp: 2 | 3, topLevel: boolean, depth = 0): void {
  if (depth > MAX_REPLY_DEPTH || !lua.lua_checkstack(L, 4)) {
    // Redis's text when its Lua stack runs out; here the limit guards the JS stack.
    reply.error('ERR reached lua stack limit');
    return;
  }
  const type = lua.lua_type(L, -1);
  if (type === lua.LUA_TSTRING) {
    reply.bulk(fromLua(lua.lua_tolstring(L, -1)));
  } else if (type === lua.LUA_TBOOLEAN) {
    // The script's protocol decides (redis.setresp), the caller's only encodes the result.
    const value = lua.lua_toboolean(L, -1);
    if (resp === 3) reply.bool(value);
    else if (value) reply.integer(1);
    else reply.null();
  } else if (type === lua.LUA_TNUMBER) {
    reply.integer(toInteger(lua.lua_tonumber(L, -1)));
  } else if (type === lua.LUA_TTABLE) {
    writeTable(L, reply, resp, topLevel, depth);
  } else {
    reply.null();
  }
}

function writeTable(L: LuaState, reply: ReplyWriter, resp: 2 | 3, topLevel: boolean, depth: number): void {
  const err = rawField(L, 'err');
  if (err.text !== undefined) {
    const message = sanitizeErrorText(err.text);
    if (topLevel) throw new ReplyError(message);
    reply.error(message);
    return;
  }
  const ok = rawField(L, 'ok');
  if (ok.text !== undefined) {
    reply.simple(ok.text.replace(/[\r\n]/g, ' '));
    return;
  }
  const double = rawField(L, 'double');
  if (double.type === lua.LUA_TNUMBER) {
    reply.double(double.number);
    return;
  }
  if (writeKeyed(L, reply, resp, 'map', depth) || writeKeyed(L, reply, resp, 'set', depth)) return;
  const items: number[] = [];
  for (let i = 1; ; i++) {
    const itemType = lua.lua_rawgeti(L, -1, i);
    lua.lua_pop(L, 1);
    if (itemType === lua.LUA_TNIL) break;
    items.push(i);
  }
  reply.array(items.length);
  for (const i of items) {
    lua.lua_rawgeti(L, -1, i);
    writeLuaValue(L, reply, resp, false, depth + 1);
    lua.lua_pop(L, 1);
  }
}

/** {map={...}} and {set={...}}: RESP3 map and set (flattened for RESP2 by the writer). */
function writeKeyed(L: LuaState, reply: ReplyWriter, resp: 2 | 3, field: 'map' | 'set', depth: number): boolean {
  lua.lua_pushstring(L, toLua(field));
  if (lua.lua_rawget(L, -2) !== lua.LUA_TTABLE) {
    lua.lua_pop(L, 1);
    return false;
  }
  let count = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2) !== 0) {
    count++;
    lua.lua_pop(L, 1);
  }
  if (field === 'map') reply.map(count);
  else reply.set(count);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2) !== 0) {
    lua.lua_pushvalue(L, -2);
    writeLuaValue(L, reply, resp, false, depth + 1);
    lua.lua_pop(L, 1);
    if (field === 'map') writeLuaValue(L, reply, resp, false, depth + 1);
    lua.lua_pop(L, 1);
  }
  lua.lua_pop(L, 1);
  return true;
}
