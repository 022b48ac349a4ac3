import type { LuaState } from 'fengari';

/** The internals of a fengari thread that the patch reads. */
interface ThreadInternals {
  nny: number;
  allowhook: number;
  ci: { callstatus: number };
}

/** lstate.js's CIST_OAH (1 << 0), as in Lua 5.3 (lstate.js cannot be loaded first: import cycle). */
const CIST_OAH = 1;

type PcallK = (L: LuaState, nargs: number, nresults: number, errfunc: number, ctx: unknown, k: unknown) => number;

/**
 * fengari 0.1.5 bug: a yieldable pcall/xpcall (inside a coroutine) should save `allowhook` in
 * the CIST_OAH bit of its CallInfo (C Lua's setoah), but `callstatus &= ~CIST_OAH | allowhook`
 * only ever clears it. After an error caught by such a pcall, recovery restores allowhook from
 * that bit: 0, and the thread's hooks never run again. Scripts run as coroutines and rely on
 * the count hook for busy-reply-threshold and SCRIPT KILL, so the bit is set beforehand here.
 * Must run before fengari's lua.js copies lapi's exports (see loadFengari).
 */
export function patchYieldablePcall(lapi: { lua_pcallk: PcallK }): void {
  const original = lapi.lua_pcallk;
  lapi.lua_pcallk = (L, nargs, nresults, errfunc, ctx, k) => {
    const thread = L as unknown as ThreadInternals;
    if (k !== null && thread.nny === 0 && thread.allowhook) thread.ci.callstatus |= CIST_OAH;
    return original(L, nargs, nresults, errfunc, ctx, k);
  };
}
