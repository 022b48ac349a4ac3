import type { ConfigFacade } from './server-facade.js';

/**
 * A value computed from the configuration, recomputed only when the configuration changed
 * (its generation moved) or a different node's configuration is asked (tests run several nodes
 * in one process). Write paths read encoding thresholds on every command: this makes that two
 * compares instead of Map lookups and an object per command.
 */
export function derivedFromConfig<T>(derive: (config: ConfigFacade) => T): (config: ConfigFacade) => T {
  let lastConfig: ConfigFacade | undefined;
  let lastGeneration = -1;
  let value: T | undefined;
  return (config) => {
    if (config !== lastConfig || config.generation !== lastGeneration) {
      value = derive(config);
      lastConfig = config;
      lastGeneration = config.generation;
    }
    return value as T;
  };
}
