import { createRequire } from 'node:module';
import type { LuaState, LuaString } from 'fengari';
import { patchYieldablePcall } from './fengari-pcall-patch.js';
import { withSourcePatches } from './fengari-source-patch.js';

const require = createRequire(import.meta.url);

interface TValue {
  value: number;
  ttisinteger(): boolean;
  setfltvalue(n: number): void;
}

interface LObject {
  luaO_str2num(s: LuaString, o: TValue): number;
  pushsvalue2s(L: LuaState, ts: unknown): void;
}

/**
 * Redis runs Lua 5.1, where every number is a double; fengari is Lua 5.3 with 32-bit integers
 * (2147483647 + 1 wraps). Two patches of fengari's number handling make scripts see 5.1
 * numbers: numerals (in source, tonumber, string coercion) become floats, and floats print
 * with 5.1's "%.14g" (3 not 3.0, 2^53 as 9.007199254741e+15). Library functions that return
 * integers (#, string.len) still give 5.3 integers, which behave the same below 2^31.
 * The patches are process-wide: fengari is only used by src/scripting, through loadFengari.
 */

/** C's printf("%.14g", n), as Lua 5.1's tostring. */
export function formatLuaNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const exponential = roundedExponential(n);
  const at = exponential.indexOf('e');
  const exponent = Number(exponential.slice(at + 1));
  if (exponent < -4 || exponent >= 14) {
    const mantissa = stripZeros(exponential.slice(0, at));
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return stripZeros(n.toFixed(Math.max(0, 13 - exponent)));
}

/**
 * n with 14 significant digits in exponential form. JS rounds exact ties away from zero, C's
 * printf to even (123456789012345 → 1.2345678901234e+14): the exact digits tell ties apart.
 */
function roundedExponential(n: number): string {
  const rounded = n.toExponential(13);
  const exact = Math.abs(n).toPrecision(100);
  const at = exact.indexOf('e');
  const digits = (at === -1 ? exact : exact.slice(0, at)).replace('.', '').replace(/^0+/, '');
  const tie = digits[14] === '5' && /^0*$/.test(digits.slice(15));
  if (!tie || Number(digits[13]) % 2 !== 0) return rounded;
  let exponent = Number(rounded.slice(rounded.indexOf('e') + 1));
  if (rounded.replace('-', '').startsWith('1') && digits.startsWith('9')) exponent--; // 9.99..5 rounded up to 10
  const truncated = `${digits.slice(0, 1)}.${digits.slice(1, 14)}`;
  return `${n < 0 ? '-' : ''}${truncated}e${exponent >= 0 ? '+' : ''}${exponent}`;
}

function stripZeros(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/\.?0+$/, '');
}

type Fengari = typeof import('fengari').default;

let pushOwned: ((L: LuaState, bytes: LuaString) => LuaString) | undefined;

/**
 * lua_pushstring without its copy, for a byte array made for this push and never changed
 * after (fengari's strings are immutable): the string takes the array. Returns it (what
 * lua_tolstring gives back for the string). The caller checks the stack room, as for
 * lua_pushstring.
 */
export function pushFreshString(L: LuaState, bytes: LuaString): LuaString {
  if (pushOwned === undefined) loadFengari();
  return (pushOwned as (L: LuaState, bytes: LuaString) => LuaString)(L, bytes);
}
let loaded: Fengari | undefined;

/**
 * fengari with the patches applied: luaconf is changed before lobject reads it (fengari's
 * modules copy luaconf's values when they load), so every module must come from here.
 */
export function loadFengari(): Fengari {
  loaded ??= withSourcePatches(loadPatched);
  return loaded;
}

function loadPatched(): Fengari {
  // defs.js first: it loads luaconf.js in fengari's own order (the two require each other).
  const defs = require('fengari/src/defs.js') as { luastring_from: (bytes: Uint8Array) => Uint8Array };
  // Every pushed string is copied by luastring_from, fengari's Uint8Array.from: a generic
  // iteration, ~3x slower than the typed-array copy constructor (same result: a plain
  // Uint8Array with the bytes). lstring.js reads it when it loads, below.
  defs.luastring_from = (bytes) => new Uint8Array(bytes);
  const luaconf = require('fengari/src/luaconf.js') as { LUA_COMPAT_FLOATSTRING: boolean; lua_number2str: (n: number) => string };
  luaconf.LUA_COMPAT_FLOATSTRING = true; // no '.0' after integral floats
  luaconf.lua_number2str = formatLuaNumber;
  patchYieldablePcall(require('fengari/src/lapi.js') as Parameters<typeof patchYieldablePcall>[0]);
  const fengari = require('fengari') as Fengari;
  const lobject = require('fengari/src/lobject.js') as LObject;
  const { luaS_bless } = require('fengari/src/lstring.js') as { luaS_bless: (L: LuaState, bytes: Uint8Array) => unknown };
  pushOwned = (L, bytes) => {
    lobject.pushsvalue2s(L, luaS_bless(L, bytes));
    return bytes;
  };
  const str2num = lobject.luaO_str2num;
  lobject.luaO_str2num = (s, o) => {
    const consumed = str2num(s, o);
    if (consumed !== 0 && o.ttisinteger()) o.setfltvalue(o.value);
    return consumed;
  };
  return fengari;
}
