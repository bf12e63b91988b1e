import type { Config } from '../../config/index.js';
import type { SourceResource } from './model.js';

/** Whether the config protects a resource: a selector of its account and region names it, or its tags match. */
export function isProtected(config: Config, r: SourceResource): boolean {
  const defaultRegion = config.organizations.source.regions[0];
  return config.protect[r.service].some(
    (sel) =>
      sel.account === r.account &&
      (sel.region ?? defaultRegion) === r.region &&
      (sel.names?.includes(r.name) ||
        sel.arns?.includes(r.arn) ||
        (sel.tags !== undefined && Object.entries(sel.tags).every(([k, v]) => r.tags[k] === v))),
  );
}

/** The resource an ARN names, with no tags known (it may be gone; names and ARNs still select it). */
export function resourceOfArn(arn: string, service: SourceResource['service']): SourceResource {
  const [, , , region = '', account = '', rest = ''] = arn.split(':');
  const name = arn.split(/[:/]/).pop() ?? rest;
  return { service, arn, name, account, region, tags: {}, encrypted: false, kmsKeyId: undefined };
}
