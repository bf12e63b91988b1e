import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { joinSettings } from '../../config/settings.js';
import { env } from './powertools.js';

/**
 * This function's settings from SSM Parameter Store (Powertools Parameters), at the path its definition puts in
 * AIRGAP_SETTINGS (`src/infra/lambda/airgap-function.ts` writes the parts there). The SSM calls are traced.
 */
export async function readSettings<T>(
  tracer: Tracer,
  opts: { path?: string; client?: SSMClient } = {},
): Promise<T> {
  const provider = new SSMProvider({
    awsSdkV3Client: tracer.captureAWSv3Client(opts.client ?? new SSMClient({})),
  });
  const parts = await provider.getMultiple(opts.path ?? env('AIRGAP_SETTINGS'));
  return joinSettings<T>((parts ?? {}) as Record<string, string>);
}

/**
 * The value `make` builds from this function's settings, built on the first call and reused by the execution
 * environment after it: a changed setting reaches the environments started after the change.
 */
export function fromSettings<S, T>(
  tracer: Tracer,
  make: (settings: S) => T,
  opts: { path?: string; client?: SSMClient } = {},
): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= readSettings<S>(tracer, opts).then(make);
    // A failed read is not cached: the next invocation tries again.
    built.catch(() => (built = undefined));
    return built;
  };
}
