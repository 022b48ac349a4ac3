import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../lib/random.js';
import { ScoreTable } from './score-table.js';

test('ScoreTable agrees with a Map under random adds, updates and deletes (slots reused, -0 kept)', () => {
  const table = new ScoreTable();
  const model = new Map<string, number>();
  const random = new SeededRandom(3);
  for (let i = 0; i < 20_000; i++) {
    const member = `m${random.int(500)}`;
    const roll = random.next();
    const current = table.get(member);
    assert.equal(current, model.get(member));
    if (roll < 0.5) {
      const score = roll < 0.05 ? -0 : random.next() * 100;
      if (current === undefined) table.add(member, score);
      else table.set(member, score);
      model.set(member, score);
    } else if (roll < 0.8) {
      assert.equal(table.delete(member), model.delete(member));
    }
  }
  assert.equal(table.size, model.size);
  for (const [member, score] of model) assert.ok(Object.is(table.get(member), score));
  // Freed slots are reused: at most ~1024 live members, so scores, slots and index stay small.
  assert.ok(table.arrayBytes <= 1024 * (8 + 8 + 16), `${table.arrayBytes} bytes`);
});
