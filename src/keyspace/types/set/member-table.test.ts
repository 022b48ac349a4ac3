import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../lib/random.js';
import { MemberTable } from './member-table.js';

test('removal moves the last member into the hole and keeps lookups right', () => {
  const table = new MemberTable();
  for (const m of ['a', 'b', 'c', 'd']) table.add(m, m.toUpperCase());
  assert.equal(table.delete('b'), true);
  assert.deepEqual(table.members, ['a', 'd', 'c']);
  assert.deepEqual(table.values, ['A', 'D', 'C']);
  assert.equal(table.slotOf('d'), 1);
  assert.equal(table.delete('c'), true);
  assert.equal(table.delete('zz'), false);
  assert.deepEqual(table.members, ['a', 'd']);
  assert.equal(table.add('a', 'A2'), false);
  assert.deepEqual(table.values, ['A2', 'D']);
});

test('a scan returns every member present for the whole scan, whatever changes meanwhile', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const random = new SeededRandom(seed);
    const table = new MemberTable();
    for (let i = 0; i < 300; i++) table.add(`m${i}`);
    const stable = new Set(table.members.filter(() => random.next() < 0.5));
    const seen = new Set<string>();
    let cursor = 0;
    let steps = 0;
    let added = 0;
    do {
      cursor = table.scan(cursor, 7, (slot) => seen.add(table.members[slot] as string));
      // Between steps: remove some members that are not in the stable group, add new ones.
      for (let n = 0; n < 5; n++) {
        const victim = table.members[random.int(table.size)] as string;
        if (!stable.has(victim)) table.delete(victim);
        table.add(`new${added++}`);
      }
      steps++;
    } while (cursor !== 0 && steps < 10_000);
    assert.ok(steps < 10_000, 'the scan ends');
    for (const member of stable) assert.ok(seen.has(member), `seed ${seed}: ${member} returned`);
  }
});

test('a stale cursor beyond the table starts again from the top', () => {
  const table = new MemberTable();
  table.add('a');
  const seen: string[] = [];
  assert.equal(table.scan(999, 10, (slot) => seen.push(table.members[slot] as string)), 0);
  assert.deepEqual(seen, ['a']);
});
