import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allCommands } from './all-commands.js';
import { CommandTable } from './table.js';

test('lookup finds names in any case, through its cache of recent names, and misses stay misses', () => {
  const table = new CommandTable(allCommands);
  const get = table.lookup('get');
  assert.ok(get !== undefined);
  for (let round = 0; round < 3; round++) {
    // Same length, first and last char: the same cache slot, different commands or none.
    assert.equal(table.lookup('GET'), get);
    assert.equal(table.lookup('gEt'), get);
    assert.equal(table.lookup('SET'), table.lookup('set'));
    assert.notEqual(table.lookup('SET'), get);
    assert.equal(table.lookup('GXT'), undefined);
    assert.equal(table.lookup(''), undefined);
    assert.equal(table.lookup('get'), get);
  }
  // Every command is found by its own name and its upper-case spelling, whatever was cached.
  for (const command of table.all()) {
    assert.equal(table.lookup(command.spec.fullName), command);
    assert.equal(table.lookup(command.spec.fullName.toUpperCase()), command);
  }
});
