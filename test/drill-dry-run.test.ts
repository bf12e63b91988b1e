import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/main.js';
import { planDrill, type DrillPlan } from '../src/drill/plan.js';
import { drillModel } from '../src/drill/run.js';
import { ownAccounts, quickstart, quickstartYaml } from './support/config.js';
import { useMoto } from './support/moto.js';
import { recordCommands } from './support/recording.js';

const accounts = ownAccounts('65', '66');
const config = quickstart(accounts.edits);
const model = drillModel(config, undefined);
const MUTATING =
  /^(Put|Copy|Create|Delete|Upload|Complete|Restore|Modify|Schedule|Disable|Enable|Attach|Detach|Tag|Untag|Start|Add|Share)/;

afterEach(() => vi.restoreAllMocks());

describe('airgap drill --dry-run', () => {
  const moto = useMoto();

  it('threat #31: on the sandbox, plans without starting a sandbox or making a single SDK call', async () => {
    const recorded = recordCommands();
    const plan = await planDrill(config, model, { target: 'sandbox', keys: 24, clients: moto.clients });
    recorded.stop();
    expect(recorded.calls).toEqual([]);
    expect(plan.where).toContain('a fresh local moto_server');
    expect(plan.steps[0]).toBe('prepare: synthesize and load guardrails');
    expect(plan.steps).toHaveLength(9);
    expect(plan.creates).toEqual(
      expect.arrayContaining([
        expect.stringContaining('24 objects written, overwritten and deleted in s3://payments-invoices/'),
        expect.stringContaining('rds payments-db in'),
        expect.stringContaining('aurora payments-ledger in'),
        expect.stringContaining('ebs drill-ebs-0 in'),
      ]),
    );
    // The drill's own attempts, decided by the same evaluation: threat #5's rule change refused under the SCP.
    const markers = plan.attacks.filter((a) => a.attack.includes('threat #5'));
    expect(markers.map((a) => a.outcome)).toEqual([
      'AWS would refuse it: not sent',
      'AWS would allow it: not sent',
      'would be sent',
      'would be sent',
    ]);
    expect(
      plan.attacks.filter((a) => a.target === 'vault' && a.outcome !== 'AWS would refuse it: not sent'),
    ).toEqual([]);
    expect(plan.attacks.length).toBeGreaterThan(40);
  });

  it('threat #31: --target aws runs only the read-only preflight; every recorded call only reads (moto)', async () => {
    const recorded = recordCommands();
    const plan = await planDrill(config, model, { target: 'aws', keys: 24, clients: moto.clients });
    recorded.stop();
    expect(recorded.calls.length).toBeGreaterThan(0);
    expect(recorded.calls.filter((c) => MUTATING.test(c))).toEqual([]);
    // Nothing is deployed in this moto: the preflight says what is missing.
    expect(plan.preflight.some((c) => !c.passed)).toBe(true);
    expect(plan.creates.every((c) => !c.includes('moto_server'))).toBe(true);
    expect(plan.creates).toEqual(
      expect.arrayContaining([expect.stringContaining('rds airgap-drill-<drill id>-rds-0 in')]),
    );
    // Production changes are decided by policy alone on real accounts.
    const sent = plan.attacks.filter((a) => a.outcome === 'would be sent').map((a) => a.attack);
    expect(sent).not.toContain('add a lifecycle rule expiring everything');
    expect(sent).toContain('delete every object version');
  });

  it('the CLI prints the plan as JSON and exits 0 on the sandbox', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'airgap-dry-')), 'airgap.yaml');
    writeFileSync(file, quickstartYaml());
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await run(['node', 'airgap', 'drill', '--config', file, '--dry-run', '--output', 'json'])).toBe(0);
    const plan = JSON.parse(String(out.mock.calls[0]![0])) as DrillPlan;
    expect([plan.dryRun, plan.target, plan.preflight]).toEqual([true, 'sandbox', []]);
  });
});
