import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { METRICS, type MetricKey } from '../../config/metrics.js';

/** Logger, Metrics and Tracer of one handler; service name and namespace come from the function's environment. */
export interface Powertools {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

export function powertools(): Powertools {
  return { logger: new Logger(), metrics: new Metrics(), tracer: new Tracer() };
}

/**
 * What Powertools' middy middleware does, without middy: the Lambda context on every log line, a traced
 * subsegment for the invocation with the cold start and the error or response, the cold start metric, and the
 * run's metrics flushed even when the run throws.
 */
export function instrumented<E, R>(
  { logger, metrics, tracer }: Powertools,
  run: (event: E) => Promise<R>,
): (event: E, context: Context) => Promise<R> {
  return async (event, context) => {
    logger.addContext(context);
    metrics.captureColdStartMetric(context.functionName);
    const segment = tracer.getSegment();
    const subsegment = segment?.addNewSubsegment(`## ${context.functionName}`);
    if (subsegment) tracer.setSegment(subsegment);
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
    try {
      const result = await run(event);
      tracer.addResponseAsMetadata(result, context.functionName);
      return result;
    } catch (e) {
      tracer.addErrorAsMetadata(e as Error);
      logger.error('run failed', e as Error);
      throw e;
    } finally {
      metrics.publishStoredMetrics();
      subsegment?.close();
      if (segment) tracer.setSegment(segment);
    }
  };
}

/** A required environment variable; the function's definition sets every one, so a missing one is a deploy bug. */
export function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
  return value;
}

/**
 * Publishes one data point of a vault metric with exactly its dimensions (`METRICS`), at once. Powertools adds a
 * `service` dimension to every metric by default, and the alarms' and dashboard's `SCHEMA(namespace, ...)` queries
 * match only metrics with exactly the listed dimensions: with the extra one, no alarm would ever see the metric.
 */
export function publishMetric(
  { metrics }: Powertools,
  key: MetricKey,
  dimensionValues: readonly string[],
  value: number,
): void {
  const { name, dimensions, unit } = METRICS[key];
  if (dimensionValues.length !== dimensions.length)
    throw new Error(`${name} takes ${dimensions.length} dimension value(s) (${dimensions.join(', ')})`);
  const single = metrics.singleMetric();
  single.clearDefaultDimensions();
  dimensions.forEach((d, i) => single.addDimension(d, dimensionValues[i]!));
  single.addMetric(name, unit === 'None' ? MetricUnit.NoUnit : MetricUnit[unit], value);
}
