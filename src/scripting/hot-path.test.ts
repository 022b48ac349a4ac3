import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { ScriptCaller } from '../commands/server-facade.js';
import { ReplyWriter } from '../resp/reply-writer.js';
import { type RunOptions, ScriptEngine } from './engine.js';
import { loadFengari } from './lua-numbers.js';
import { trimCallInfos } from './fengari-source-patch.js';

/**
 * The EVALSHA hot path's shortcuts (src/scripting: simple replies read without the parser,
 * KEYS/ARGV strings handed back to redis.call undecoded, fengari's source patches) give what
 * the general paths give.
 */

const SYNC: RunOptions = { readOnly: false, allowOom: false, allowCrossSlot: true, suspendable: false, busyThresholdMs: 5000 };

function run(engine: ScriptEngine, body: string, caller: ScriptCaller, keys: string[] = [], args: string[] = []): string {
  const writer = new ReplyWriter();
  engine.runScript(engine.load(body), keys, args, caller, SYNC, writer);
  return writer.take().toString('latin1');
}

function replying(bytes: string, seen: string[][] = []): ScriptCaller {
  return {
    protocol: 2,
    readOnly: false,
    allowOom: false,
    allowCrossSlot: true,
    wroteData: false,
    run: (argv) => {
      seen.push(argv);
      return Buffer.from(bytes, 'latin1');
    },
  };
}

/** What the script sees of redis.call's reply, as a string built in Lua. */
const DESCRIBE = `
local r = redis.pcall('x')
local t = type(r)
if t == 'table' then
  if r.ok then return 'ok:' .. r.ok end
  if r.err then return 'err:' .. r.err end
  local parts = {}
  for i = 1, #r do parts[#parts + 1] = type(r[i]) .. ':' .. tostring(r[i]) end
  return 'array:' .. table.concat(parts, ',')
end
return t .. ':' .. tostring(r)`;

test('simple replies read from their bytes become the Lua values of the conversion table', () => {
  const engine = new ScriptEngine(() => {});
  const cases: Array<[string, string]> = [
    [':42\r\n', 'number:42'],
    [':-7\r\n', 'number:-7'],
    [':0\r\n', 'number:0'],
    [':-0\r\n', 'number:0'],
    [':123456789012345\r\n', 'number:1.2345678901234e+14'],
    // Longer than the exact-digit fast path: the parser reads it (a double, as before).
    [':9223372036854775807\r\n', 'number:9.2233720368548e+18'],
    ['$3\r\nabc\r\n', 'string:abc'],
    ['$0\r\n\r\n', 'string:'],
    ['$4\r\na\r\nb\r\n', 'string:a\r\nb'],
    ['$-1\r\n', 'boolean:false'],
    ['*-1\r\n', 'boolean:false'],
    ['_\r\n', 'nil:nil'],
    ['+OK\r\n', 'ok:OK'],
    ['-ERR boom\r\n', 'err:ERR boom'],
    ['*2\r\n:1\r\n$1\r\nx\r\n', 'array:number:1,string:x'],
  ];
  for (const [bytes, expected] of cases) {
    const reply = run(engine, DESCRIBE, replying(bytes));
    assert.equal(reply, `$${expected.length}\r\n${expected}\r\n`, JSON.stringify(bytes));
  }
});

test('KEYS and ARGV strings reach redis.call unchanged, also when the script makes new strings', () => {
  const engine = new ScriptEngine(() => {});
  const seen: string[][] = [];
  const keys = ['k\x00\xff', 'k2'];
  const args = ['a\r\n', '\x80'];
  run(engine, "redis.call('get', KEYS[1], KEYS[2], ARGV[1], ARGV[2], KEYS[1] .. 'x', string.sub(ARGV[1], 1, 1)) return 1", replying(':1\r\n', seen), keys, args);
  assert.deepEqual(seen, [['get', 'k\x00\xff', 'k2', 'a\r\n', '\x80', 'k\x00\xffx', 'a']]);
  // The next run gets its own strings (none of the previous run's is taken for them).
  seen.length = 0;
  run(engine, "redis.call('get', KEYS[1], ARGV[1]) return 1", replying(':1\r\n', seen), ['other'], ['v']);
  assert.deepEqual(seen, [['get', 'other', 'v']]);
});

test('each run gets new KEYS and ARGV tables, as Redis creates them per call', () => {
  const engine = new ScriptEngine(() => {});
  const caller = replying(':1\r\n');
  // A table reachable from a global library keeps the first run's KEYS.
  run(engine, 'string.kept_keys = KEYS return 1', caller, ['first']);
  const reply = run(engine, 'return {tostring(string.kept_keys == KEYS), string.kept_keys[1], KEYS[1], #ARGV}', caller, ['second']);
  assert.equal(reply, '*4\r\n$5\r\nfalse\r\n$5\r\nfirst\r\n$6\r\nsecond\r\n:0\r\n');
});

