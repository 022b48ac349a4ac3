import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha1hex } from './engine.js';
import { evalEngineOf } from './eval-engines.js';
import { functionRegistryOf } from './function-registry.js';
import { scriptCommandWrites } from './script-command-writes.js';

test('EVAL/FCALL write unless the script says no-writes; compatibility mode and unknown scripts defer to the command', () => {
  const server = { scripting: { log: () => undefined } };
  // Nothing created yet: shebangs are read from the body, shas and functions are unknown.
  assert.equal(scriptCommandWrites(server, 'eval', ['EVAL', '#!lua\nreturn 1', '0']), true);
  assert.equal(scriptCommandWrites(server, 'eval_ro', ['EVAL_RO', '#!lua flags=no-writes\nreturn 1', '0']), false);
  assert.equal(scriptCommandWrites(server, 'eval', ['EVAL', 'return 1', '0']), undefined);
  assert.equal(scriptCommandWrites(server, 'eval', ['EVAL', '#!lua flags=bogus\nreturn 1', '0']), undefined);
  assert.equal(scriptCommandWrites(server, 'evalsha', ['EVALSHA', sha1hex('#!lua\nreturn 1'), '0']), undefined);
  assert.equal(scriptCommandWrites(server, 'fcall', ['FCALL', 'f', '0']), undefined);
  assert.equal(scriptCommandWrites(server, 'get', ['GET', 'k']), undefined);

  const sha = evalEngineOf(server).load('#!lua flags=no-writes\nreturn 2');
  assert.equal(scriptCommandWrites(server, 'evalsha', ['EVALSHA', sha.toUpperCase(), '0']), false);
  assert.equal(scriptCommandWrites(server, 'evalsha_ro', ['EVALSHA_RO', 'short', '0']), undefined);
  functionRegistryOf(server).loadLibrary(
    "#!lua name=l\nredis.register_function('w', function() return 1 end)\nredis.register_function{function_name='r', callback=function() return 1 end, flags={'no-writes'}}",
  );
  assert.equal(scriptCommandWrites(server, 'fcall', ['FCALL', 'w', '0']), true);
  assert.equal(scriptCommandWrites(server, 'fcall_ro', ['FCALL_RO', 'r', '0']), false);
});
