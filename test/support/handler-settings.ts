import type { Parameter } from '@aws-sdk/client-ssm';
import { settingsPartName, splitSettings } from '../../src/config/settings.js';

/** A function's settings as the stack stores them: the SSM parameters under `path` (GetParametersByPath's answer). */
export function settingsParameters(path: string, settings: unknown): Parameter[] {
  return splitSettings(JSON.stringify(settings)).map((Value, i) => ({
    Name: settingsPartName(path, i),
    Value,
  }));
}

/**
 * The environment of a handler under test, set before it is imported: its settings path, and Powertools printing
 * metrics to the console, where `captureMetrics` reads them back (on, though POWERTOOLS_DEV would turn them off).
 */
export function handlerEnvironment(service: string, settingsPath: string): void {
  Object.assign(process.env, {
    POWERTOOLS_METRICS_NAMESPACE: 'AirGapRecover',
    POWERTOOLS_SERVICE_NAME: service,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_DEV: 'true',
    POWERTOOLS_METRICS_DISABLED: 'false',
    AIRGAP_SETTINGS: settingsPath,
  });
}
