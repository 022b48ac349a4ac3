import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore } from './config-store.js';
import { ConfigFileError, formatConfigError, loadConfigText, parseCommandLine } from './config-file.js';

function loadError(text: string): ConfigFileError {
  try {
    loadConfigText(new ConfigStore(), text);
  } catch (error) {
    assert.ok(error instanceof ConfigFileError);
    return error;
  }
  assert.fail('expected a config error');
}

test('command-line options become quoted lines after the file, like redis-server', () => {
  assert.deepEqual(parseCommandLine(['redis.conf', '--port', '7000', '--bind', '127.0.0.1', '::1']), {
    configFile: 'redis.conf',
    fromStdin: false,
    optionText: 'port "7000" \nbind "127.0.0.1" "::1" ',
  });
  // A bare --save means save "", and the word after a name is its value even when it starts with --.
  assert.equal(parseCommandLine(['--save', '--port', '--x']).optionText, 'save ""\nport "--x" ');
  assert.equal(parseCommandLine(['--port 7000']).optionText, 'port 7000 ');
  assert.equal(parseCommandLine(['--requirepass', 'a"b\\c\n']).optionText, 'requirepass "a\\"b\\\\c\\n" ');
  assert.equal(parseCommandLine(['-']).fromStdin, true);
});

test('bad lines fail with Redis reasons and line numbers', () => {
  assert.deepEqual(pick(loadError('port 7000\nfoo bar\n')), [2, 'foo bar', 'Bad directive or wrong number of arguments']);
  assert.deepEqual(pick(loadError('port')), [1, 'port', 'wrong number of arguments']);
  assert.deepEqual(pick(loadError('port 1 2')), [1, 'port 1 2', 'wrong number of arguments']);
  assert.deepEqual(pick(loadError('# c\n\n  daemonize "yes  \n')), [3, 'daemonize "yes', 'Unbalanced quotes in configuration line']);
  assert.deepEqual(pick(loadError('appendonly x')), [1, 'appendonly x', "argument must be 'yes' or 'no'"]);
  assert.deepEqual(pick(loadError('rename-command a')), [1, 'rename-command a', 'Bad directive or wrong number of arguments']);
  assert.deepEqual(pick(loadError('sentinel monitor')), [1, 'sentinel monitor', 'sentinel directive while not in sentinel mode']);
  assert.equal(
    formatConfigError(3, "port \"abc\"", "argument couldn't be parsed into an integer"),
    "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'port \"abc\"'\nargument couldn't be parsed into an integer\n",
  );
});

function pick(error: ConfigFileError): [number, string, string] {
  return [error.lineNumber, error.lineText, error.reason];
}

test('multi-argument directives parse on one line, quoted or not; save lines accumulate', () => {
  const store = new ConfigStore();
  loadConfigText(
    store,
    [
      'save 900 1',
      'save "300 10"',
      'bind 127.0.0.1 -::1',
      'client-output-buffer-limit replica 1gb 512mb 60',
      'oom-score-adj-values 0 100 200',
      'notify-keyspace-events "KEx"',
      'slaveof 10.0.0.1 6380',
      'maxmemory 2mb',
      'unixsocketperm 700',
      'rename-command FLUSHALL ""',
      'user alice on >pw ~* +@all',
      'loadmodule /x/y.so arg',
      'shutdown-on-sigint save now',
    ].join('\n'),
  );
  assert.equal(store.value('save'), '900 1 300 10');
  assert.equal(store.value('bind'), '127.0.0.1 -::1');
  assert.equal(store.value('client-output-buffer-limit'), 'normal 0 0 0 slave 1073741824 536870912 60 pubsub 33554432 8388608 60');
  assert.equal(store.value('oom-score-adj-values'), '0 100 200');
  assert.equal(store.value('notify-keyspace-events'), 'xKE');
  assert.equal(store.value('replicaof'), '10.0.0.1 6380');
  assert.equal(store.value('maxmemory'), '2097152');
  assert.equal(store.value('unixsocketperm'), '700');
  assert.equal(store.value('shutdown-on-sigint'), 'save now');
  assert.deepEqual(
    store.loaderLines.map((line) => line.directive),
    ['rename-command', 'user', 'loadmodule'],
  );
  assert.ok(!store.ignoredDirectives().includes('save')); // acted on since persistence (src/persistence)
  assert.ok(store.ignoredDirectives().includes('rename-command'));
  assert.ok(!store.ignoredDirectives().includes('unixsocketperm'));
});

test('include reads another file; its errors count its own lines', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-include-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.conf'), 'hz 42\n');
  writeFileSync(join(dir, 'bad.conf'), '\n\nhz x\n');
  const store = new ConfigStore();
  loadConfigText(store, `include ${join(dir, 'a.conf')}\nmaxclients 5`);
  assert.equal(store.value('hz'), '42');
  assert.equal(store.value('maxclients'), '5');
  assert.deepEqual(pick(loadError(`include ${join(dir, 'bad.conf')}`)), [3, 'hz x', "argument couldn't be parsed into an integer"]);
});
