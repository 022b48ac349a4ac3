import type { Redis } from 'ioredis';

/** One key as a client sees it: type, contents in a canonical form, absolute expiry (ms, -1: none). */
export interface KeyState {
  type: string;
  value: unknown;
  expireAtMs: number;
}

const text = (reply: unknown): string => (Buffer.isBuffer(reply) ? reply.toString('latin1') : String(reply));
const texts = (reply: unknown): string[] => (reply as unknown[]).map(text);

/**
 * Every key of every non-empty database, read through commands (binary safe), so two servers
 * (Tessera and redis-server, or one node before and after a restart) can be compared key by key.
 * Returns "db:key" → state. Sets and hashes are sorted; streams include their consumer groups.
 */
export async function readDataset(client: Redis, databaseCount = 16): Promise<Map<string, KeyState>> {
  const out = new Map<string, KeyState>();
  for (let db = 0; db < databaseCount; db++) {
    await client.select(db);
    const keys = texts(await client.callBuffer('KEYS', '*')).sort();
    for (const key of keys) out.set(`${db}:${key}`, await readKey(client, key));
  }
  await client.select(0);
  return out;
}

export async function readKey(client: Redis, key: string): Promise<KeyState> {
  const keyArg = Buffer.from(key, 'latin1');
  const type = text(await client.callBuffer('TYPE', keyArg));
  const expireAtMs = Number(await client.call('PEXPIRETIME', keyArg));
  let value: unknown;
  switch (type) {
    case 'string':
      value = text(await client.callBuffer('GET', keyArg));
      break;
    case 'list':
      value = texts(await client.callBuffer('LRANGE', keyArg, '0', '-1'));
      break;
    case 'set':
      value = texts(await client.callBuffer('SMEMBERS', keyArg)).sort();
      break;
    case 'zset':
      value = texts(await client.callBuffer('ZRANGE', keyArg, '0', '-1', 'WITHSCORES'));
      break;
    case 'hash': {
      const flat = texts(await client.callBuffer('HGETALL', keyArg));
      const pairs: string[][] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as string]);
      value = pairs.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
      break;
    }
    case 'stream': {
      const entries = (await client.callBuffer('XRANGE', keyArg, '-', '+')) as unknown[];
      const groups = (await client.call('XINFO', 'GROUPS', key)) as unknown[];
      const info = (await client.call('XINFO', 'STREAM', key)) as unknown[];
      const lastId = info[info.indexOf('last-generated-id') + 1];
      value = {
        entries: entries.map((entry) => {
          const [id, fields] = entry as [unknown, unknown[]];
          return [text(id), texts(fields)];
        }),
        lastId,
        groups,
      };
      break;
    }
    default:
      value = null;
  }
  return { type, value, expireAtMs };
}