test("fengari's patched tables: keys removed during a traversal, then new keys", () => {
  const engine = new ScriptEngine(() => {});
  const body = `
local t = {}
for i = 1, 20 do t['k' .. i] = i end
local seen = 0
for k, v in pairs(t) do
  seen = seen + 1
  t[k] = nil
end
local left = 0
for _ in pairs(t) do left = left + 1 end
t.a = 1
t.b = 2
local after = 0
for _ in pairs(t) do after = after + 1 end
local u = {}
return {seen, left, after, next(u) == nil and 1 or 0}`;
  assert.equal(run(engine, body, replying(':1\r\n')), '*4\r\n:20\r\n:0\r\n:2\r\n:1\r\n');
});

test("fengari's source patches are applied (pops store undefined, tables share the empty dead-key and key maps)", () => {
  loadFengari();
  const require = createRequire(import.meta.url);
  const ldo = require('fengari/src/ldo.js') as { adjust_top: { toString(): string } };
  assert.ok(!ldo.adjust_top.toString().includes('delete'));
  const ltable = require('fengari/src/ltable.js') as { luaH_new: (L: unknown) => { dead_strong: Map<unknown, unknown>; strong: Map<unknown, unknown> } };
  const L = { l_G: { id_counter: 0 } };
  assert.equal(ltable.luaH_new(L).dead_strong, ltable.luaH_new(L).dead_strong);
  assert.equal(ltable.luaH_new(L).strong, ltable.luaH_new(L).strong);
});

test('empty tables share one key map until their first key; filling one leaves the others empty', () => {
  const engine = new ScriptEngine(() => {});
  const body = `
local a, b, c = {}, {}, {}
a.x = 1
b[1] = 'one'
local nc = 0
for _ in pairs(c) do nc = nc + 1 end
local empty = {}
empty.k = nil
return {a.x, b[1], #b, nc, #c, next(empty) == nil and 1 or 0, #ARGV, rawget(c, 'x') == nil and 1 or 0}`;
  assert.equal(run(engine, body, replying(':1\r\n')), '*8\r\n:1\r\n$3\r\none\r\n:1\r\n:0\r\n:0\r\n:1\r\n:0\r\n:1\r\n');
  // Later runs: a new ARGV is empty although an earlier one was filled.
  assert.equal(run(engine, 'return #ARGV', replying(':1\r\n'), [], ['a', 'b']), ':2\r\n');
  assert.equal(run(engine, 'return #ARGV', replying(':1\r\n')), ':0\r\n');
});

test('reused call frames: coroutines, caught errors and deep recursion leave later runs right', () => {
  const engine = new ScriptEngine(() => {});
  const caller = replying(':5\r\n');
  const body = `
local co = coroutine.wrap(function(a)
  local b = coroutine.yield(a + 1)
  local ok, err = pcall(function() error({err = 'inner'}) end)
  local c = coroutine.yield(b * 2)
  return tostring(ok) .. ':' .. err.err .. ':' .. c
end)
local r1 = co(1)
local r2 = co(10)
local r3 = co('z')
local function depth(n) if n == 0 then return redis.call('incr', 'k') end return depth(n - 1) end
local ok2, e2 = pcall(function() local t = nil; return t.x end)
return {r1, r2, r3, depth(3000), tostring(ok2), string.len(redis.sha1hex('x'))}`;
  const expected = '*6\r\n:2\r\n:20\r\n$13\r\nfalse:inner:z\r\n:5\r\n$5\r\nfalse\r\n:40\r\n';
  for (let i = 0; i < 3; i++) assert.equal(run(engine, body, caller), expected);
  assert.equal(run(engine, "return redis.call('incr', KEYS[1])", caller, ['k']), ':5\r\n');
  // A failing run (the thread is replaced), then a normal one.
  assert.throws(() => run(engine, 'local function f(n) return f(n + 1) + 1 end return f(1)', caller), /stack overflow/);
  assert.equal(run(engine, "return redis.call('incr', KEYS[1])", caller, ['k']), ':5\r\n');
});

test('trimCallInfos keeps a few spare frames and drops the rest', () => {
  type Frame = { next: Frame | null };
  const base: Frame = { next: null };
  let last = base;
  for (let i = 0; i < 100; i++) last = last.next = { next: null };
  trimCallInfos({ ci: base });
  let count = 0;
  for (let ci = base.next; ci !== null; ci = ci.next) count++;
  assert.ok(count > 0 && count < 100, String(count));
});
