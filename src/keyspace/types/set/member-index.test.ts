import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../lib/random.js';
import { MemberIndex } from './member-index.js';

test('MemberIndex agrees with a Map through growth, removals with run shifts, moves and shrinking', () => {
  const random = new SeededRandom(21);
  const index = new MemberIndex();
  const model = new Map<string, number>();
  // Positions as MemberTable keeps them: dense, the last one moves into a removed one's place.
  const byPosition: string[] = [];
  for (let op = 0; op < 60_000; op++) {
    // Grow to ~5000 members, then mostly remove so the slot array shrinks back.
    const growing = op < 30_000;
    const member = `m${random.int(8000)}`;
    const hash = index.hash(member);
    const position = index.find(member, hash);
    assert.equal(position, model.get(member) ?? -1, `find ${member}`);
    if (position < 0 && random.next() < (growing ? 0.7 : 0.02)) {
      index.insert(hash, member, byPosition.length);
      model.set(member, byPosition.length);
      byPosition.push(member);
    } else if (position >= 0 && random.next() < (growing ? 0.3 : 0.9)) {
      index.removeFound();
      model.delete(member);
      const last = byPosition.pop() as string;
      if (last !== member) {
        byPosition[position] = last;
        index.move(index.hash(last), byPosition.length, position);
        model.set(last, position);
      }
    }
    assert.equal(index.size, model.size);
  }
  for (const [member, position] of model) assert.equal(index.find(member, index.hash(member)), position);
  assert.equal(index.find('absent', index.hash('absent')), -1);
  // Shrunk with the count: a few hundred members left, the slot array far below its peak
  // (8192 slots for ~5000 members).
  assert.ok(index.size < 1000, `${index.size} members left`);
  assert.ok(index.bytes <= 2048 * 3 * 8, `${index.bytes} bytes for ${index.size} members`);
});
