import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../lib/random.js';
import { OrderTree, zless } from './order-tree.js';

/** The naive model: a sorted array of pairs. */
function sortModel(model: Map<string, number>): Array<[string, number]> {
  return [...model].sort((a, b) => (zless(a[1], a[0], b[1], b[0]) ? -1 : zless(b[1], b[0], a[1], a[0]) ? 1 : 0));
}

function runRandomOps(seed: number, operations: number, memberSpace: number, scoreSpace: number): void {
  const random = new SeededRandom(seed);
  const tree = new OrderTree();
  const model = new Map<string, number>();
  for (let op = 0; op < operations; op++) {
    const member = `m${random.int(memberSpace)}`;
    const roll = random.next();
    const old = model.get(member);
    if (roll < 0.55) {
      const score = random.int(scoreSpace) - scoreSpace / 2;
      if (old !== undefined && old !== score && random.next() < 0.7) assert.ok(tree.update(old, member, score));
      else {
        if (old !== undefined) assert.ok(tree.remove(old, member));
        tree.insert(score, member);
      }
      model.set(member, score);
    } else if (roll < 0.9) {
      assert.equal(tree.remove(old ?? 0, member), old !== undefined);
      model.delete(member);
    } else {
      // Bulk removal from the low end, like ZPOPMIN or ZREMRANGEBYRANK.
      const sorted = sortModel(model).slice(0, random.int(300));
      for (const [m, s] of sorted) {
        assert.ok(tree.remove(s, m));
        model.delete(m);
      }
    }
    if (op % 97 === 0 || op === operations - 1) {
      tree.checkInvariants();
      const sorted = sortModel(model);
      assert.equal(tree.size, sorted.length);
      assert.deepEqual([...tree.entries()], sorted);
      for (let k = 0; k < 20 && sorted.length > 0; k++) {
        const rank = random.int(sorted.length);
        const [m, s] = sorted[rank] as [string, number];
        assert.equal(tree.rankOf(s, m), rank);
        const cursor = tree.cursorAt(rank);
        assert.equal(cursor.leaf.members[cursor.index], m);
        const bound = random.int(scoreSpace) - scoreSpace / 2;
        assert.equal(tree.countBefore((score) => score >= bound), sorted.filter(([, score]) => score < bound).length);
      }
      assert.equal(tree.rankOf(0.5, 'absent'), -1);
    }
  }
}

test('OrderTree keeps order, sizes, links and ranks equal to a naive sorted model under random ops', () => {
  for (let seed = 1; seed <= 4; seed++) runRandomOps(seed, 6000, 3000, 200);
});

test('OrderTree with many equal scores orders by member bytes', () => {
  runRandomOps(11, 4000, 2000, 1);
});

test('OrderTree grows to several levels and shrinks back to an empty leaf', () => {
  const tree = new OrderTree();
  const count = 40_000;
  for (let i = 0; i < count; i++) tree.insert(i % 1000, `k${i}`);
  tree.checkInvariants();
  assert.equal(tree.size, count);
  const seen: string[] = [];
  tree.walk(count - 1, 3, true, (member) => {
    seen.push(member);
  });
  assert.deepEqual(seen, ['k9999', 'k9998', 'k9997'].map((_, i) => [...tree.entries()][count - 1 - i]?.[0]));
  for (let i = 0; i < count; i++) assert.ok(tree.remove(i % 1000, `k${i}`));
  tree.checkInvariants();
  assert.equal(tree.size, 0);
  assert.deepEqual([...tree.entries()], []);
});

test('OrderTree.update moves members by small steps inside a leaf and across leaves', () => {
  const tree = new OrderTree();
  const scores = new Map<string, number>();
  const random = new SeededRandom(5);
  for (let i = 0; i < 5000; i++) {
    tree.insert(i, `m${i}`);
    scores.set(`m${i}`, i);
  }
  for (let i = 0; i < 50_000; i++) {
    const member = `m${random.int(5000)}`;
    const old = scores.get(member) as number;
    const next = old + (random.int(7) - 3) * (random.next() < 0.05 ? 1000 : 1);
    if (next === old) continue;
    assert.ok(tree.update(old, member, next));
    scores.set(member, next);
  }
  tree.checkInvariants();
  assert.deepEqual([...tree.entries()], sortModel(scores));
  assert.equal(tree.update(-1e9, 'absent', 0), false);
});

test('member order is byte order: shorter prefix first, high bytes last', () => {
  assert.ok(zless(1, 'a', 1, 'a\x00'));
  assert.ok(zless(1, 'a\x7f', 1, 'a\x80'));
  assert.ok(zless(1, 'z', 1, '\xff'));
  assert.ok(zless(-Infinity, 'z', 0, 'a'));
});
