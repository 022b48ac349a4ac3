import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InstantaneousMetric, Stats } from './stats.js';

test('InstantaneousMetric averages the rate over its last 16 samples', () => {
  const metric = new InstantaneousMetric();
  metric.sample(0, 0);
  for (let i = 1; i <= 16; i++) metric.sample(i * 100, i * 100); // 100 ops per 100 ms
  assert.equal(metric.rate, 1000);
  metric.sample(1600, 1700); // an idle period pulls the mean down by one sample
  assert.equal(metric.rate, (15 * 1000) / 16);
});

test('InstantaneousMetric ignores a sample with no elapsed time, and reset starts over', () => {
  const metric = new InstantaneousMetric();
  metric.sample(0, 100);
  metric.sample(50, 100);
  assert.equal(metric.rate, 0);
  metric.sample(160, 200);
  assert.equal(metric.rate, 1600 / 16);
  metric.reset();
  metric.sample(0, 300);
  assert.equal(metric.rate, 0);
});

test('Stats.countError keys errorstats by the first word', () => {
  const stats = new Stats();
  stats.countError('ERR syntax error');
  stats.countError('WRONGTYPE Operation against a key');
  stats.countError('ERR other');
  assert.deepEqual([...stats.errorCounts], [['ERR', 2], ['WRONGTYPE', 1]]);
  assert.equal(stats.totalErrorReplies, 3);
});
