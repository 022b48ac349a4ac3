import { isDeepStrictEqual } from 'node:util';
import type { Reply } from '../../../src/resp/reply-parser.js';
import type { Directive } from './corpus.js';
import { replyToPlain as plainReply } from '../../support/raw-client.js';

/** What one server did with one command: a reply, closed the connection, or stayed silent. */
export type Outcome = { kind: 'reply'; reply: Reply } | { kind: 'closed' } | { kind: 'silent' };

/** The outcome as JSON-able data, for equality and for mismatch messages. */
export function outcomeToPlain(outcome: Outcome): unknown {
  if (outcome.kind === 'closed') return { closed: true };
  if (outcome.kind === 'silent') return { noReply: true };
  return replyToPlain(outcome.reply);
}

export function outcomeType(outcome: Outcome): string {
  return outcome.kind === 'reply' ? outcome.reply.type : outcome.kind;
}

/** A reply as JSON-able data, keeping which nil was sent (the bytes differ even where clients see the same). */
export function replyToPlain(reply: Reply): unknown {
  return plainReply(reply, { keepNullMarker: true });
}

/** Sorts the elements of an array, set or map reply (top level only), by their JSON text. */
function sortedPlain(outcome: Outcome): unknown {
  if (outcome.kind !== 'reply') return outcomeToPlain(outcome);
  const reply = outcome.reply;
  const byJson = (a: unknown, b: unknown) => {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
  switch (reply.type) {
    case 'array':
    case 'set':
    case 'push':
      return { [reply.type]: reply.value.map(replyToPlain).sort(byJson) };
    case 'map':
      return { map: reply.value.map(([k, v]) => [replyToPlain(k), replyToPlain(v)]).sort(byJson) };
    default:
      return replyToPlain(reply);
  }
}

/** True when the two outcomes agree under the directive. */
export function outcomesAgree(directive: Directive, expected: Outcome, actual: Outcome): boolean {
  switch (directive) {
    case 'ignore':
      return true;
    case 'type':
      return outcomeType(expected) === outcomeType(actual);
    case 'sorted':
      return isDeepStrictEqual(sortedPlain(expected), sortedPlain(actual));
    case 'exact':
      return isDeepStrictEqual(outcomeToPlain(expected), outcomeToPlain(actual));
  }
}
