import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTERNAL_STRING_MIN_BYTES, externalStringsEnabled, isExternalString } from '../../src/lib/external-strings.js';
import { connectIoredis } from '../support/clients.js';
import { startTessera } from '../support/tessera.js';

/** `length` pseudo-random bytes (every byte value occurs), distinct per seed. */
function randomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed * 2654435761 + 1;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

// Values of EXTERNAL_STRING_MIN_BYTES and more are stored as external strings
// (docs/external-strings.md): every string command must see the same bytes as for heap strings.
test('large binary values (external strings) behave like any string: SET GET APPEND SETRANGE GETRANGE STRLEN, DEBUG RELOAD', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-large-values-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const node = await startTessera({ dir, 'enable-debug-command': 'yes' });
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  const values = new Map<string, Buffer>();
  for (let i = 0; i < 200; i++) {
    const value = randomBytes(EXTERNAL_STRING_MIN_BYTES + i * 37, i);
    values.set(`big:${i}`, value);
    assert.equal(await redis.set(`big:${i}`, value), 'OK');
  }
  const stored = node.server.keyspace.db(0).peek('big:0');
  assert.equal(typeof stored === 'string' && isExternalString(stored), externalStringsEnabled);
  for (const [key, value] of values) assert.deepEqual(await redis.getBuffer(key), value, key);

  const tail = randomBytes(100, 999);
  assert.equal(await redis.append('big:1', tail), (values.get('big:1') as Buffer).length + 100);
  values.set('big:1', Buffer.concat([values.get('big:1') as Buffer, tail]));
  await redis.setrange('big:2', 10, Buffer.from([0, 0xff, 0x0d, 0x0a]));
  const big2 = Buffer.from(values.get('big:2') as Buffer);
  Buffer.from([0, 0xff, 0x0d, 0x0a]).copy(big2, 10);
  values.set('big:2', big2);
  assert.deepEqual(await redis.getrangeBuffer('big:3', 100, 299), (values.get('big:3') as Buffer).subarray(100, 300));
  assert.equal(await redis.strlen('big:4'), (values.get('big:4') as Buffer).length);
  // MEMORY USAGE counts an external value's malloc'd bytes and its two headers.
  const usage = Number(await redis.call('MEMORY', 'USAGE', 'big:5'));
  assert.ok(usage >= (values.get('big:5') as Buffer).length + (externalStringsEnabled ? 64 : 16), `MEMORY USAGE ${usage}`);

  assert.equal(await redis.call('DEBUG', 'RELOAD'), 'OK');
  for (const [key, value] of values) assert.deepEqual(await redis.getBuffer(key), value, `${key} after DEBUG RELOAD`);
});
