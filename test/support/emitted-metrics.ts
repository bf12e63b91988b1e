import { vi } from 'vitest';

/** One EMF document as Powertools prints it: the dimension and metric values, and their declaration. */
export type EmfDocument = Record<string, unknown> & {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] };
};

/**
 * Captures the EMF documents a handler prints to the console (POWERTOOLS_DEV=true and
 * POWERTOOLS_METRICS_DISABLED=false send them there): `documents()` reads them back, cold start excluded.
 */
export function captureMetrics() {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const documents = (): EmfDocument[] =>
    log.mock.calls
      .map(([line]) =>
        typeof line === 'string' && line.includes('_aws') ? (JSON.parse(line) as EmfDocument) : undefined,
      )
      .filter((m): m is EmfDocument => m !== undefined && !('ColdStart' in m));
  return { documents, clear: () => log.mockClear(), restore: () => log.mockRestore() };
}

/** The names (dimensions and metric) each document carries, sorted: what a Metrics Insights query sees. */
export const keysOf = (d: EmfDocument) =>
  Object.keys(d)
    .filter((k) => k !== '_aws')
    .sort();
