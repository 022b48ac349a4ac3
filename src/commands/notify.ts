import type { CommandContext } from './context.js';
import { derivedFromConfig } from './config-derived.js';
import type { ServerFacade } from './server-facade.js';

/**
 * Keyspace notifications (Redis's notifyKeyspaceEvent): for an event of class `eventClass`
 * (one of the letters of notify-keyspace-events: g $ l s h z x e t d n m) on `key`, publishes
 * `__keyspace@<db>__:<key>` → event (K) and `__keyevent@<db>__:<event>` → key (E) through the
 * ordinary pub/sub delivery path, when the configured flags select the class.
 */
export type EventClass = 'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 't' | 'd' | 'n' | 'm';

interface ParsedFlags {
  classes: Set<string>;
  keyspace: boolean;
  keyevent: boolean;
}

/** The directive's normalised text ('A' stands for g$lshzxetd) → the classes. */
function flagsOf(raw: string): ParsedFlags {
  const classes = new Set<string>();
  for (const c of raw) {
    if (c === 'A') for (const cls of 'g$lshzxetd') classes.add(cls);
    else classes.add(c);
  }
  return { classes, keyspace: classes.has('K'), keyevent: classes.has('E') };
}

/** The parsed flags, re-read only when the config changed: null while notifications are off. */
const currentFlags = derivedFromConfig((config): ParsedFlags | null => {
  const raw = config.value('notify-keyspace-events');
  return raw === '' ? null : flagsOf(raw);
});

export function notifyEvent(server: ServerFacade, dbId: number, eventClass: EventClass, event: string, key: string): void {
  // Every write calls this; with notifications off (the common case) it costs two compares.
  const flags = currentFlags(server.config);
  if (flags === null || !flags.classes.has(eventClass)) return;
  if (flags.keyspace) server.pubsub.publish(`__keyspace@${dbId}__:${key}`, event);
  if (flags.keyevent) server.pubsub.publish(`__keyevent@${dbId}__:${event}`, key);
}

/** notifyEvent for the client's selected database. */
export function notify(ctx: CommandContext, eventClass: EventClass, event: string, key: string): void {
  notifyEvent(ctx.server, ctx.db.id, eventClass, event, key);
}
