import { createRequire } from 'node:module';
import type { LuaState, LuaString } from 'fengari';
import { toLua } from './latin1.js';
import { loadFengari } from './lua-numbers.js';

const require = createRequire(import.meta.url);
loadFengari();

/** The parts of fengari's internals used here (lobject, lstring, ltable; fengari 0.1.5). */
interface TValue {
  type: number;
  value: unknown;
}
type TValueClass = new (type: number, value: unknown) => TValue;
interface Table {
  flags: number;
}
interface LTable {
  luaH_new(L: LuaState): Table;
  luaH_getint(t: Table, key: number): TValue;
  luaH_setint(t: Table, key: number, value: TValue): void;
  luaH_setfrom(L: LuaState, t: Table, key: TValue, value: TValue): void;
  invalidateTMcache(t: Table): void;
}
interface StateInternals {
  l_G: { l_registry: TValue };
}

// After loadFengari: these are the patched modules it loaded.
const { TValue } = require('fengari/src/lobject.js') as { TValue: TValueClass };
const { luaS_bless } = require('fengari/src/lstring.js') as { luaS_bless: (L: LuaState, bytes: LuaString) => unknown };
const ltable = require('fengari/src/ltable.js') as LTable;
const defs = require('fengari/src/defs.js') as { LUA_RIDX_GLOBALS: number; constant_types: { LUA_TLNGSTR: number; LUA_TTABLE: number } };
const { LUA_TLNGSTR, LUA_TTABLE } = defs.constant_types;

export interface StringWatcher {
  note(bytes: LuaString, text: string): void;
}

/**
 * Sets a global (KEYS, ARGV) to a new array of strings on every run, as Redis's
 * luaCreateArray + lua_setglobal do, straight into fengari's tables: the same tables and
 * strings the C API would make (lua_createtable, lua_pushstring, lua_rawseti, lua_rawset on
 * the globals), without the stack traffic, the argument checks and the extra TValue copies,
 * which were most of an EVALSHA's fixed cost. The globals table and the name's string are
 * looked up once.
 */
export class GlobalArray {
  readonly #L: LuaState;
  readonly #globals: Table;
  readonly #name: TValue;
  /** Reused carriers: fengari's table setters copy the type and value out of them. */
  readonly #item = new TValue(LUA_TLNGSTR, null);
  readonly #table = new TValue(LUA_TTABLE, null);

  constructor(L: LuaState, name: string) {
    this.#L = L;
    const registry = (L as unknown as StateInternals).l_G.l_registry.value as Table;
    this.#globals = ltable.luaH_getint(registry, defs.LUA_RIDX_GLOBALS).value as Table;
    this.#name = new TValue(LUA_TLNGSTR, luaS_bless(L, toLua(name)));
  }

  /** `seen` is told each Lua string made (fengari's byte array, never changed) and its text. */
  set(values: readonly string[], seen: StringWatcher): void {
    const L = this.#L;
    const table = ltable.luaH_new(L);
    const item = this.#item;
    for (let i = 0; i < values.length; i++) {
      const text = values[i] as string;
      const bytes = toLua(text);
      item.value = luaS_bless(L, bytes);
      ltable.luaH_setint(table, i + 1, item);
      seen.note(bytes, text);
    }
    item.value = null;
    this.#table.value = table;
    ltable.luaH_setfrom(L, this.#globals, this.#name, this.#table);
    ltable.invalidateTMcache(this.#globals);
    this.#table.value = null;
  }
}
