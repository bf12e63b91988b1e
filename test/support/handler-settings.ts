import { GetParametersByPathCommand, SSMClient, type Parameter } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach } from 'vitest';
import { settingsPartName, splitSettings } from '../../src/config/settings.js';
import { captureMetrics } from './emitted-metrics.js';

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

/**
 * For a describe block of a handler test whose domain call is stubbed: SSM answers the handler's settings path with
 * `settings` as the stack stores them (client mock), and the metrics it prints are captured afresh for every test.
 */
export function settingsAndMetrics(settings: unknown): ReturnType<typeof captureMetrics> {
  const ssm = mockClient(SSMClient);
  const metrics = captureMetrics();
  beforeEach(() => {
    ssm.reset();
    metrics.clear();
    const parts = settingsParameters(process.env['AIRGAP_SETTINGS']!, settings);
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: parts });
  });
  afterAll(() => {
    ssm.restore();
    metrics.restore();
  });
  return metrics;
}
