/**
 * Regenerates src/commands/generated/redis-commands.json from a real redis-server 7.0: the
 * COMMAND INFO and COMMAND DOCS reply of every command, as typed trees. Tessera answers COMMAND
 * from this data (only for commands it implements) and routes by its key specs, so clients that
 * read COMMAND see exactly what Redis 7.0 says. Run: node dist/scripts/capture-command-specs.js
 * [--check]; --check exits 1 when the committed file differs (CI runs it in test:compat).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Reply } from '../src/resp/reply-parser.js';
import type { SpecTree } from '../src/commands/spec-tree.js';
import { RawClient } from '../test/support/raw-client.js';
import { startRedisServer } from '../test/support/redis-server-process.js';

const target = fileURLToPath(new URL('../../src/commands/generated/redis-commands.json', import.meta.url));

function toTree(reply: Reply): SpecTree {
  switch (reply.type) {
    case 'simple':
      return { s: reply.value };
    case 'bulk':
      return reply.value;
    case 'integer':
      return Number(reply.value);
    case 'null':
      return null;
    case 'array':
      return reply.value.map(toTree);
    case 'set':
      return { set: reply.value.map(toTree) };
    case 'map':
      return { map: reply.value.map(([k, v]) => [toTree(k), toTree(v)] as [SpecTree, SpecTree]) };
    default:
      throw new Error(`unexpected reply type in COMMAND output: ${reply.type}`);
  }
}

/**
 * Redis lists subcommands in its dict's order, which changes from run to run; sort them by name
 * so the file is stable (clients do not depend on that order).
 */
function canonicalSubcommands(info: SpecTree): SpecTree {
  if (!Array.isArray(info) || !Array.isArray(info[9])) return info;
  const subs = [...info[9]].sort((a, b) => String(Array.isArray(a) ? a[0] : '').localeCompare(String(Array.isArray(b) ? b[0] : '')));
  return [...info.slice(0, 9), subs];
}

function canonicalDocs(docs: SpecTree): SpecTree {
  if (docs === null || typeof docs !== 'object' || Array.isArray(docs) || !('map' in docs)) return docs;
  return {
    map: docs.map.map(([key, value]) => {
      if (key !== 'subcommands' || value === null || typeof value !== 'object' || Array.isArray(value) || !('map' in value)) return [key, value];
      const sorted = [...value.map].sort((a, b) => String(a[0]).localeCompare(String(b[0]))).map(([k, v]) => [k, canonicalDocs(v)] as [SpecTree, SpecTree]);
      return [key, { map: sorted }];
    }),
  };
}

async function main(): Promise<void> {
  const redis = await startRedisServer();
  try {
    const client = await RawClient.connect(redis.port);
    await client.call('HELLO', '3');
    const version = await client.call('INFO', 'server');
    const all = await client.call('COMMAND');
    const docs = await client.call('COMMAND', 'DOCS');
    client.close();
    if (all.type !== 'array' || docs.type !== 'map') throw new Error('unexpected COMMAND reply shape');
    const info: Record<string, SpecTree> = {};
    for (const entry of all.value) {
      if (entry.type !== 'array' || entry.value[0]?.type !== 'bulk') throw new Error('bad COMMAND entry');
      info[entry.value[0].value] = canonicalSubcommands(toTree(entry));
    }
    const docsByName: Record<string, SpecTree> = {};
    for (const [name, doc] of docs.value) {
      if (name.type !== 'bulk') throw new Error('bad COMMAND DOCS entry');
      docsByName[name.value] = canonicalDocs(toTree(doc));
    }
    const versionText = version.type === 'verbatim' || version.type === 'bulk' ? version.value : '';
    const redisVersion = /redis_version:(\S+)/.exec(versionText)?.[1] ?? 'unknown';
    const names = Object.keys(info).sort();
    const out = {
      source: `COMMAND and COMMAND DOCS of redis-server ${redisVersion} (scripts/capture-command-specs.ts)`,
      commands: Object.fromEntries(names.map((name) => [name, { info: info[name], docs: docsByName[name] ?? null }])),
    };
    const text = JSON.stringify(out) + '\n';
    if (process.argv.includes('--check')) {
      const current = readFileSync(target, 'utf8');
      if (current !== text) {
        console.error(`${target} is not what redis-server ${redisVersion} says: regenerate it`);
        process.exitCode = 1;
      } else console.log(`command specs current (${names.length} commands, redis ${redisVersion})`);
    } else {
      writeFileSync(target, text);
      console.log(`wrote ${names.length} commands from redis ${redisVersion} to ${target}`);
    }
  } finally {
    await redis.stop();
  }
}

await main();
