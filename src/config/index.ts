export { loadConfig, parseConfig } from './load.js';
export { configJsonSchema } from './json-schema.js';
export { SERVICES, KNOWN_REGIONS, type Config, type Service, type Selector } from './schema.js';
export * from './plan.js';
export { perConfig } from './per-config.js';
export * from './names.js';
export * from './backup.js';
export * from './metrics.js';
