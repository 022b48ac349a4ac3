import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectIoredis } from '../support/clients.js';
import { startTessera } from '../support/tessera.js';

/**
 * INFO memory's script and function figures through a real client: exact counts, and byte
 * estimates as docs/memory-accounting.md defines them (Lua source bytes compiled into each VM,
 * 40-byte sha keys of the EVAL cache, the text the function registry keeps). Names, order and
 * counts against a real redis-server: test/compat/info-memory-scripts.test.ts.
 */

const SCRIPT_FIELDS = /^(used_memory_lua|used_memory_vm_|used_memory_scripts|used_memory_functions|number_of_)/;

const LIB_A = "#!lua name=liba\nredis.register_function('fa1', function() return 1 end)\nredis.register_function{function_name='fa2', callback=function() return 2 end, description='two'}";

test('the byte estimates follow their definition: source bytes in the VMs, sha keys, library text', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const tessera = await connectIoredis(t, node.port);
  const figures = async (): Promise<Map<string, number>> => {
    const lines = (await tessera.info('memory')).split('\r\n').filter((line) => SCRIPT_FIELDS.test(line));
    return new Map(lines.map((line) => [line.slice(0, line.indexOf(':')), Number(line.slice(line.indexOf(':') + 1))]));
  };
  let now = await figures();
  assert.equal(now.get('used_memory_vm_total'), 0);
  assert.equal(now.get('used_memory_scripts'), 0);

  const body = '#!lua flags=no-writes\nreturn 1';
  await tessera.eval(body, 0);
  await tessera.script('LOAD', 'return 2');
  now = await figures();
  assert.equal(now.get('used_memory_vm_eval'), body.length + 'return 2'.length);
  assert.equal(now.get('used_memory_scripts_eval'), 2 * 40);
  assert.equal(now.get('number_of_cached_scripts'), 2);

  await tessera.call('FUNCTION', 'LOAD', LIB_A);
  now = await figures();
  assert.equal(now.get('used_memory_vm_functions'), LIB_A.length);
  assert.equal(now.get('used_memory_functions'), 'liba'.length + LIB_A.length + 'fa1'.length + 'fa2'.length + 'two'.length);
  assert.equal(now.get('used_memory_vm_total'), body.length + 'return 2'.length + LIB_A.length);
  assert.equal(now.get('number_of_functions'), 2);
  assert.equal(now.get('number_of_libraries'), 1);
  // MEMORY STATS names the same two caches.
  const stats = (await tessera.call('MEMORY', 'STATS')) as unknown[];
  const stat = (name: string): unknown => stats[stats.indexOf(name) + 1];
  assert.equal(stat('lua.caches'), now.get('used_memory_scripts_eval'));
  assert.equal(stat('functions.caches'), now.get('used_memory_functions'));

  await tessera.script('FLUSH');
  await tessera.call('FUNCTION', 'FLUSH');
  now = await figures();
  assert.equal(now.get('used_memory_vm_total'), 0);
  assert.equal(now.get('used_memory_scripts'), 0);
});
