import type { TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { RawClient } from './raw-client.js';

/**
 * Real clients for tests, with reconnection off (a stopped server must not leave a client
 * retrying forever) and closed by the test's cleanup.
 */
export async function connectIoredis(t: TestContext, port: number): Promise<Redis> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  await client.connect();
  t.after(() => client.disconnect());
  return client;
}

export type NodeRedisClient = ReturnType<typeof createClient>;

export async function connectNodeRedis(t: TestContext, port: number, options: { RESP?: 2 | 3 } = {}): Promise<NodeRedisClient> {
  void options;
  const client = createClient({ socket: { port, host: '127.0.0.1', reconnectStrategy: false } });
  client.on('error', () => undefined);
  await client.connect();
  t.after(async () => {
    if (client.isOpen) await client.disconnect();
  });
  return client;
}

/**
 * A RawClient (typed reply trees, raw bytes) closed by the test's cleanup. nullMarkers: nils keep
 * which bytes were sent ($-1, *-1 or RESP3 _), for tests of null shapes.
 */
export async function rawClient(t: Pick<TestContext, 'after'>, port: number, options: { nullMarkers?: boolean } = {}): Promise<RawClient> {
  const client = await RawClient.connect(port, '127.0.0.1', options);
  t.after(() => client.close());
  return client;
}
