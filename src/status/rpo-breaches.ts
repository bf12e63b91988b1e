import type { Service } from '../config/schema.js';
import { judge, type ExpectedResource, type StatusReport } from './judge.js';
import type { CopyObservation } from './model.js';

/**
 * What the RPO monitor judges, fixed at synth from the config (`rpoScope`): the snapshot-path resources the config
 * names, the accounts each service protects, and each service's RPO. Carried in the schedule's input, so the
 * function needs neither the config file nor its loader.
 */
export interface RpoScope {
  expected: ExpectedResource[];
  accounts: Partial<Record<Service, string[]>>;
  rpoMinutes: Partial<Record<Service, number>>;
}

export interface RpoBreaches {
  report: StatusReport;
  /** Per protected service, the resources without a vault copy within the RPO (0 included: silence alarms). */
  breaches: { service: Service; count: number }[];
  /** Per resource with a vault copy, the age of its newest one. */
  ages: { service: Service; resource: string; minutes: number }[];
}

/** Pure: per protected service, how many resources are outside their RPO, and every resource's recovery point age. */
export function rpoBreaches(scope: RpoScope, observed: readonly CopyObservation[], now: Date): RpoBreaches {
  const inScope = observed.filter((o) => scope.accounts[o.service]?.includes(o.account));
  const report = judge(scope.expected, inScope, scope.rpoMinutes, now);
  const services = Object.keys(scope.accounts) as Service[];
  return {
    report,
    breaches: services.map((service) => ({
      service,
      count: report.resources.filter((r) => r.service === service && r.state !== 'within-rpo').length,
    })),
    ages: report.resources.flatMap((r) =>
      r.ageMinutes === undefined ? [] : [{ service: r.service, resource: r.resource, minutes: r.ageMinutes }],
    ),
  };
}
