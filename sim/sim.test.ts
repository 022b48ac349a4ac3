/**
 * A bounded sweep of the simulation scenarios (`npm run sim -- --seeds 1000` runs a long one).
 * A failure names the seed; `npm run sim -- --scenario <name> --seed <n> --verbose` replays it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario, SCENARIOS } from './scenarios.js';

const SEEDS_PER_SCENARIO = 20;

for (const scenario of SCENARIOS) {
  test(`sim ${scenario.name}: ${SEEDS_PER_SCENARIO} seeds — ${scenario.description}`, () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= SEEDS_PER_SCENARIO; seed++) {
      const result = runScenario(scenario, seed);
      if (!result.ok) failures.push(`seed ${seed}: ${result.problem} (rerun: npm run sim -- --scenario ${scenario.name} --seed ${seed} --verbose)`);
    }
    assert.deepEqual(failures, []);
  });
}

test('sim runs are deterministic: one seed, one history', () => {
  const scenario = SCENARIOS.find((s) => s.name === 'slots')!;
  const first = runScenario(scenario, 12345);
  const second = runScenario(scenario, 12345);
  assert.deepEqual([second.steps, second.messages, second.simulatedMs], [first.steps, first.messages, first.simulatedMs]);
});
