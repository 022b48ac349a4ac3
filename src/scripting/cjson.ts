import type { LuaState } from 'fengari';
import { formatLuaNumber, loadFengari } from './lua-numbers.js';
import { fromLua, toLua } from './latin1.js';

const { lua, lauxlib } = loadFengari();

/**
 * The `cjson` library Redis bundles (encode, decode, null), for the common cases: strings are
 * bytes (UTF-8 text in JSON), numbers print as %.14g, tables with only positive integer keys
 * are arrays (sparse up to cjson's default limits), `/` is escaped as cjson does.
 */

/** cjson.null: a light userdata, equal only to itself. */
const JSON_NULL = { cjsonNull: true };

function fail(L: LuaState, message: string): never {
  return lauxlib.luaL_error(L, toLua(message));
}

function encodeString(bytes: string): string {
  let out = '"';
  for (let i = 0; i < bytes.length; i++) {
    const code = bytes.charCodeAt(i);
    const ch = bytes[i] as string;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '/') out += '\\/';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function encodeValue(L: LuaState, index: number, depth: number): string {
  if (depth > 1000) fail(L, 'Cannot serialise, excessive nesting (1001)');
  const type = lua.lua_type(L, index);
  if (type === lua.LUA_TSTRING) return encodeString(fromLua(lua.lua_tolstring(L, index)));
  if (type === lua.LUA_TNUMBER) {
    const n = lua.lua_tonumber(L, index);
    if (!Number.isFinite(n)) fail(L, `Cannot serialise number: must not be NaN or Inf`);
    return formatLuaNumber(n);
  }
  if (type === lua.LUA_TBOOLEAN) return lua.lua_toboolean(L, index) ? 'true' : 'false';
  if (type === lua.LUA_TNIL) return 'null';
  if (type === lua.LUA_TLIGHTUSERDATA && lua.lua_touserdata(L, index) === JSON_NULL) return 'null';
  if (type !== lua.LUA_TTABLE) return fail(L, 'Cannot serialise: type not supported');
  const table = lua.lua_absindex(L, index);
  lua.lua_checkstack(L, 4);
  // An array when every key is a positive integer (cjson's rule), sparse within limits.
  let max = 0;
  let count = 0;
  let isArray = true;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, table) !== 0) {
    lua.lua_pop(L, 1);
    count++;
    const key = lua.lua_type(L, -1) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -1) : NaN;
    if (Number.isInteger(key) && key >= 1) max = Math.max(max, key);
    else isArray = false;
  }
  if (count === 0) return '{}';
  if (isArray) {
    if (max > 10 && max > count * 2) fail(L, 'Cannot serialise table: excessively sparse array');
    const items: string[] = [];
    for (let i = 1; i <= max; i++) {
      lua.lua_rawgeti(L, table, i);
      items.push(encodeValue(L, -1, depth + 1));
      lua.lua_pop(L, 1);
    }
    return `[${items.join(',')}]`;
  }
  const members: string[] = [];
  lua.lua_pushnil(L);
  while (lua.lua_next(L, table) !== 0) {
    const keyType = lua.lua_type(L, -2);
    if (keyType !== lua.LUA_TSTRING && keyType !== lua.LUA_TNUMBER) fail(L, 'Cannot serialise: table key must be a number or string');
    lua.lua_pushvalue(L, -2);
    const key = fromLua(lua.lua_tolstring(L, -1));
    lua.lua_pop(L, 1);
    members.push(`${encodeString(key)}:${encodeValue(L, -1, depth + 1)}`);
    lua.lua_pop(L, 1);
  }
  return `{${members.join(',')}}`;
}

function pushJson(L: LuaState, value: unknown): void {
  lua.lua_checkstack(L, 4);
  if (value === null) lua.lua_pushlightuserdata(L, JSON_NULL);
  else if (typeof value === 'string') lua.lua_pushstring(L, toLua(Buffer.from(value, 'utf8').toString('latin1')));
  else if (typeof value === 'number') lua.lua_pushnumber(L, value);
  else if (typeof value === 'boolean') lua.lua_pushboolean(L, value);
  else if (Array.isArray(value)) {
    lua.lua_createtable(L, value.length, 0);
    value.forEach((item, i) => {
      pushJson(L, item);
      lua.lua_rawseti(L, -2, i + 1);
    });
  } else {
    const entries = Object.entries(value as Record<string, unknown>);
    lua.lua_createtable(L, 0, entries.length);
    for (const [key, item] of entries) {
      lua.lua_pushstring(L, toLua(Buffer.from(key, 'utf8').toString('latin1')));
      pushJson(L, item);
      lua.lua_rawset(L, -3);
    }
  }
}

/** Sets the global `cjson` table (call before the globals are protected). */
export function installCjson(L: LuaState): void {
  lua.lua_createtable(L, 0, 3);
  lua.lua_pushjsfunction(L, (L) => {
    if (lua.lua_gettop(L) !== 1) fail(L, 'bad argument #1 to \'encode\' (expected 1 argument)');
    lua.lua_pushstring(L, toLua(encodeValue(L, 1, 0)));
    return 1;
  });
  lua.lua_setfield(L, -2, toLua('encode'));
  lua.lua_pushjsfunction(L, (L) => {
    if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, 1) !== lua.LUA_TSTRING) fail(L, 'bad argument #1 to \'decode\' (string expected)');
    const text = Buffer.from(fromLua(lua.lua_tolstring(L, 1)), 'latin1').toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return fail(L, `Expected value but found invalid token: ${(error as Error).message}`);
    }
    pushJson(L, value);
    return 1;
  });
  lua.lua_setfield(L, -2, toLua('decode'));
  lua.lua_pushlightuserdata(L, JSON_NULL);
  lua.lua_setfield(L, -2, toLua('null'));
  lua.lua_setglobal(L, toLua('cjson'));
}
