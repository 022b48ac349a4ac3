import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { connectIoredis, connectNodeRedis } from '../support/clients.js';
import { startTessera, type InProcessNode } from '../support/tessera.js';

const BUSY_EVAL = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
const BUSY_FUNCTION = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';

/** Until the node has a script past busy-reply-threshold (bounded: 5 s). */
async function untilBusy(node: InProcessNode): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (node.server.busyScripts.current !== undefined) return;
    await delay(10);
  }
  assert.fail('the script never went busy');
}

test('a runaway EVAL: other clients get BUSY, SCRIPT KILL ends it with Redis error, the node serves again', async (t) => {
  const node = await startTessera({ 'busy-reply-threshold': '100' });
  t.after(() => node.stop());
  const runner = await connectIoredis(t, node.port);
  const other = await connectIoredis(t, node.port);
  await other.set('k', 'before');
  const body = 'local i = 0 while true do i = i + 1 end';
  const sha = createHash('sha1').update(body).digest('hex');
  const running = runner.eval(body, 0).then(
    () => assert.fail('a killed script must fail'),
    (error: Error) => error.message,
  );
  await untilBusy(node);
  await assert.rejects(other.ping(), (error: Error) => error.message === BUSY_EVAL);
  await assert.rejects(other.set('k', 'during'), (error: Error) => error.message === BUSY_EVAL);
  await assert.rejects(other.call('FUNCTION', 'STATS'), (error: Error) => error.message === BUSY_EVAL);
  await assert.rejects(other.call('FUNCTION', 'KILL'), (error: Error) => error.message === BUSY_EVAL);
  assert.equal(await other.call('SCRIPT', 'KILL'), 'OK');
  assert.equal(await running, `ERR Script killed by user with SCRIPT KILL... script: ${sha}, on @user_script:1.`);
  assert.equal(await other.ping(), 'PONG');
  assert.equal(await other.get('k'), 'before');
  assert.equal(await runner.ping(), 'PONG');
  await assert.rejects(other.call('SCRIPT', 'KILL'), (error: Error) => error.message === 'NOTBUSY No scripts in execution right now.');
});

test('a runaway FCALL (node-redis): FUNCTION STATS shows it, SCRIPT KILL refuses, FUNCTION KILL ends it', async (t) => {
  const node = await startTessera({ 'lua-time-limit': '100' });
  t.after(() => node.stop());
  const runner = await connectNodeRedis(t, node.port);
  const other = await connectNodeRedis(t, node.port);
  await other.sendCommand(['FUNCTION', 'LOAD', "#!lua name=spin\nredis.register_function('spin', function() while true do end end)"]);
  const running = runner.sendCommand(['FCALL', 'spin', '0']).then(
    () => assert.fail('a killed function must fail'),
    (error: Error) => error.message,
  );
  await untilBusy(node);
  await assert.rejects(other.get('x'), (error: Error) => error.message === BUSY_FUNCTION);
  const stats = (await other.sendCommand(['FUNCTION', 'STATS'])) as unknown[];
  assert.equal(stats[0], 'running_script');
  const runningScript = stats[1] as unknown[];
  assert.deepEqual(runningScript.slice(0, 4), ['name', 'spin', 'command', ['FCALL', 'spin', '0']]);
  assert.equal(runningScript[4], 'duration_ms');
  assert.ok((runningScript[5] as number) >= 100);
  await assert.rejects(other.sendCommand(['SCRIPT', 'KILL']), (error: Error) => error.message === BUSY_FUNCTION);
  assert.equal(await other.sendCommand(['FUNCTION', 'KILL']), 'OK');
  assert.equal(await running, 'ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.');
  assert.equal(await other.ping(), 'PONG');
});

test('a script that wrote cannot be killed (UNKILLABLE); only SHUTDOWN NOSAVE stops the node', async (t) => {
  const node = await startTessera({ 'busy-reply-threshold': '100' });
  t.after(() => node.stop());
  const runner = await connectIoredis(t, node.port);
  const other = await connectIoredis(t, node.port);
  const closed = new Promise<void>((resolve) => runner.once('end', () => resolve()));
  void runner.eval("redis.call('set', 'w', '1') while true do end", 0).catch(() => undefined);
  await untilBusy(node);
  await assert.rejects(
    other.call('SCRIPT', 'KILL'),
    (error: Error) =>
      error.message ===
      'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
  );
  await assert.rejects(other.call('SHUTDOWN'), (error: Error) => error.message === BUSY_EVAL);
  await other.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
  await closed;
  assert.equal(node.server.busyScripts.current, undefined);
});

test('a slow script that ends by itself: its reply, then its pipelined commands; others saw BUSY and no change', async (t) => {
  const node = await startTessera({ 'busy-reply-threshold': '50' });
  t.after(() => node.stop());
  const runner = await connectIoredis(t, node.port);
  const other = await connectIoredis(t, node.port);
  const pipeline = runner
    .pipeline()
    .eval("local t = os.clock() while os.clock() - t < 0.4 do end redis.call('set', 'slow', 'done') return 'finished'", 0)
    .get('slow')
    .exec();
  await untilBusy(node);
  await assert.rejects(other.set('slow', 'other'), (error: Error) => error.message === BUSY_EVAL);
  const results = await pipeline;
  assert.deepEqual(results, [
    [null, 'finished'],
    [null, 'done'],
  ]);
  assert.equal(await other.get('slow'), 'done');
});

test('a slow script inside MULTI/EXEC: the commands after it run after it, replies in order', async (t) => {
  const node = await startTessera({ 'busy-reply-threshold': '50' });
  t.after(() => node.stop());
  const runner = await connectIoredis(t, node.port);
  const other = await connectIoredis(t, node.port);
  const exec = runner
    .multi()
    .set('a', '1')
    .eval("local t = os.clock() while os.clock() - t < 0.3 do end return redis.call('incr', 'a')", 0)
    .incr('a')
    .exec();
  await untilBusy(node);
  await assert.rejects(other.incr('a'), (error: Error) => error.message === BUSY_EVAL);
  assert.deepEqual(await exec, [
    [null, 'OK'],
    [null, 2],
    [null, 3],
  ]);
  assert.equal(await other.get('a'), '3');
});

test('a client blocked on a key a script pushes is served after the script, not in the middle', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const blocked = await connectIoredis(t, node.port);
  const runner = await connectIoredis(t, node.port);
  const popped = blocked.blpop('queue', 5);
  // Until BLPOP is parked (bounded: 5 s).
  for (let i = 0; i < 500 && !node.server.hasBlockedClients; i++) await delay(10);
  // The script pushes two elements then takes one back: BLPOP must see the end state only.
  const result = await runner.eval("redis.call('rpush', 'queue', 'a', 'b') return redis.call('lpop', 'queue')", 0);
  assert.equal(result, 'a');
  assert.deepEqual(await popped, ['queue', 'b']);
});
