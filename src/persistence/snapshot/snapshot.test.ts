import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyspace } from '../../keyspace/keyspace.js';
import { ListValue } from '../../keyspace/types/list/list-value.js';
import type { StoredValue } from '../../keyspace/stored-value.js';
import { startSnapshot, snapshotRunning, type SnapshotEncoder } from './snapshot.js';

/** Records what a snapshot encodes: db → key → [value as text, expiry]. */
class RecordingEncoder implements SnapshotEncoder {
  readonly image = new Map<number, Map<string, [string, number | undefined]>>();
  #db = -1;
  selects = 0;

  selectDb(dbIndex: number): void {
    this.#db = dbIndex;
    this.selects++;
  }

  entry(key: string, value: StoredValue, expireAtMs: number | undefined): void {
    let db = this.image.get(this.#db);
    if (db === undefined) this.image.set(this.#db, (db = new Map()));
    assert.ok(!db.has(key), `key ${key} encoded twice`);
    db.set(key, [describe(value), expireAtMs]);
  }

  takeChunks(): Buffer[] {
    return [Buffer.from('x')];
  }
}

function describe(value: StoredValue): string {
  if (value instanceof ListValue) {
    const items: string[] = [];
    for (let i = 0; i < value.size; i++) items.push(value.at(i));
    return `list:${items.join(',')}`;
  }
  return String(value);
}

/** The image a snapshot should produce: the keyspace as it is now. */
function imageOf(keyspace: Keyspace): Map<number, Map<string, [string, number | undefined]>> {
  const image = new Map<number, Map<string, [string, number | undefined]>>();
  for (const db of keyspace.databases) {
    if (db.size === 0) continue;
    const keys = new Map<string, [string, number | undefined]>();
    for (const [key, value] of db.entries()) keys.set(key, [describe(value), db.expireAtMs(key)]);
    image.set(db.id, keys);
  }
  return image;
}

function makeKeyspace(keyCount: number): Keyspace {
  const keyspace = new Keyspace({ databaseCount: 4 });
  keyspace.nowMs = 1_000_000;
  const db = keyspace.db(0);
  for (let i = 0; i < keyCount; i++) db.set(`k${i}`, `v${i}`);
  for (let i = 0; i < keyCount; i += 10) db.setExpireAtMs(`k${i}`, 2_000_000 + i);
  const list = new ListValue();
  list.pushBack('a');
  list.pushBack('b');
  db.set('list', list);
  keyspace.db(1).set('other', 'o');
  keyspace.db(2).set('third', 't');
  return keyspace;
}

test('a snapshot run at once holds every key with its TTL', async () => {
  const keyspace = makeKeyspace(500);
  const expected = imageOf(keyspace);
  const encoder = new RecordingEncoder();
  const snapshot = startSnapshot(keyspace, { encoder, sink: () => undefined });
  assert.ok(snapshotRunning(keyspace));
  const result = snapshot.runToCompletion();
  assert.equal(result.keysSaved, 503);
  assert.deepEqual(encoder.image, expected);
  assert.ok(!snapshotRunning(keyspace));
  assert.ok(!keyspace.db(0).watched);
});

test('changes made while the walk runs do not reach the image; the image is the start state', async () => {
  const keyspace = makeKeyspace(20_000);
  const expected = imageOf(keyspace);
  const encoder = new RecordingEncoder();
  // A tiny slice: the walk takes many turns and the changes below interleave with it.
  const snapshot = startSnapshot(keyspace, { encoder, sink: () => undefined, sliceMs: 0.01 });
  const db0 = keyspace.db(0);
  let turn = 0;
  const mutate = () => {
    turn++;
    const base = (turn * 997) % 20_000;
    db0.set(`k${base}`, 'overwritten'); // overwrite
    db0.delete(`k${(base + 1) % 20_000}`); // delete
    db0.set(`new${turn}`, 'created'); // create
    db0.setExpireAtMs(`k${(base + 2) % 20_000}`, 5); // re-time
    db0.persist(`k${(base + 10) % 20_000}`);
    const moved = db0.delete(`k${(base + 3) % 20_000}`); // rename
    if (moved !== undefined) db0.set(`renamed${turn}`, moved);
    const list = db0.lookup('list') as ListValue; // in-place container change
    list.pushBack(`x${turn}`);
    if (turn === 5) keyspace.swap(1, 2);
    if (turn === 7) keyspace.db(1).flush();
    if (turn === 9) keyspace.db(3).set('late-db', 'z');
  };
  while (!snapshot.finished && turn < 10_000) {
    mutate();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await snapshot.done;
  assert.ok(turn > 10, `the walk interleaved with ${turn} turns of changes`);
  assert.deepEqual(encoder.image, expected);
  // Cells were frozen during the walk and thaw after: the table works as before.
  db0.set('after', '1');
  assert.equal(db0.peek('after'), '1');
});

test('keys expired during the walk keep their TTL in the image', async () => {
  const keyspace = makeKeyspace(100);
  const expected = imageOf(keyspace);
  const encoder = new RecordingEncoder();
  const snapshot = startSnapshot(keyspace, { encoder, sink: () => undefined, sliceMs: 0 });
  keyspace.nowMs = 3_000_000; // every TTL is past: active expiry removes them
  keyspace.db(0).activeExpire(() => false);
  assert.equal(keyspace.db(0).expiresCount, 0);
  snapshot.runToCompletion();
  assert.deepEqual(encoder.image, expected);
});

test('abort unwatches the tables and rejects done', async () => {
  const keyspace = makeKeyspace(100);
  const snapshot = startSnapshot(keyspace, { encoder: new RecordingEncoder(), sink: () => undefined });
  snapshot.abort(new Error('stop'));
  await assert.rejects(snapshot.done, /stop/);
  assert.ok(!keyspace.db(0).watched);
  assert.ok(!snapshotRunning(keyspace));
});

test('an encoder failing on a key saved early aborts the snapshot, not the command', async () => {
  const keyspace = makeKeyspace(100);
  const encoder = new RecordingEncoder();
  encoder.entry = () => {
    throw new Error('disk full');
  };
  const snapshot = startSnapshot(keyspace, { encoder, sink: () => undefined });
  keyspace.db(0).set('k5', 'new');
  await assert.rejects(snapshot.done, /disk full/);
  assert.equal(keyspace.db(0).peek('k5'), 'new');
});

test('overlapping snapshots each hold the dataset as it was when they started', async () => {
  const keyspace = makeKeyspace(3000);
  const db0 = keyspace.db(0);
  const firstExpected = imageOf(keyspace);
  const first = new RecordingEncoder();
  const firstSnapshot = startSnapshot(keyspace, { encoder: first, sink: () => undefined, sliceMs: 0.01 });
  db0.set('k1', 'changed-before-second');
  db0.delete('k2');
  db0.set('between', 'x');
  const secondExpected = imageOf(keyspace);
  const second = new RecordingEncoder();
  const secondSnapshot = startSnapshot(keyspace, { encoder: second, sink: () => undefined, sliceMs: 0.01 });
  for (let turn = 0; turn < 10_000 && !(firstSnapshot.finished && secondSnapshot.finished); turn++) {
    db0.set(`k${(turn * 7) % 3000}`, 'later');
    db0.delete(`k${(turn * 13) % 3000}`);
    db0.set(`after${turn}`, 'y');
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all([firstSnapshot.done, secondSnapshot.done]);
  assert.deepEqual(first.image, firstExpected);
  assert.deepEqual(second.image, secondExpected);
  assert.ok(!snapshotRunning(keyspace));
  assert.ok(!db0.watched);
});
