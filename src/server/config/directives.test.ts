import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigStore, findDirective } from './config-store.js';
import { directives } from './directives.js';
import { renderDirectivesDoc } from './directives-doc.js';

const REPO_ROOT = new URL('../../../../', import.meta.url);

/** CONFIG GET * of a fresh redis-server 7.0.15 (names, aliases included, and default values). */
function redisDefaults(): Map<string, string> {
  const text = readFileSync(new URL('src/server/config/testdata/redis-7.0.15-defaults.tsv', REPO_ROOT), 'latin1');
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    out.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return out;
}

test('the table holds exactly the directives (and aliases) redis-server 7.0.15 answers CONFIG GET * with', () => {
  const expected = redisDefaults();
  const ours = new Map(new ConfigStore().get(['*']));
  ours.delete('dir');
  assert.deepEqual([...ours.keys()].sort(), [...expected.keys()].sort());
  for (const [name, value] of expected) assert.equal(ours.get(name), value, `default of ${name}`);
});

test('names and aliases are unique and lowercase', () => {
  const seen = new Set<string>();
  for (const directive of directives) {
    for (const name of [directive.name, ...directive.aliases]) {
      assert.equal(name, name.toLowerCase());
      assert.ok(!seen.has(name), `${name} defined once`);
      seen.add(name);
    }
  }
});

test('every default value parses back to itself', () => {
  for (const directive of directives) {
    // dir is the working directory; replicaof's empty default means "no master", not a value.
    if (directive.name === 'dir' || directive.name === 'replicaof') continue;
    const words = directive.multiArg ? (directive.defaultValue === '' ? [] : directive.defaultValue.split(' ')) : [directive.defaultValue];
    const context = { current: directive.defaultValue, fromFile: false, seenInFile: false, workingDir: process.cwd() };
    assert.equal(directive.parse(words, context), directive.defaultValue, directive.name);
  }
});

test('aliases resolve to their directive', () => {
  assert.equal(findDirective('slaveof')?.name, 'replicaof');
  assert.equal(findDirective('SLAVE-READ-ONLY')?.name, 'replica-read-only');
  assert.equal(findDirective('hash-max-ziplist-entries')?.name, 'hash-max-listpack-entries');
  assert.equal(findDirective('lua-time-limit')?.name, 'busy-reply-threshold');
});

test('docs/config-directives.md is generated from the current table', () => {
  const committed = readFileSync(new URL('docs/config-directives.md', REPO_ROOT), 'utf8');
  assert.equal(committed, renderDirectivesDoc(directives), 'run: node dist/scripts/generate-config-docs.js');
});
