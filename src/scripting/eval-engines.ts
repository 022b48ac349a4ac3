import { ScriptEngine, type LogLevel } from './engine.js';

/** What a node's EVAL engine needs from it: the server log (redis.log). */
export interface ScriptingHost {
  readonly scripting: { log(level: LogLevel, message: string): void };
}

const engines = new WeakMap<object, ScriptEngine>();

/** The node's EVAL Lua VM (keyed by its server object), created on first use: a fresh state costs a few ms. */
export function evalEngineOf(server: ScriptingHost): ScriptEngine {
  let engine = engines.get(server);
  if (engine === undefined) {
    engine = new ScriptEngine((level, message) => server.scripting.log(level, message));
    engines.set(server, engine);
  }
  return engine;
}

/** The node's EVAL engine if a script ever ran or was loaded; INFO does not create one. */
export function existingEvalEngine(server: object): ScriptEngine | undefined {
  return engines.get(server);
}
