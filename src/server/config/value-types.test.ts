import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigStore } from './config-store.js';
import { formatMemory, parseMemory } from './value-types.js';
import { ReplyError } from '../../lib/errors.js';

function setError(store: ConfigStore, name: string, value: string): string {
  try {
    store.set([[name, value]]);
  } catch (error) {
    assert.ok(error instanceof ReplyError);
    return error.message;
  }
  return 'OK';
}

test('memory values take Redis units in any case', () => {
  assert.equal(parseMemory('1k'), 1000n);
  assert.equal(parseMemory('1kb'), 1024n);
  assert.equal(parseMemory('2MB'), 2n * 1024n * 1024n);
  assert.equal(parseMemory('1g'), 1000000000n);
  assert.equal(parseMemory('1Gb'), 1073741824n);
  assert.equal(parseMemory('7b'), 7n);
  assert.equal(parseMemory('1.5gb'), null);
  assert.equal(parseMemory('-1'), null);
  assert.equal(parseMemory('1tb'), null);
  assert.equal(formatMemory(1073741824n), '1gb');
  assert.equal(formatMemory(3n * 1024n * 1024n), '3mb');
  assert.equal(formatMemory(2048n), '2kb');
  assert.equal(formatMemory(1000n), '1000');
});

test('CONFIG SET values are checked with Redis error texts', () => {
  const store = new ConfigStore();
  const failed = (name: string, reason: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`;
  assert.equal(setError(store, 'port', 'abc'), failed('port', "argument couldn't be parsed into an integer"));
  assert.equal(setError(store, 'hz', '01'), failed('hz', "argument couldn't be parsed into an integer"));
  assert.equal(setError(store, 'port', '70000'), failed('port', 'argument must be between 0 and 65535 inclusive'));
  assert.equal(setError(store, 'maxclients', '-1'), failed('maxclients', 'argument must be between 1 and 4294967295 inclusive'));
  assert.equal(setError(store, 'maxmemory', '1x'), failed('maxmemory', 'argument must be a memory value'));
  assert.equal(setError(store, 'maxmemory-clients', '1x'), failed('maxmemory-clients', 'argument must be a memory or percent value'));
  assert.equal(setError(store, 'maxmemory-clients', '101%'), failed('maxmemory-clients', 'percentage argument must be less or equal to 100'));
  assert.equal(setError(store, 'appendonly', 'maybe'), failed('appendonly', "argument must be 'yes' or 'no'"));
  assert.equal(setError(store, 'loglevel', 'loud'), failed('loglevel', 'argument(s) must be one of the following: debug, verbose, notice, warning'));
  assert.equal(setError(store, 'save', '10'), failed('save', 'Invalid save parameters'));
  assert.equal(setError(store, 'notify-keyspace-events', 'Q'), failed('notify-keyspace-events', "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."));
  assert.equal(setError(store, 'daemonize', 'yes'), failed('daemonize', "can't set immutable config"));
  assert.equal(setError(store, 'dir', '/tmp'), failed('dir', "can't set protected config"));
  assert.equal(setError(store, 'nosuch', '1'), "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
});

test('CONFIG SET prints values the way CONFIG GET shows them', () => {
  const store = new ConfigStore();
  store.set([
    ['maxmemory', '1GB'],
    ['maxmemory-clients', '5%'],
    ['notify-keyspace-events', 'Kgx'],
    ['client-output-buffer-limit', 'normal 1k 2mb 3'],
    ['shutdown-on-sigterm', 'now SAVE'],
    ['latency-tracking-info-percentiles', '50.5 99'],
    ['slave-priority', '7'],
    ['hz', '1000'],
  ]);
  assert.equal(store.value('maxmemory'), '1073741824');
  assert.equal(store.value('maxmemory-clients'), '5%');
  assert.equal(store.value('notify-keyspace-events'), 'gxK');
  assert.equal(store.value('client-output-buffer-limit'), 'normal 1000 2097152 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
  assert.equal(store.value('shutdown-on-sigterm'), 'save now');
  assert.equal(store.value('latency-tracking-info-percentiles'), '50.5 99');
  assert.equal(store.value('replica-priority'), '7');
  // updateHZ clamps to 500.
  assert.equal(store.value('hz'), '500');
});

test('CONFIG SET is all or nothing', () => {
  const store = new ConfigStore();
  assert.match(setError(store, 'hz', '5'), /OK/);
  setError(store, 'appendonly', 'yes');
  const message = (() => {
    try {
      store.set([
        ['hz', '20'],
        ['loglevel', 'bad'],
      ]);
    } catch (error) {
      return (error as Error).message;
    }
    return 'OK';
  })();
  assert.match(message, /loglevel/);
  assert.equal(store.value('hz'), '5');
  assert.equal(setError(store, 'hz', '1'), 'OK');
  assert.throws(
    () =>
      store.set([
        ['hz', '2'],
        ['HZ', '3'],
      ]),
    /'HZ'\) - duplicate parameter/,
  );
});

test('onChange listeners see the new value', () => {
  const store = new ConfigStore();
  const seen: string[] = [];
  store.onChange('slowlog-max-len', (value) => seen.push(value));
  store.set([['slowlog-max-len', '5']]);
  assert.deepEqual(seen, ['5']);
});
