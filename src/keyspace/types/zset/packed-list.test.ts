import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../lib/random.js';
import { zless } from './order-tree.js';
import { PackedList } from './packed-list.js';

function sortModel(model: Map<string, number>): Array<[string, number]> {
  return [...model].sort((a, b) => (zless(a[1], a[0], b[1], b[0]) ? -1 : zless(b[1], b[0], a[1], a[0]) ? 1 : 0));
}

test('PackedList agrees with a sorted model: binary members, long members, doubles, -inf/inf', () => {
  const random = new SeededRandom(9);
  const lists = [new PackedList(), new PackedList()];
  const models = [new Map<string, number>(), new Map<string, number>()];
  const specials = [Infinity, -Infinity, -0, 0.1, 1e300, 5e-324];
  for (let op = 0; op < 6000; op++) {
    // Two lists used in turns: the shared decode cache must never mix them up.
    const which = random.int(2);
    const list = lists[which] as PackedList;
    const model = models[which] as Map<string, number>;
    const id = random.int(150);
    const member = id % 37 === 0 ? `${'\xff\x00'.repeat(200)}${id}` : `m\x00${id}`;
    const old = model.get(member);
    assert.equal(list.scoreOf(member), old);
    if (random.next() < 0.6) {
      const score = random.next() < 0.1 ? (specials[random.int(specials.length)] as number) : random.int(50) - 25;
      if (old === undefined) list.insert(score, member);
      else assert.ok(list.update(old, member, score));
      model.set(member, score);
    } else {
      assert.equal(list.remove(old ?? 0, member), old !== undefined);
      model.delete(member);
    }
    if (op % 50 === 0) {
      const sorted = sortModel(model);
      assert.equal(list.size, sorted.length);
      assert.deepEqual([...list.entries()], sorted);
      if (sorted.length > 0) {
        const rank = random.int(sorted.length);
        const [m, s] = sorted[rank] as [string, number];
        assert.equal(list.rankOf(s, m), rank);
        assert.deepEqual(list.at(rank), [m, s]);
        assert.equal(list.countBefore((score) => score >= 0), sorted.filter(([, score]) => score < 0).length);
        const walked: string[] = [];
        list.walk(rank, 3, true, (mm) => {
          walked.push(mm);
        });
        assert.deepEqual(walked, sorted.slice(Math.max(0, rank - 2), rank + 1).map(([mm]) => mm).reverse());
      }
    }
  }
});
