import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../lib/random.js';
import { MemberSlots } from './member-slots.js';

test('MemberSlots agrees with a Map under random adds and deletes: one slot per live member, slots reused', () => {
  const slots = new MemberSlots();
  const model = new Map<string, number>();
  const random = new SeededRandom(3);
  for (let i = 0; i < 20_000; i++) {
    const member = `m${random.int(500)}`;
    const current = slots.slotOf(member);
    assert.equal(current, model.get(member) ?? -1);
    if (random.next() < 0.5) {
      if (current >= 0) continue;
      const slot = slots.add(member);
      assert.ok(![...model.values()].includes(slot), `slot ${slot} handed out twice`);
      model.set(member, slot);
      assert.equal(slots.slotOf(member), slot);
    } else {
      assert.equal(slots.delete(member), current);
      model.delete(member);
      assert.equal(slots.slotOf(member), -1);
    }
  }
  assert.equal(slots.size, model.size);
  for (const [member, slot] of model) assert.equal(slots.slotOf(member), slot);
  // Freed slots are reused: at most 500 live members, so slot numbers stay below 500.
  assert.ok(Math.max(...model.values()) < 500);
  assert.ok(slots.arrayBytes <= 1024 * (8 + 16), `${slots.arrayBytes} bytes`);
});
