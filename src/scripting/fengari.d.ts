// The parts of fengari (Lua 5.3 in JavaScript, no bundled types) that src/scripting uses.
// Lua strings are Uint8Array (bytes); to_luastring encodes a JS string as UTF-8.

declare module 'fengari' {
  export type LuaState = { readonly __luaState: unique symbol };
  export type LuaString = Uint8Array;
  export type JsFunction = (L: LuaState) => number;
  interface Lua {
    LUA_OK: number;
    LUA_REGISTRYINDEX: number;
    LUA_TNIL: number;
    LUA_TBOOLEAN: number;
    LUA_TNUMBER: number;
    LUA_TSTRING: number;
    LUA_TTABLE: number;
    LUA_TLIGHTUSERDATA: number;
    LUA_MASKCOUNT: number;
    lua_gettop(L: LuaState): number;
    lua_settop(L: LuaState, index: number): void;
    lua_pop(L: LuaState, n: number): void;
    lua_type(L: LuaState, index: number): number;
    lua_tolstring(L: LuaState, index: number): LuaString;
    lua_tonumber(L: LuaState, index: number): number;
    lua_isinteger(L: LuaState, index: number): boolean;
    lua_toboolean(L: LuaState, index: number): boolean;
    lua_pushnil(L: LuaState): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushinteger(L: LuaState, n: number): void;
    lua_pushboolean(L: LuaState, b: boolean): void;
    /** Returns the string's internal copy (what lua_tolstring returns for it). */
    lua_pushstring(L: LuaState, s: LuaString): LuaString;
    lua_pushjsfunction(L: LuaState, f: JsFunction): void;
    lua_pushvalue(L: LuaState, index: number): void;
    lua_pushglobaltable(L: LuaState): void;
    lua_createtable(L: LuaState, narr: number, nrec: number): void;
    lua_setfield(L: LuaState, index: number, k: LuaString): void;
    lua_getfield(L: LuaState, index: number, k: LuaString): number;
    lua_rawgeti(L: LuaState, index: number, n: number): number;
    lua_rawseti(L: LuaState, index: number, n: number): void;
    lua_rawget(L: LuaState, index: number): number;
    lua_rawset(L: LuaState, index: number): void;
    lua_next(L: LuaState, index: number): number;
    lua_pushlightuserdata(L: LuaState, p: object): void;
    lua_touserdata(L: LuaState, index: number): unknown;
    lua_absindex(L: LuaState, index: number): number;
    lua_getglobal(L: LuaState, name: LuaString): number;
    lua_setglobal(L: LuaState, name: LuaString): void;
    lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
    lua_error(L: LuaState): never;
    lua_checkstack(L: LuaState, n: number): boolean;
    lua_sethook(L: LuaState, hook: ((L: LuaState, ar: unknown) => void) | null, mask: number, count: number): void;
    LUA_YIELD: number;
    LUA_TFUNCTION: number;
    lua_newthread(L: LuaState): LuaState;
    lua_resume(L: LuaState, from: LuaState | null, nargs: number): number;
    lua_yield(L: LuaState, n: number): number;
    lua_isyieldable(L: LuaState): boolean;
    lua_setupvalue(L: LuaState, funcindex: number, n: number): LuaString | null;
    lua_insert(L: LuaState, index: number): void;
    lua_xmove(from: LuaState, to: LuaState, n: number): void;
  }
  interface LuaAuxLib {
    luaL_newstate(): LuaState;
    luaL_loadbuffer(L: LuaState, buff: LuaString, size: number | null, name: LuaString): number;
    luaL_dostring(L: LuaState, s: LuaString): number;
    luaL_ref(L: LuaState, t: number): number;
    luaL_unref(L: LuaState, t: number, ref: number): void;
    luaL_error(L: LuaState, fmt: LuaString, ...args: unknown[]): never;
  }
  interface LuaLib {
    luaL_openlibs(L: LuaState): void;
  }
  const fengari: {
    lua: Lua;
    lauxlib: LuaAuxLib;
    lualib: LuaLib;
    to_luastring(s: string): LuaString;
  };
  export default fengari;
}

