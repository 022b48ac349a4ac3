import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ScriptCaller } from '../commands/server-facade.js';
import { ReplyError } from '../lib/errors.js';
import { ReplyWriter } from '../resp/reply-writer.js';
import { type RunOptions, ScriptEngine } from './engine.js';

const SYNC: RunOptions = { readOnly: false, allowOom: false, allowCrossSlot: true, suspendable: false, busyThresholdMs: 5000 };

function runScript(engine: ScriptEngine, body: string, caller: ScriptCaller, args: string[] = []): string {
  const writer = new ReplyWriter();
  engine.runScript(engine.load(body), [], args, caller, SYNC, writer);
  return writer.take().toString('latin1');
}

function fakeCaller(run: (argv: string[]) => Buffer | string): ScriptCaller {
  return { protocol: 2, readOnly: false, allowOom: false, allowCrossSlot: true, wroteData: false, run };
}

const okCaller = fakeCaller(() => Buffer.from('+OK\r\n'));

test('a deeply nested reply is cut with an error instead of overflowing the JS stack', () => {
  const engine = new ScriptEngine(() => {});
  const reply = runScript(engine, 'local t = {} local c = t for i = 1, 5000 do c[1] = {} c = c[1] end return t', okCaller);
  assert.ok(reply.endsWith('-ERR reached lua stack limit\r\n'));
});

test('binary arguments reach redis.call byte for byte, and replies come back as bytes', () => {
  const engine = new ScriptEngine(() => {});
  const seen: string[][] = [];
  const caller = fakeCaller((argv) => {
    seen.push(argv);
    return Buffer.from('$3\r\n\x00\xff\x80\r\n', 'latin1');
  });
  const reply = runScript(engine, "return redis.call('set', 'k', ARGV[1], 12, 0.5)", caller, ['\x00\xff\r\n']);
  assert.deepEqual(seen, [['set', 'k', '\x00\xff\r\n', '12', '0.5']]);
  assert.equal(reply, '$3\r\n\x00\xff\x80\r\n');
});

test('a refused command raises with the script position; pcall returns the error table', () => {
  const engine = new ScriptEngine(() => {});
  const refusing = fakeCaller(() => 'ERR This Redis command is not allowed from script');
  assert.throws(
    () => runScript(engine, "return redis.call('eval')", refusing),
    (error: unknown) => error instanceof ReplyError && /^ERR This Redis command is not allowed from script script: [0-9a-f]{40}, on @user_script:1\.$/.test(error.message),
  );
  assert.equal(runScript(engine, "return redis.pcall('eval')['err']", refusing), '$49\r\nERR This Redis command is not allowed from script\r\n');
});

test('redis.log writes to the server log at the given level', () => {
  const lines: string[] = [];
  const engine = new ScriptEngine((level, message) => lines.push(`${level} ${message}`));
  runScript(engine, "redis.log(redis.LOG_WARNING, 'hello', 42)", okCaller);
  assert.deepEqual(lines, ['warning hello 42']);
});

test('a script past busy-reply-threshold yields a task; it runs on in slices and ends with its reply', () => {
  const engine = new ScriptEngine(() => {});
  const writer = new ReplyWriter();
  const options: RunOptions = { readOnly: false, allowOom: false, allowCrossSlot: true, suspendable: true, busyThresholdMs: 20 };
  // The script spins until the test lets it stop (after three slices): how long a slice takes in
  // CPU time does not matter (os.clock counts every thread's CPU, which made this flaky).
  let stop = false;
  const stopCaller = fakeCaller(() => Buffer.from(stop ? ':1\r\n' : '$-1\r\n', 'latin1'));
  const body = "while not redis.call('get', 'stop') do end return 7";
  const task = engine.runScript(engine.load(body), [], [], stopCaller, options, writer);
  assert.ok(task !== undefined && task !== false, 'the script yielded');
  assert.equal(writer.pendingBytes, 0);
  let slices = 0;
  while (!task.step()) {
    slices++;
    assert.ok(slices < 1000, 'the script ends within 1000 slices once told to stop');
    if (slices === 3) stop = true;
  }
  assert.equal(slices, 3, 'the script ran on in slices until it was told to stop, then ended');
  assert.equal(writer.take().toString('latin1'), ':7\r\n');
  // The engine is free again: the next script runs to its end at once.
  assert.equal(runScript(engine, 'return 1', okCaller), ':1\r\n');
});

test('a killed script fails with Redis error at its next hook; one that swallows it in pcall still yields', () => {
  const engine = new ScriptEngine(() => {});
  const options: RunOptions = { readOnly: false, allowOom: false, allowCrossSlot: true, suspendable: true, busyThresholdMs: 10 };
  const task = engine.runScript(engine.load('local i = 0 while true do i = i + 1 end'), [], [], okCaller, options, new ReplyWriter());
  assert.ok(task !== undefined && task !== false);
  task.kill();
  assert.throws(
    () => {
      for (let i = 0; i < 100 && !task.step(); i++);
    },
    (error: unknown) => error instanceof ReplyError && error.message.startsWith('ERR Script killed by user with SCRIPT KILL... script: '),
  );
  const stubborn = engine.runScript(engine.load('while true do pcall(function() while true do end end) end'), [], [], okCaller, options, new ReplyWriter());
  assert.ok(stubborn !== undefined && stubborn !== false);
  stubborn.kill();
  for (let i = 0; i < 3; i++) assert.equal(stubborn.step(), false);
  stubborn.abandon();
});
