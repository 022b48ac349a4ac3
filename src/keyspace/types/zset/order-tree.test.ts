import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../lib/random.js';
import { type Leaf, OrderTree, zless } from './order-tree.js';

/** The naive model: a sorted array of pairs. */
function sortModel(model: Map<string, number>): Array<[string, number]> {
  return [...model].sort((a, b) => (zless(a[1], a[0], b[1], b[0]) ? -1 : zless(b[1], b[0], a[1], a[0]) ? 1 : 0));
}

/**
 * The tree with ids handed out like MemberSlots hands out slots: the last freed id first, so
 * ids are reused and the tree's leaf-of-id map sees reuse.
 */
class IdTree {
  readonly tree = new OrderTree();
  readonly #ids = new Map<string, number>();
  readonly #free: number[] = [];
  #next = 0;

  insert(score: number, member: string): void {
    const id = this.#free.pop() ?? this.#next++;
    this.#ids.set(member, id);
    this.tree.insert(score, member, id);
  }

  remove(member: string): boolean {
    const id = this.#ids.get(member);
    if (id === undefined) return false;
    this.tree.removeId(id);
    this.#ids.delete(member);
    this.#free.push(id);
    return true;
  }

  update(member: string, score: number): void {
    this.tree.updateId(this.#ids.get(member) as number, score);
  }

  score(member: string): number | undefined {
    const id = this.#ids.get(member);
    return id === undefined ? undefined : this.tree.scoreOfId(id);
  }

  rank(member: string): number {
    const id = this.#ids.get(member);
    return id === undefined ? -1 : this.tree.rankOfId(id);
  }
}

function runRandomOps(seed: number, operations: number, memberSpace: number, scoreSpace: number): void {
  const random = new SeededRandom(seed);
  const ids = new IdTree();
  const tree = ids.tree;
  const model = new Map<string, number>();
  for (let op = 0; op < operations; op++) {
    const member = `m${random.int(memberSpace)}`;
    const roll = random.next();
    const old = model.get(member);
    // A score read then a move of the same member, as ZADD and ZINCRBY do (the tree keeps the
    // member's index in its leaf from the read).
    assert.equal(ids.score(member), old);
    if (roll < 0.55) {
      const score = random.int(scoreSpace) - scoreSpace / 2;
      if (old !== undefined && old !== score && random.next() < 0.7) ids.update(member, score);
      else {
        if (old !== undefined) assert.ok(ids.remove(member));
        ids.insert(score, member);
      }
      model.set(member, score);
    } else if (roll < 0.9) {
      assert.equal(ids.remove(member), old !== undefined);
      model.delete(member);
    } else {
      // Bulk removal from the low end, like ZPOPMIN or ZREMRANGEBYRANK.
      const sorted = sortModel(model).slice(0, random.int(300));
      for (const [m] of sorted) {
        assert.ok(ids.remove(m));
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
        assert.equal(ids.rank(m), rank);
        const cursor = tree.cursorAt(rank);
        assert.equal(cursor.leaf.members[cursor.index], m);
        assert.equal(cursor.leaf.scores[cursor.index], s);
        const bound = random.int(scoreSpace) - scoreSpace / 2;
        assert.equal(tree.countBefore((score) => score >= bound), sorted.filter(([, score]) => score < bound).length);
      }
      assert.equal(ids.rank('absent'), -1);
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
  const ids = new IdTree();
  const tree = ids.tree;
  const count = 40_000;
  for (let i = 0; i < count; i++) ids.insert(i % 1000, `k${i}`);
  tree.checkInvariants();
  assert.equal(tree.size, count);
  const seen: string[] = [];
  tree.walk(count - 1, 3, true, (member) => {
    seen.push(member);
  });
  assert.deepEqual(seen, ['k9999', 'k9998', 'k9997'].map((_, i) => [...tree.entries()][count - 1 - i]?.[0]));
  for (let i = 0; i < count; i++) assert.ok(ids.remove(`k${i}`));
  tree.checkInvariants();
  assert.equal(tree.size, 0);
  assert.deepEqual([...tree.entries()], []);
});

test('OrderTree.update moves members by small steps inside a leaf and across leaves', () => {
  const ids = new IdTree();
  const tree = ids.tree;
  const scores = new Map<string, number>();
  const random = new SeededRandom(5);
  for (let i = 0; i < 5000; i++) {
    ids.insert(i, `m${i}`);
    scores.set(`m${i}`, i);
  }
  for (let i = 0; i < 50_000; i++) {
    const member = `m${random.int(5000)}`;
    const old = scores.get(member) as number;
    const next = old + (random.int(7) - 3) * (random.next() < 0.05 ? 1000 : 1);
    if (next === old) continue;
    ids.update(member, next);
    scores.set(member, next);
  }
  tree.checkInvariants();
  assert.deepEqual([...tree.entries()], sortModel(scores));
});

test('member order is byte order: shorter prefix first, high bytes last', () => {
  assert.ok(zless(1, 'a', 1, 'a\x00'));
  assert.ok(zless(1, 'a\x7f', 1, 'a\x80'));
  assert.ok(zless(1, 'z', 1, '\xff'));
  assert.ok(zless(-Infinity, 'z', 0, 'a'));
});

test('OrderTree fills leaves when inserts come in ascending or descending order, and random inserts into leaves at least half full', () => {
  const countLeaves = (tree: OrderTree): number => {
    let leaves = 0;
    for (let leaf: Leaf | null = tree.firstLeaf; leaf !== null; leaf = leaf.next) leaves++;
    return leaves;
  };
  const ascending = new IdTree();
  for (let i = 0; i < 64 * 200; i++) ascending.insert(i, `m${i}`);
  ascending.tree.checkInvariants();
  // 64 per leaf: a half split per leaf would make 400.
  assert.equal(countLeaves(ascending.tree), 200);
  // Descending, as Redis writes a skiplist into an RDB file.
  const descending = new IdTree();
  for (let i = 64 * 200; i > 0; i--) descending.insert(i, `m${i}`);
  descending.tree.checkInvariants();
  assert.equal(countLeaves(descending.tree), 200);
  assert.deepEqual(descending.tree.at(0), ['m1', 1]);
  const random = new SeededRandom(8);
  const shuffled = new IdTree();
  for (let i = 0; i < 64 * 200; i++) shuffled.insert(random.int(1_000_000), `m${i}`);
  shuffled.tree.checkInvariants();
  const leaves = countLeaves(shuffled.tree);
  assert.ok(leaves > 200 && leaves <= 400, `${leaves} leaves`);
});
