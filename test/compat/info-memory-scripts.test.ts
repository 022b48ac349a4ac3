import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { connectIoredis } from '../support/clients.js';
import { startRedisServer } from '../support/redis-server-process.js';
import { startTessera } from '../support/tessera.js';

/**
 * INFO memory's script and function fields against a real redis-server 7.0: the same names in
 * the same order, the same counts after the same commands, and Redis's arithmetic between the
 * fields (totals, deprecated aliases, _human). The byte figures themselves are estimates on
 * Tessera (docs/memory-accounting.md), checked against that definition by
 * test/integration/info-scripts.test.ts.
 */

const SCRIPT_FIELDS = /^(used_memory_lua|used_memory_vm_|used_memory_scripts|used_memory_functions|number_of_)/;

function scriptFields(info: string): Array<[string, string]> {
  return info
    .split('\r\n')
    .filter((line) => SCRIPT_FIELDS.test(line))
    .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]);
}

/** Redis's bytesToHuman. */
function human(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`;
  const units = ['K', 'M', 'G', 'T', 'P'];
  let value = bytes / 1024;
  for (const unit of units) {
    if (value < 1024 || unit === 'P') return `${value.toFixed(2)}${unit}`;
    value /= 1024;
  }
  return `${bytes}B`;
}

/** The relations Redis's genRedisInfoString builds the fields by. */
function assertConsistent(fields: Map<string, string>, label: string): void {
  const n = (name: string): number => Number(fields.get(name));
  assert.equal(fields.get('used_memory_lua'), fields.get('used_memory_vm_eval'), label);
  assert.equal(fields.get('used_memory_lua_human'), human(n('used_memory_vm_eval')), label);
  assert.equal(n('used_memory_vm_total'), n('used_memory_vm_eval') + n('used_memory_vm_functions'), label);
  assert.equal(fields.get('used_memory_vm_total_human'), human(n('used_memory_vm_total')), label);
  assert.equal(n('used_memory_scripts'), n('used_memory_scripts_eval') + n('used_memory_functions'), label);
  assert.equal(fields.get('used_memory_scripts_human'), human(n('used_memory_scripts')), label);
}

const COUNTS = ['number_of_cached_scripts', 'number_of_functions', 'number_of_libraries'];

const LIB_A = "#!lua name=liba\nredis.register_function('fa1', function() return 1 end)\nredis.register_function{function_name='fa2', callback=function() return 2 end, description='two'}";
const LIB_B = "#!lua name=libb\nredis.register_function('fb', function() return 3 end)";

async function connectBoth(t: TestContext): Promise<{ real: Redis; tessera: Redis }> {
  const redis = await startRedisServer();
  t.after(() => redis.stop());
  const node = await startTessera();
  t.after(() => node.stop());
  return { real: await connectIoredis(t, redis.port), tessera: await connectIoredis(t, node.port) };
}

test('INFO memory script/function fields: names, order, counts and arithmetic as redis 7.0', async (t) => {
  const { real, tessera } = await connectBoth(t);
  const steps: Array<[string, (client: Redis) => Promise<unknown>]> = [
    ['fresh', async () => undefined],
    ['EVAL', (client) => client.eval('return 1', 0)],
    ['SCRIPT LOAD', (client) => client.script('LOAD', 'return 2')],
    ['EVAL again (cached)', (client) => client.eval('return 1', 0)],
    ['FUNCTION LOAD a', (client) => client.call('FUNCTION', 'LOAD', LIB_A)],
    ['FUNCTION LOAD b', (client) => client.call('FUNCTION', 'LOAD', LIB_B)],
    ['FUNCTION LOAD REPLACE a', (client) => client.call('FUNCTION', 'LOAD', 'REPLACE', LIB_A)],
    ['FUNCTION DELETE b', (client) => client.call('FUNCTION', 'DELETE', 'libb')],
    ['SCRIPT FLUSH', (client) => client.script('FLUSH')],
    ['FUNCTION FLUSH', (client) => client.call('FUNCTION', 'FLUSH')],
  ];
  for (const [label, run] of steps) {
    await run(real);
    await run(tessera);
    const theirs = scriptFields(await real.info('memory'));
    const ours = scriptFields(await tessera.info('memory'));
    assert.deepEqual(
      ours.map(([name]) => name),
      theirs.map(([name]) => name),
      `${label}: names and order`,
    );
    const theirMap = new Map(theirs);
    const ourMap = new Map(ours);
    for (const name of COUNTS) assert.equal(ourMap.get(name), theirMap.get(name), `${label}: ${name}`);
    assertConsistent(theirMap, `${label} (redis)`);
    assertConsistent(ourMap, `${label} (tessera)`);
  }
});
