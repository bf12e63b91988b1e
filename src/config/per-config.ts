import type { Config } from './schema.js';

/**
 * `derive` computed once per config object, for what is derived from a config and asked for per workload account:
 * synthesizing 500 accounts otherwise rebuilds a 500-entry list 500 times. A parsed config is never changed (a
 * variant is a new object), so the answer cannot go stale; the caller must not change it either.
 */
export function perConfig<T>(derive: (config: Config) => T): (config: Config) => T {
  const memo = new WeakMap<Config, T>();
  return (config) => {
    if (!memo.has(config)) memo.set(config, derive(config));
    return memo.get(config) as T;
  };
}
