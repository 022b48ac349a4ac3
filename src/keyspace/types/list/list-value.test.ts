import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../../../lib/random.js';
import { CHUNK_MAX_BYTES } from './chunk.js';
import { ListValue } from './list-value.js';

/** A small alphabet so LREM/LPOS/LINSERT find matches; some long values to stop packing. */
function randomValue(random: SeededRandom): string {
  const r = random.int(100);
  if (r < 2) return 'L'.repeat(CHUNK_MAX_BYTES + random.int(10));
  if (r < 10) return 'x'.repeat(40 + random.int(60));
  if (r < 12) return '';
  return String.fromCharCode(97 + random.int(6)) + (random.int(3) === 0 ? '\x00\xff' : '');
}

function modelPositions(model: string[], value: string, fromTail: boolean, skip: number, limit: number, maxScan: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < model.length; k++) {
    if (maxScan !== 0 && k >= maxScan) break;
    const i = fromTail ? model.length - 1 - k : k;
    if (model[i] !== value) continue;
    if (skip > 0) {
      skip--;
      continue;
    }
    out.push(i);
    if (limit !== 0 && out.length >= limit) break;
  }
  return out;
}

function runRandomOps(seed: number, steps: number, pushBias: number, trims: boolean): number {
  const random = new SeededRandom(seed);
  const list = new ListValue();
  const model: string[] = [];
  let maxSize = 0;
  for (let step = 0; step < steps; step++) {
    const op = random.int(100);
    const n = model.length;
    const where = `seed ${seed} step ${step} op ${op}`;
    if (op < pushBias) {
      const v = randomValue(random);
      if (random.int(2) === 0) {
        list.pushFront(v);
        model.unshift(v);
      } else {
        list.pushBack(v);
        model.push(v);
      }
      // Commands settle after each batch of pushes (packs a one-chunk list).
      if (random.int(3) === 0) list.settle();
    } else if (op < 55) {
      if (random.int(2) === 0) assert.equal(list.popFront(), model.shift(), where);
      else assert.equal(list.popBack(), model.pop(), where);
    } else if (op < 65 && n > 0) {
      const i = random.int(n);
      assert.equal(list.at(i), model[i], where);
      const v = randomValue(random);
      list.set(i, v);
      model[i] = v;
    } else if (op < 75) {
      const i = random.int(n + 1);
      const v = randomValue(random);
      list.insertAt(i, v);
      model.splice(i, 0, v);
    } else if (op < 78) {
      const v = randomValue(random);
      const count = random.int(5) - 2;
      let removed = 0;
      if (count >= 0) {
        for (let i = 0; i < model.length && (count === 0 || removed < count); ) {
          if (model[i] === v) {
            model.splice(i, 1);
            removed++;
          } else i++;
        }
      } else {
        for (let i = model.length - 1; i >= 0 && removed < -count; i--) {
          if (model[i] === v) {
            model.splice(i, 1);
            removed++;
          }
        }
      }
      assert.equal(list.removeMatches(v, count), removed, where);
    } else if (op < 80 && n > 0 && trims) {
      const start = random.int(n);
      const stop = start + random.int(n - start);
      list.trim(start, stop);
      model.splice(stop + 1);
      model.splice(0, start);
    } else if (op < 90 && n > 0) {
      const start = random.int(n);
      const stop = start + random.int(n - start);
      const seen: string[] = [];
      list.forRange(start, stop, (v) => seen.push(v));
      assert.deepEqual(seen, model.slice(start, stop + 1), where);
    } else if (op < 95) {
      const v = randomValue(random);
      const fromTail = random.int(2) === 0;
      const skip = random.int(3);
      const limit = random.int(4);
      const maxScan = random.int(3) === 0 ? random.int(n + 1) : 0;
      assert.deepEqual(list.positions(v, { fromTail, skip, limit, maxScan }), modelPositions(model, v, fromTail, skip, limit, maxScan), where);
      assert.equal(list.indexOf(v), model.indexOf(v), where);
    } else if (op < 96) {
      const copy = list.clone();
      assert.deepEqual(copy.toArray(), model, where);
      copy.pushBack('changed');
      copy.checkInvariants();
    }
    assert.equal(list.size, model.length, where);
    if (step % 50 === 0) list.checkInvariants();
    maxSize = Math.max(maxSize, model.length);
  }
  list.checkInvariants();
  assert.deepEqual(list.toArray(), model, `seed ${seed} final`);
  return maxSize;
}

test('random operations on the chunked list match an array model', () => {
  for (let seed = 1; seed <= 30; seed++) runRandomOps(seed, 3000, 45, true);
});

test('random operations on a growing list (many chunks, packed interiors) match an array model', () => {
  for (let seed = 100; seed <= 104; seed++) {
    const maxSize = runRandomOps(seed, 20000, 50, false);
    assert.ok(maxSize > 1000, `max size ${maxSize}`);
  }
});

test('a small list settles into one packed string', () => {
  const list = ListValue.from(['a', 'bb', '', 'ccc']);
  list.settle();
  assert.ok(list.memoryUsageBytes() <= 256, `memory ${list.memoryUsageBytes()}`);
  assert.equal(list.popFront(), 'a');
  list.pushFront('z');
  list.pushBack('y');
  list.settle();
  assert.deepEqual(list.toArray(), ['z', 'bb', '', 'ccc', 'y']);
  list.checkInvariants();
});

test('a big list of small elements packs its interior chunks', () => {
  const list = new ListValue();
  for (let i = 0; i < 100_000; i++) list.pushFront('xxx');
  // 5 bytes per element when packed (2-byte offset + 3 bytes); the strings alone would be 24+.
  assert.ok(list.memoryUsageBytes() < 100_000 * 8, `memory ${list.memoryUsageBytes()}`);
  for (let i = 0; i < 100_000; i++) assert.equal(list.popBack(), 'xxx');
  assert.equal(list.size, 0);
});
