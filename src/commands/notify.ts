import type { CommandContext } from './context.js';
import type { ServerFacade } from './server-facade.js';

/**
 * Keyspace notifications (Redis's notifyKeyspaceEvent): for an event of class `eventClass`
 * (one of the letters of notify-keyspace-events: g $ l s h z x e t d n m) on `key`, publishes
 * `__keyspace@<db>__:<key>` → event (K) and `__keyevent@<db>__:<event>` → key (E) through the
 * ordinary pub/sub delivery path, when the configured flags select the class.
 */
export type EventClass = 'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 't' | 'd' | 'n' | 'm';

interface ParsedFlags {
  raw: string;
  classes: Set<string>;
  keyspace: boolean;
  keyevent: boolean;
}

/** The directive's normalised text ('A' stands for g$lshzxetd) → the classes, parsed once per value. */
let cached: ParsedFlags = { raw: '', classes: new Set(), keyspace: false, keyevent: false };

function flagsOf(raw: string): ParsedFlags {
  if (raw === cached.raw) return cached;
  const classes = new Set<string>();
  for (const c of raw) {
    if (c === 'A') for (const cls of 'g$lshzxetd') classes.add(cls);
    else classes.add(c);
  }
  cached = { raw, classes, keyspace: classes.has('K'), keyevent: classes.has('E') };
  return cached;
}

/** The flags of the config (and its generation) notifyEvent last read: null while notifications are off. */
let cachedConfig: ServerFacade['config'] | undefined;
let cachedGeneration = -1;
let cachedFlags: ParsedFlags | null = null;

export function notifyEvent(server: ServerFacade, dbId: number, eventClass: EventClass, event: string, key: string): void {
  // Every write calls this; with notifications off (the common case) it costs two compares:
  // the flags are re-read only when the config changed.
  const config = server.config;
  if (config !== cachedConfig || config.generation !== cachedGeneration) {
    const raw = config.value('notify-keyspace-events');
    cachedFlags = raw === '' ? null : flagsOf(raw);
    cachedConfig = config;
    cachedGeneration = config.generation;
  }
  const flags = cachedFlags;
  if (flags === null || !flags.classes.has(eventClass)) return;
  if (flags.keyspace) server.pubsub.publish(`__keyspace@${dbId}__:${key}`, event);
  if (flags.keyevent) server.pubsub.publish(`__keyevent@${dbId}__:${event}`, key);
}

/** notifyEvent for the client's selected database. */
export function notify(ctx: CommandContext, eventClass: EventClass, event: string, key: string): void {
  notifyEvent(ctx.server, ctx.db.id, eventClass, event, key);
}
