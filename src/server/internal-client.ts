import type { ReplyWriter } from '../resp/reply-writer.js';
import type { DispatchClient } from './dispatch.js';

/** A DispatchClient whose fields its owner may set (the script client copies its caller's). */
export type MutableDispatchClient = { -readonly [K in keyof DispatchClient]: DispatchClient[K] };

/**
 * A client with no socket behind it: the one a script's redis.call runs as, and the one an AOF
 * is replayed through (Redis's fake clients). Authenticated, RESP2, never in MULTI or blocked,
 * no cluster flags until its owner sets them.
 */
export function createInternalClient(writer: ReplyWriter, address: string, noEvict: boolean): MutableDispatchClient {
  return {
    id: 0,
    name: '',
    dbIndex: 0,
    protocol: 2,
    authenticated: true,
    user: 'default',
    replyMode: 'on',
    noEvict,
    closeAfterReply: false,
    remoteAddress: address,
    localAddress: address,
    createdAtMs: 0,
    lastInteractionMs: 0,
    lastCommand: '',
    startMonitor(): void {
      // MONITOR is flagged noscript and is never in an AOF: never reached.
    },
    writer,
    skipCurrentReply: false,
    isLocal: true,
    dispatchContext: undefined,
    blocked: false,
    transaction: undefined,
    watchDirty: false,
    clusterAsking: false,
    clusterReadonly: false,
    clusterSlot: -1,
  };
}
