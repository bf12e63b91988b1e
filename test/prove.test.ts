import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_NAMES, ROLE_NAMES } from '../src/config/index.js';
import { TEMPLATES_ONLY } from '../src/infra/app.js';
import { synthesize } from '../src/infra/synth.js';
import { attackCatalogue } from '../src/proof/attacks.js';
import { authorize, type Decision } from '../src/proof/evaluate.js';
import { group } from '../src/proof/grouping.js';
import { loadModel, vaultResource, type ProofModel } from '../src/proof/model.js';
import { principals, type Principal } from '../src/proof/principals.js';
import { prove, type ProofResult } from '../src/proof/prove.js';
import { quickstart, withWorkloadAccounts } from './support/config.js';

const config = quickstart();
const dir = mkdtempSync(join(tmpdir(), 'airgap-prove-'));
let full: ProofResult;
const fresh = (): ProofModel => loadModel(config, dir);
const onlyVaultOperators = {
  only: (p: { id: string }) => ['vault-admin', 'air-gap-admin', 'break-glass'].includes(p.id),
};
const onlySourceAdmin = { only: (p: { id: string }) => p.id.startsWith('source-admin:') };
const airGapped = (m: ProofModel) => m.resources.find((r) => r.name === 'quickstart-airgap-lag')!;
const withoutRcps = (m: ProofModel) => ({ ...m, guardrails: m.guardrails.filter((g) => g.kind !== 'RCP') });

beforeAll(async () => {
  synthesize(config, dir, TEMPLATES_ONLY);
  full = await prove(fresh());
}, 600_000);

describe('airgap prove on the quickstart (iam-simulate, Discovery mode)', () => {
  it('denies every attack of every principal and passes', () => {
    expect(full.breaches).toEqual([]);
    expect(full.passed).toBe(true);
  });

  it('judges the principals the threat model names', () => {
    const ids = full.principals.map((p) => p.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'source-admin:100000000002',
        'source-root:100000000002',
        'source-management-admin',
        'source-management-root',
        'role:100000000002:AirGapReplication',
        'vault-admin',
        'vault-root',
        'backup-admin',
        'backup-root',
        'air-gap-admin',
        'air-gap-root',
        'restore-admin',
        'role:200000000004:AirGapRestore',
        'role:200000000004:AirGapBackupRestoreService',
        'role:200000000002:AirGapSnapshotCopier',
        'role:200000000002:AirGapRetention',
        'outsider',
      ]),
    );
  });

  it('every role the templates create, in either organization, is a principal, with its attached policies', () => {
    const m = fresh();
    const ids = new Set(principals(m).map((p) => p.id));
    expect(m.roles.length).toBeGreaterThan(10);
    expect(m.roles.filter((r) => !ids.has(`role:${r.account}:${r.name}`))).toEqual([]);
    // CDK puts what `addToPrincipalPolicy` adds into an AWS::IAM::Policy beside the role: it is part of the role.
    const restore = m.roles.find((r) => r.name === 'AirGapRestore')!;
    expect(restore.policies.flatMap((p) => p.policy.Statement.map((s: { Sid?: string }) => s.Sid))).toContain(
      'RestoreFromSharedAirGappedVault',
    );
  });

  it('the air-gap account administrator and root appear only where the air-gapped vault is deployed', () => {
    const m = loadModel(config, dir);
    expect(principals(m).map((p) => p.id)).toEqual(expect.arrayContaining(['air-gap-admin', 'air-gap-root']));
    m.config = quickstart([[['backup', 'airGappedVault'], false]]);
    const ids = principals(m).map((p) => p.id);
    expect(ids).not.toContain('air-gap-admin');
    expect(ids).not.toContain('air-gap-root');
  });

  it('threat #21: the source management, backup and air-gap accounts’ roots are principals as their accounts’ root, the management account’s without SCPs as its administrator', () => {
    const src = config.organizations.source;
    const who = new Map(principals(fresh()).map((p) => [p.id, p]));
    for (const [id, account] of [
      ['source-management-root', src.managementAccount],
      ['backup-root', src.backupAccount],
      ['air-gap-root', src.airGapAccount],
    ] as const) {
      const root = who.get(id)!;
      const admin = who.get(id.replace(/-root$/, '-admin'))!;
      expect([id, root.arn, root.trust]).toEqual([id, `arn:aws:iam::${account}:root`, 'attacker']);
      expect([id, root.organization, root.orgId]).toEqual([id, admin.organization, admin.orgId]);
    }
    expect(who.get('source-management-root')!.organization).toBeUndefined();
    expect(who.get('air-gap-root')!.organization).toBe('source');
  });

  it('covers every kind of attack, derived from the action catalogue (hundreds of actions per principal)', () => {
    const kinds = new Set(
      full.matrix.filter((c) => c.principal === 'source-admin:100000000002').map((c) => c.kind),
    );
    expect([...kinds].sort()).toEqual([
      'delete',
      'disable-protection',
      'overwrite',
      're-key',
      'read-decrypt',
      'retention',
      'share-export',
    ]);
    const attempts = full.matrix
      .filter((c) => c.principal === 'source-admin:100000000002')
      .reduce((n, c) => n + c.attempts, 0);
    expect(attempts).toBeGreaterThan(200);
  });

  it('threat #22 (restores): positive controls for replication, the copier with the vault key, restores and AWS Backup copies are allowed', () => {
    expect(full.positiveControls.map((c) => [c.name, c.passed])).toEqual([
      ['replication role replicates into airgap-vault-100000000002-payments-invoices', true],
      ['replication role encrypts replicas with the vault key', true],
      ['copier copies a shared snapshot into a vault copy', true],
      ['copier encrypts the copy with the vault key (kms:CreateGrant, through EC2)', true],
      [
        'copier encrypts the copy with the vault key (kms:GenerateDataKeyWithoutPlaintext, through EC2)',
        true,
      ],
      ['restore role reads vault versions', true],
      ['restore role decrypts vault data through S3', true],
      ['restore workflow shares an EBS vault copy with the restore account', true],
      ['restore workflow copies the shared RDS vault copy in the restore account', true],
      ['restore workflow restores a DB instance in the restore account', true],
      ["restore workflow grants the vault key to the restore account's AirGapRestoreFlow", true],
      ['restore role restores from quickstart-airgap-lag (shared through AWS RAM)', true],
      ["AWS Backup copies 100000000002's recovery points into quickstart-airgap-lag", true],
    ]);
  });

  it('the vault bucket owner’s root cannot change the bucket policy (SCP)', async () => {
    const m = fresh();
    const root = principals(m).find((p) => p.id === 'vault-root')!;
    const bucket = vaultResource(m, 'bucket')!;
    const d = await authorize(m, root, {
      action: 's3:PutBucketPolicy',
      resource: bucket.arn,
      resourceAccount: bucket.account,
    });
    expect(d.allowed).toBe(false);
    expect(d.decidedBy).toContain('scp:airgap-vault-data/DenyVaultBucketChangesExceptBreakGlass');
  });
});

describe('the matrix split over worker threads', () => {
  it('decides the quickstart exactly as in one thread: the same matrix, deciding statements, controls and verdict', async () => {
    const split = await prove(fresh(), { threads: 2 });
    expect(split.evaluated).toBeGreaterThan(4000);
    expect(split).toEqual(full);
  }, 600_000);
});

describe('threats.md §3 scenarios the proof decides (direct calls, Discovery mode: any condition that could hold, holds)', () => {
  const as = (m: ProofModel, id: string) => principals(m).find((p) => p.id === id)!;
  const on = (r: { arn: string; account: string }, action: string, suffix = '') => ({
    action,
    resource: `${r.arn}${suffix}`,
    resourceAccount: r.account,
  });
  const denied = async (m: ProofModel, who: string[], calls: ReturnType<typeof on>[]) => {
    const out: string[] = [];
    for (const id of who)
      for (const c of calls) if ((await authorize(m, as(m, id), c)).allowed) out.push(`${id} ${c.action}`);
    return out;
  };

  it('threat #1/#2: a source administrator or root deletes, overwrites (SSE-C included) or re-configures no vault version', async () => {
    const m = fresh();
    const bucket = vaultResource(m, 'bucket')!;
    const calls = [
      on(bucket, 's3:DeleteObjectVersion', '/any-key'),
      on(bucket, 's3:PutObject', '/any-key'),
      on(bucket, 's3:PutLifecycleConfiguration'),
      on(bucket, 's3:PutBucketPolicy'),
      on(bucket, 's3:DeleteBucket'),
    ];
    expect(
      await denied(
        m,
        ['source-admin:100000000002', 'source-root:100000000002', 'source-management-admin'],
        calls,
      ),
    ).toEqual([]);
    // What a compromised source can still do is replicate new versions in: listed, never hidden.
    expect(full.residualRisks.map((r) => r.risk).join(' ')).toMatch(/replicate new \(ransomed\) versions/);
  });

  it('threat #6: the vault root and administrator delete no COMPLIANCE version, with or without the bypass', async () => {
    const m = fresh();
    const bucket = vaultResource(m, 'bucket')!;
    const calls = [
      on(bucket, 's3:DeleteObjectVersion', '/any-key'),
      on(bucket, 's3:BypassGovernanceRetention', '/any-key'),
      on(bucket, 's3:PutObjectRetention', '/any-key'),
    ];
    expect(await denied(m, ['vault-root', 'vault-admin', 'break-glass'], calls)).toEqual([]);
  });

  it('threat #11: nobody in the vault organization, break-glass included, schedules the vault key’s deletion or disables it', async () => {
    const m = fresh();
    const key = vaultResource(m, 'key')!;
    const calls = [on(key, 'kms:ScheduleKeyDeletion'), on(key, 'kms:DisableKey')];
    expect(await denied(m, ['vault-root', 'vault-admin', 'break-glass'], calls)).toEqual([]);
    const d = await authorize(m, as(m, 'vault-admin'), calls[0]!);
    expect(d.decidedBy).toContain('scp:airgap-vault-keys/DenyKeyDestruction');
  });

  it('threat #11: nobody in the vault organization, the operator included, deletes, disables or re-keys the catalog key; the operator decrypts with it, never with the vault key', async () => {
    const m = fresh();
    const alias = RESOURCE_NAMES.catalogKeyAlias(config);
    const catalogKey = m.resources.find((r) => r.kind === 'key' && r.alias === alias)!;
    const vaultKey = vaultResource(m, 'key')!;
    expect(catalogKey.arn).not.toBe(vaultKey.arn);
    const operator = `role:${catalogKey.account}:${ROLE_NAMES.operator}`;
    const calls = [
      on(catalogKey, 'kms:ScheduleKeyDeletion'),
      on(catalogKey, 'kms:DisableKey'),
      on(catalogKey, 'kms:ImportKeyMaterial'),
      on(catalogKey, 'kms:UpdateKeyDescription'),
    ];
    expect(await denied(m, ['vault-root', 'vault-admin', 'break-glass', operator], calls)).toEqual([]);
    // Discovery mode: the operator's DynamoDB-only condition may hold, so only the key's resource decides.
    expect(await denied(m, [operator], [on(catalogKey, 'kms:Decrypt')])).toEqual([`${operator} kms:Decrypt`]);
    expect(await denied(m, [operator], [on(vaultKey, 'kms:Decrypt')])).toEqual([]);
  });

  it('threat #21: the air-gap account’s administrator and root and the vault root delete no recovery point of the air-gapped vault', async () => {
    const m = fresh();
    const lag = airGapped(m);
    const point = {
      action: 'backup:DeleteRecoveryPoint',
      resource: `arn:aws:backup:us-east-1:${lag.account}:recovery-point:any`,
      resourceAccount: lag.account,
      governedBy: lag.arn,
    };
    expect(
      await denied(
        m,
        ['air-gap-admin', 'air-gap-root', 'vault-root', 'break-glass'],
        [point, on(lag, 'backup:DeleteBackupVault')],
      ),
    ).toEqual([]);
  });

  it('the air-gap account’s principals are judged on every attack on a backup vault not their own: the narrowing to destroying recovery points is for the air-gapped vault only', async () => {
    const m = fresh();
    const lag = airGapped(m);
    const vaultAccount = config.organizations.vault.vaultAccount;
    // A backup vault of the vault account whose access policy (a mistake) lets anyone do anything.
    m.resources.push({
      ...lag,
      name: 'vault-side',
      account: vaultAccount,
      arn: `arn:aws:backup:us-east-1:${vaultAccount}:backup-vault:vault-side`,
      policy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'backup:*', Resource: '*' }],
      },
    });
    const r = await prove(m, { only: (p) => p.id === 'air-gap-admin' });
    const there = r.breaches.filter((b) => b.resource.includes('vault-side'));
    // Reads and copies out are attacks there, as for any source principal (they were not judged at all).
    expect(there.map((b) => b.action)).toEqual(expect.arrayContaining(['backup:StartCopyJob']));
    expect(r.principals).toEqual([
      {
        id: 'air-gap-admin',
        label: 'source air-gap account administrator',
        judgedOn: 'every attack; on its own AWS Backup vault, destroying or shortening recovery points',
      },
    ]);
  }, 120_000);

  it('threat #21: the air-gap account’s root is refused deleting recovery points, the vault and its Vault Lock by the vault’s access policy and the source SCP', async () => {
    const m = fresh();
    const lag = airGapped(m);
    const calls = [
      {
        action: 'backup:DeleteRecoveryPoint',
        resource: `arn:aws:backup:us-east-1:${lag.account}:recovery-point:any`,
        resourceAccount: lag.account,
        governedBy: lag.arn,
      },
      on(lag, 'backup:DeleteBackupVault'),
      on(lag, 'backup:DeleteBackupVaultLockConfiguration'),
    ];
    const root = as(m, 'air-gap-root');
    expect(root.arn).toBe(`arn:aws:iam::${lag.account}:root`);
    for (const c of calls)
      expect([c.action, await authorize(m, root, c)]).toEqual([
        c.action,
        {
          allowed: false,
          decidedBy: [
            'resource:policy/DenyRecoveryPointDeletionAndLockRemoval',
            'scp:airgap-source-protection/DenyBackupTamperingExceptBreakGlass',
          ],
        },
      ]);
    // Without both statements nothing else holds the root back: the matrix judges it on these attacks.
    lag.policy.Statement = lag.policy.Statement.filter(
      (s: { Sid: string }) => s.Sid !== 'DenyRecoveryPointDeletionAndLockRemoval',
    );
    const scp = m.guardrails.find((g) => g.name === 'airgap-source-protection')!;
    scp.document.Statement = scp.document.Statement.filter(
      (s) => s.Sid !== 'DenyBackupTamperingExceptBreakGlass',
    );
    const r = await prove(m, { only: (p) => p.id === 'air-gap-root' });
    expect(r.passed).toBe(false);
    expect(
      r.breaches.filter((b) => b.resource.includes(lag.name) || b.resource.includes(':recovery-point:')),
    ).toEqual(
      expect.arrayContaining(
        calls.map((c) =>
          expect.objectContaining({ principal: 'source air-gap account root', action: c.action }),
        ),
      ),
    );
  }, 120_000);

  it('threat #25: vault members do not leave the organization, stop the trail or delete the detector', async () => {
    const m = fresh();
    const vault = config.organizations.vault.vaultAccount;
    const calls = [
      { action: 'organizations:LeaveOrganization', resource: '*', resourceAccount: vault },
      {
        action: 'cloudtrail:StopLogging',
        resource: `arn:aws:cloudtrail:us-east-1:${vault}:trail/quickstart-airgap`,
        resourceAccount: vault,
      },
      {
        action: 'guardduty:DeleteDetector',
        resource: `arn:aws:guardduty:us-east-1:${vault}:detector/vault`,
        resourceAccount: vault,
      },
    ];
    expect(await denied(m, ['vault-root', 'vault-admin', 'air-gap-admin', 'restore-admin'], calls)).toEqual(
      [],
    );
  });

  it('threat #26: no source principal assumes a role of the vault organization (no trust path)', async () => {
    const m = fresh();
    const source = principals(m).filter(
      (p) => p.organization === 'source' || p.id.startsWith('source-management-'),
    );
    const assumed: string[] = [];
    for (const role of m.roles.filter((r) => r.organization === 'vault'))
      for (const p of source) {
        const d = await authorize(m, p, {
          action: 'sts:AssumeRole',
          resource: role.arn,
          resourceAccount: role.account,
          resourcePolicy: role.trust,
        });
        if (d.allowed) assumed.push(`${p.id} -> ${role.name}`);
      }
    expect(m.roles.filter((r) => r.organization === 'vault').length).toBeGreaterThan(5);
    expect(assumed).toEqual([]);
  }, 120_000);
});

describe('the restore workflow role (Strict mode)', () => {
  const flow = (m: ProofModel) => principals(m).find((p) => p.id === 'role:200000000002:AirGapRestoreFlow')!;
  const RESTORE_FLOW = 'arn:aws:iam::200000000004:role/AirGapRestoreFlow';

  it('shares an EBS vault copy with no account but the restore account, and never publicly', async () => {
    const m = fresh();
    const share = (context: Record<string, string | string[]>) =>
      authorize(
        m,
        flow(m),
        {
          action: 'ec2:ModifySnapshotAttribute',
          resource: 'arn:aws:ec2:us-east-1::snapshot/snap-vault-copy',
          resourceAccount: '200000000002',
          context: {
            'aws:ViaAWSService': 'false',
            'aws:ResourceTag/airgap:source-arn': 'arn:src',
            ...context,
          },
        },
        'Strict',
      );
    expect((await share({ 'ec2:Add/userId': ['200000000004'] })).allowed).toBe(true);
    expect((await share({ 'ec2:Add/userId': ['999999999999'] })).allowed).toBe(false);
    expect((await share({ 'ec2:Add/userId': ['200000000004'], 'ec2:Add/group': 'all' })).allowed).toBe(false);
  });

  it("grants the vault key to the restore account's AirGapRestoreFlow only, for copying only", async () => {
    const m = fresh();
    const key = vaultResource(m, 'key')!;
    const grant = (grantee: string, ops: string[]) =>
      authorize(
        m,
        flow(m),
        {
          action: 'kms:CreateGrant',
          resource: key.arn,
          resourceAccount: key.account,
          context: {
            'aws:ViaAWSService': 'false',
            'kms:GranteePrincipal': grantee,
            'kms:GrantOperations': ops,
          },
        },
        'Strict',
      );
    expect((await grant(RESTORE_FLOW, ['Decrypt', 'CreateGrant'])).allowed).toBe(true);
    expect((await grant('arn:aws:iam::999999999999:role/Thief', ['Decrypt'])).allowed).toBe(false);
    expect((await grant(RESTORE_FLOW, ['Decrypt', 'Encrypt'])).allowed).toBe(false);
  });
});

describe('the drill’s clean-up in the restore account: its own restores only (Strict mode, with MFA)', () => {
  const RESTORE = '200000000004';
  const VAULT = '200000000002';
  const person = (m: ProofModel, account: string, role: string) => ({
    ...principals(m).find((p) => p.id === `role:${account}:${role}`)!,
    mfa: true,
  });
  const may = async (
    who: { account: string; role: string },
    action: string,
    resource: string,
    tags: Record<string, string> = {},
  ) => {
    const m = fresh();
    // Bucket ARNs name no account: the operator's own (the grant's aws:ResourceAccount condition checks it).
    const at = resource.split(':')[4] || who.account;
    const context = {
      'aws:ViaAWSService': 'false',
      // A person on the quickstart's allowed network (access.allowedCidrs).
      'aws:SourceIp': '203.0.113.7',
      'aws:ResourceAccount': at,
      ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
    };
    return (
      await authorize(
        m,
        person(m, who.account, who.role),
        { action, resource, resourceAccount: at, context },
        'Strict',
      )
    ).allowed;
  };
  const operator = { account: RESTORE, role: ROLE_NAMES.operator };
  const drill = { 'airgap:drill': '20261123t130000000z' };
  const copy = (account: string) =>
    `arn:aws:rds:us-east-1:${account}:snapshot:airgap-restore-0123456789abcdef`;

  it('the restore account’s operator deletes the drill’s restored databases, copies, volumes and buckets', async () => {
    expect(
      await may(
        operator,
        'rds:DeleteDBInstance',
        `arn:aws:rds:us-east-1:${RESTORE}:db:airgap-drill-x-restore-0`,
      ),
    ).toBe(true);
    expect(await may(operator, 'rds:DeleteDBSnapshot', copy(RESTORE), drill)).toBe(true);
    expect(await may(operator, 'ec2:DeleteSnapshot', 'arn:aws:ec2:us-east-1::snapshot/snap-1', drill)).toBe(
      true,
    );
    expect(
      await may(operator, 'ec2:DeleteVolume', `arn:aws:ec2:us-east-1:${RESTORE}:volume/vol-1`, drill),
    ).toBe(true);
    expect(await may(operator, 's3:DeleteBucket', 'arn:aws:s3:::airgap-drill-x-s3-0')).toBe(true);
  });

  it('and nothing a real restore made, nor anything in the vault account, not even tagged as the drill’s', async () => {
    expect(
      await may(
        operator,
        'rds:DeleteDBInstance',
        `arn:aws:rds:us-east-1:${RESTORE}:db:airgap-restore-orders`,
      ),
    ).toBe(false);
    expect(await may(operator, 'rds:DeleteDBSnapshot', copy(RESTORE))).toBe(false);
    expect(await may(operator, 'ec2:DeleteVolume', `arn:aws:ec2:us-east-1:${RESTORE}:volume/vol-1`)).toBe(
      false,
    );
    expect(await may(operator, 's3:DeleteBucket', 'arn:aws:s3:::airgap-restore-orders')).toBe(false);
    expect(await may(operator, 's3:GetObject', 'arn:aws:s3:::airgap-restore-orders/k')).toBe(false);
    const vaultOperator = { account: VAULT, role: ROLE_NAMES.operator };
    expect(await may(vaultOperator, 'rds:DeleteDBSnapshot', copy(VAULT), drill)).toBe(false);
    // The restore role, which tags what it restores, deletes nothing.
    const restoreRole = { account: RESTORE, role: ROLE_NAMES.restore };
    expect(await may(restoreRole, 'rds:DeleteDBSnapshot', copy(RESTORE), drill)).toBe(false);
    expect(await may(restoreRole, 's3:DeleteBucket', 'arn:aws:s3:::airgap-drill-x-s3-0')).toBe(false);
  });
});

describe('people in the vault organization: MFA and allow-listed networks (direct calls, Strict mode)', () => {
  const ALLOWED = '203.0.113.7';
  const OUTSIDE = '198.51.100.7';
  const MFA_SID = 'scp:airgap-vault-organization/DenyPeopleWithoutMfa';
  const NETWORK_SID = 'scp:airgap-vault-organization/DenyPeopleOutsideAllowedNetworks';
  const call = async (
    id: string,
    edit: Partial<Principal>,
    action: string,
    context: Record<string, string>,
  ): Promise<Decision> => {
    const m = fresh();
    const who = { ...principals(m).find((p) => p.id === id)!, ...edit };
    const bucket = vaultResource(m, 'bucket')!;
    return authorize(
      m,
      who,
      { action, resource: bucket.arn, resourceAccount: bucket.account, context },
      'Strict',
    );
  };
  const direct = (ip: string) => ({ 'aws:ViaAWSService': 'false', 'aws:SourceIp': ip });

  it('a vault administrator without MFA is refused, even on an allowed network', async () => {
    const d = await call('vault-admin', {}, 's3:ListBucket', direct(ALLOWED));
    expect(d.allowed).toBe(false);
    expect(d.decidedBy).toContain(MFA_SID);
  });

  it('a vault administrator with MFA is refused outside the allowed networks, let through inside them', async () => {
    const outside = await call('vault-admin', { mfa: true }, 's3:ListBucket', direct(OUTSIDE));
    expect(outside.decidedBy).toContain(NETWORK_SID);
    const inside = await call('vault-admin', { mfa: true }, 's3:ListBucket', direct(ALLOWED));
    expect(inside.allowed).toBe(true);
  });

  it('the break-glass path: with MFA from any network it may still reconfigure a vault bucket; without MFA, nothing', async () => {
    const anywhere = await call('break-glass', {}, 's3:PutBucketPolicy', direct(OUTSIDE));
    expect(anywhere.allowed).toBe(true);
    const noMfa = await call('break-glass', { mfa: false }, 's3:PutBucketPolicy', direct(OUTSIDE));
    expect(noMfa.decidedBy).toContain(MFA_SID);
  });

  it('AWS services acting for a caller, and the project’s service roles, are not people', async () => {
    const viaService = await call('vault-admin', {}, 's3:ListBucket', {
      'aws:ViaAWSService': 'true',
      'aws:SourceIp': OUTSIDE,
    });
    expect(viaService.decidedBy).not.toContain(MFA_SID);
    expect(viaService.decidedBy).not.toContain(NETWORK_SID);
    const copier = await call(
      'vault-admin',
      { arn: 'arn:aws:iam::200000000002:role/AirGapSnapshotCopier' },
      's3:ListBucket',
      direct(OUTSIDE),
    );
    expect(copier.allowed).toBe(true);
  });
});

describe('guardrail statements on requests the matrix leaves open (Strict mode: one concrete request, every fact given)', () => {
  const person = { 'aws:ViaAWSService': 'false', 'aws:SourceIp': '203.0.113.7' };
  /** The principal as a person with MFA on an allowed network: only the statement under test may refuse it. */
  const withMfa = (m: ProofModel, id: string) => ({ ...principals(m).find((p) => p.id === id)!, mfa: true });
  const dropped = (m: ProofModel, policy: string, sid: string) => {
    const g = m.guardrails.find((x) => x.name === policy)!;
    g.document.Statement = g.document.Statement.filter((s) => s.Sid !== sid);
    return m;
  };

  describe('threat #2: SSE-C writes in the source organization', () => {
    const SSE_C = 'scp:airgap-source-protection/DenySseCWrites';
    const put = (m: ProofModel, context: Record<string, string>) =>
      authorize(
        m,
        principals(m).find((p) => p.id === 'source-admin:100000000002')!,
        {
          action: 's3:PutObject',
          resource: 'arn:aws:s3:::payments-invoices/invoice-1.pdf',
          resourceAccount: '100000000002',
          context: { ...person, ...context },
        },
        'Strict',
      );
    const sseC = { 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256' };

    it('a source administrator’s PutObject with a customer-provided key on its own bucket is refused by DenySseCWrites', async () => {
      expect(await put(fresh(), sseC)).toEqual({ allowed: false, decidedBy: [SSE_C] });
    });

    it('the same PutObject without the header, or with the statement dropped, is allowed', async () => {
      expect((await put(fresh(), {})).allowed).toBe(true);
      expect((await put(dropped(fresh(), 'airgap-source-protection', 'DenySseCWrites'), sseC)).allowed).toBe(
        true,
      );
    });
  });

  describe('threat #12: vault key lock-out and imported key material', () => {
    const LOCKOUT = 'scp:airgap-vault-keys/DenyKeyPolicyLockoutBypass';
    const EXTERNAL = 'scp:airgap-vault-keys/DenyExternalKeyMaterial';
    const POLICY_CHANGE = 'scp:airgap-vault-keys/DenyKeyPolicyChangeExceptBreakGlass';
    const call = (m: ProofModel, id: string, action: string, context: Record<string, string>) => {
      const key = vaultResource(m, 'key')!;
      return authorize(
        m,
        withMfa(m, id),
        {
          action,
          // CreateKey names no key: it is authorized on `*` in the account the key would be created in.
          resource: action === 'kms:CreateKey' ? '*' : key.arn,
          resourceAccount: key.account,
          context: { ...person, ...context },
        },
        'Strict',
      );
    };
    const bypass = { 'kms:BypassPolicyLockoutSafetyCheck': 'true' };
    const safe = { 'kms:BypassPolicyLockoutSafetyCheck': 'false' };
    const external = { ...safe, 'kms:KeyOrigin': 'EXTERNAL' };

    it('break-glass and the vault administrator put no key policy, and create no key, past the lock-out safety check', async () => {
      const m = fresh();
      expect(await call(m, 'break-glass', 'kms:PutKeyPolicy', bypass)).toEqual({
        allowed: false,
        decidedBy: [LOCKOUT],
      });
      expect(await call(m, 'vault-admin', 'kms:PutKeyPolicy', bypass)).toEqual({
        allowed: false,
        decidedBy: [POLICY_CHANGE, LOCKOUT],
      });
      for (const id of ['break-glass', 'vault-admin'])
        expect([id, await call(m, id, 'kms:CreateKey', { ...bypass, 'kms:KeyOrigin': 'AWS_KMS' })]).toEqual([
          id,
          { allowed: false, decidedBy: [LOCKOUT] },
        ]);
    });

    it('break-glass and the vault administrator create no key for imported material, nor import into the vault key', async () => {
      const m = fresh();
      for (const id of ['break-glass', 'vault-admin']) {
        expect([id, await call(m, id, 'kms:CreateKey', external)]).toEqual([
          id,
          { allowed: false, decidedBy: [EXTERNAL] },
        ]);
        expect([id, (await call(m, id, 'kms:ImportKeyMaterial', {})).decidedBy]).toEqual([
          id,
          ['scp:airgap-vault-keys/DenyKeyDestruction'],
        ]);
      }
    });

    it('each statement decides: without the flag, with a KMS-made key, or with the statement dropped, the call is allowed', async () => {
      const m = fresh();
      expect((await call(m, 'break-glass', 'kms:PutKeyPolicy', safe)).allowed).toBe(true);
      const lockout = dropped(fresh(), 'airgap-vault-keys', 'DenyKeyPolicyLockoutBypass');
      expect((await call(lockout, 'break-glass', 'kms:PutKeyPolicy', bypass)).allowed).toBe(true);
      const externalAllowed = dropped(fresh(), 'airgap-vault-keys', 'DenyExternalKeyMaterial');
      for (const id of ['break-glass', 'vault-admin']) {
        const kmsMade = { ...safe, 'kms:KeyOrigin': 'AWS_KMS' };
        expect([id, (await call(m, id, 'kms:CreateKey', kmsMade)).allowed]).toEqual([id, true]);
        expect([
          id,
          (await call(lockout, id, 'kms:CreateKey', { ...bypass, 'kms:KeyOrigin': 'AWS_KMS' })).allowed,
        ]).toEqual([id, true]);
        expect([id, (await call(externalAllowed, id, 'kms:CreateKey', external)).allowed]).toEqual([
          id,
          true,
        ]);
      }
    });
  });

  describe('threat #26: a leaked source CI token (web identity from the source organization’s OIDC provider)', () => {
    const PROVIDER = 'arn:aws:iam::100000000002:oidc-provider/token.actions.githubusercontent.com';
    const RCP = 'rcp:airgap-vault-perimeter/AssumeRoleOnlyFromVaultOrg';
    // AWS authorizes AssumeRoleWithWebIdentity by the role's trust policy and the RCPs alone: the caller holds no AWS
    // identity, so no identity policy, no SCP and no aws:PrincipalOrgID. iam-simulate asks a cross-account caller for
    // an identity policy allowing the call: the token is given one, so that only the trust policy and the RCP decide.
    const token: Principal = {
      id: 'source-ci-token',
      label: 'leaked source CI token',
      arn: PROVIDER,
      account: '100000000002',
      organization: undefined,
      orgId: undefined,
      policies: [
        {
          name: 'WebIdentity',
          policy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Resource: '*' }],
          },
        },
      ],
      mfa: false,
      trust: 'attacker',
    };
    // iam-simulate knows no provider's claim keys (`token.actions.githubusercontent.com:sub`, `:aud`): a trust
    // statement conditioned on them never matches here, so the trust mistake below trusts the provider outright.
    const claims = { 'aws:FederatedProvider': PROVIDER };
    const assume = (m: ProofModel, role: ProofModel['roles'][number], trust: unknown = role.trust) =>
      authorize(
        m,
        token,
        {
          action: 'sts:AssumeRoleWithWebIdentity',
          resource: role.arn,
          resourceAccount: role.account,
          resourcePolicy: trust,
          context: claims,
        },
        'Strict',
      );

    it('assumes no role of the vault organization: the RCP refuses it in every member account (no RCP binds the management account), and no trust policy names it', async () => {
      const m = fresh();
      const management = config.organizations.vault.managementAccount;
      const roles = m.roles.filter((r) => r.organization === 'vault');
      expect(new Set(roles.map((r) => r.account)).size).toBeGreaterThanOrEqual(4);
      const decide = async (model: ProofModel) => {
        const out: unknown[] = [];
        for (const role of roles) out.push([role.account, role.name, await assume(model, role)]);
        return out;
      };
      const refused = (by: (account: string) => string) =>
        roles.map((r) => [r.account, r.name, { allowed: false, decidedBy: [by(r.account)] }]);
      expect(await decide(m)).toEqual(
        refused((account) => (account === management ? 'resource:no-allow' : RCP)),
      );
      // The trust policies on their own: none names the provider.
      expect(await decide(dropped(fresh(), 'airgap-vault-perimeter', 'AssumeRoleOnlyFromVaultOrg'))).toEqual(
        refused(() => 'resource:no-allow'),
      );
    }, 120_000);

    it('a vault role trusting the source organization’s provider (an OIDC trust mistake) is still refused, by the RCP; without that statement the token assumes it', async () => {
      const m = fresh();
      const role = m.roles.find(
        (r) => r.account === config.organizations.vault.vaultAccount && r.name === ROLE_NAMES.operator,
      )!;
      const trust = {
        ...role.trust,
        Statement: [
          ...role.trust.Statement,
          {
            Effect: 'Allow',
            Principal: { Federated: PROVIDER },
            Action: 'sts:AssumeRoleWithWebIdentity',
          },
        ],
      };
      expect(await assume(m, role, trust)).toEqual({ allowed: false, decidedBy: [RCP] });
      const open = dropped(m, 'airgap-vault-perimeter', 'AssumeRoleOnlyFromVaultOrg');
      expect(await assume(open, role, trust)).toEqual({ allowed: true, decidedBy: ['allowed'] });
      expect((await assume(open, role)).allowed).toBe(false);
    });
  });
});

describe('AWS Backup: the air-gapped vault survives the source organization', () => {
  const BACKUP_ATTACKS = [
    'backup:DeleteRecoveryPoint',
    'backup:DeleteBackupVaultLockConfiguration',
    'backup:PutBackupVaultAccessPolicy',
    'backup:DeleteBackupVaultAccessPolicy',
  ];
  const backupAttacks = async (m: ProofModel) =>
    (await attackCatalogue(m)).filter((a) => BACKUP_ATTACKS.includes(a.action));

  it('threat #21: no source principal deletes a recovery point, removes the Vault Lock or changes the access policy', async () => {
    const m = fresh();
    const attacks = await backupAttacks(m);
    expect(attacks.map((a) => a.action).sort()).toEqual([...BACKUP_ATTACKS].sort());
    // the recovery points are judged under the vault access policy that governs them
    expect(attacks.find((a) => a.action === 'backup:DeleteRecoveryPoint')!.governedBy).toMatch(
      /:backup-vault:/,
    );
    const source = principals(m).filter(
      (p) => p.organization === 'source' || p.id.startsWith('source-management-'),
    );
    expect(source.length).toBeGreaterThanOrEqual(5);
    for (const p of source)
      for (const a of attacks)
        expect([p.id, a.action, (await authorize(m, p, a)).allowed]).toEqual([p.id, a.action, false]);
  }, 120_000);
});

describe('the proof can fail: mutations turn it red, naming the attack', () => {
  const vaultScpStatements = (m: ProofModel) =>
    m.guardrails
      .filter((g) => g.organization === 'vault' && g.kind === 'SCP')
      .flatMap((g) => g.document.Statement.map((s) => ({ policy: g.name, sid: s.Sid })));

  it('threat #11, #21, #25: dropping any vault SCP statement lets a vault or air-gap administrator without MFA through', async () => {
    const results: Record<string, string | null> = {};
    for (const { policy, sid } of vaultScpStatements(fresh())) {
      const m = fresh();
      const g = m.guardrails.find((x) => x.name === policy)!;
      g.document.Statement = g.document.Statement.filter((s) => s.Sid !== sid);
      const r = await prove(m, onlyVaultOperators);
      results[`${policy}/${sid}`] = r.passed ? null : r.breaches[0]!.action;
    }
    // A statement no attack of the matrix needs would show as null. Only these may, each for its reason and
    // each pinned by its own test in src/infra/guardrails/policies.test.ts:
    expect(
      Object.entries(results)
        .filter(([, breach]) => breach === null)
        .map(([name]) => name),
    ).toEqual([
      // the matrix has no EFS attack and the quickstart no EFS replica: the statement is pinned by its policy test.
      'airgap-vault-data/DenyEfsReplicaChangesExceptBreakGlass',
      // the restore account's operator may delete a snapshot only where its policy lets it, the drill's copies: the
      // SCP line that would stop a widened policy opens nothing the matrix sees (its attacks are on the vault's
      // copies); pinned in src/infra/guardrails/policies.test.ts and by the drill's clean-up tests above.
      'airgap-vault-recovery-points/RestoreOperatorDeletesOnlyDrillCopies',
      // the operator's own policy grants nothing on a copy but sharing, so the SCP line that would stop a widened one
      // opens nothing the matrix sees; pinned in src/infra/guardrails/policies.test.ts.
      'airgap-vault-recovery-points/OperatorOnlySharesSnapshots',
      // the quickstart has no backup vault in the vault organization (the air-gapped vault is a source account's,
      // AWS Backup copying only within one organization; the EFS replicas' vault needs protect.efs): both statements
      // guard the vault organization's own backup vaults and are pinned in src/infra/guardrails/policies.test.ts.
      'airgap-vault-recovery-points/DenyBackupVaultTampering',
      'airgap-vault-recovery-points/DenyBackupAccessChangesExceptBreakGlass',
      // break-glass may rewrite a key policy, only not in the form that locks everyone out: a request flag the
      // matrix leaves open (Discovery mode) for every legitimate PutKeyPolicy. Pinned by the Strict-mode tests above.
      'airgap-vault-keys/DenyKeyPolicyLockoutBypass',
      // creating a key harms no existing copy; the statement keeps future vault keys free of imported material.
      // Pinned by the Strict-mode tests above.
      'airgap-vault-keys/DenyExternalKeyMaterial',
      // Discovery mode leaves aws:ViaAWSService and aws:SourceIp open (a call might come through a service or from
      // an allowed network), so the human-access statements never count there; the Strict-mode tests below pin them.
      'airgap-vault-organization/DenyPeopleWithoutMfa',
      'airgap-vault-organization/DenyPeopleOutsideAllowedNetworks',
    ]);
  }, 300_000);

  it('threat #1: a bucket policy widened to the source organization is caught (with the RCP layer absent)', async () => {
    const m = withoutRcps(fresh());
    const bucket = vaultResource(m, 'bucket')!;
    bucket.policy.Statement = bucket.policy.Statement.filter(
      (s: { Sid?: string }) => s.Sid !== 'DenyOutsideVaultOrganization',
    );
    bucket.policy.Statement.push({
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:*',
      Resource: [bucket.arn, `${bucket.arn}/*`],
      Condition: { StringEquals: { 'aws:PrincipalOrgID': config.organizations.source.id } },
    });
    const r = await prove(m, onlySourceAdmin);
    expect(r.passed).toBe(false);
    expect(r.breaches.map((b) => b.action)).toContain('s3:DeleteObjectVersion');
  }, 60_000);

  it('threat #12: a source principal added to the vault key policy is caught (with the RCP layer absent)', async () => {
    const m = withoutRcps(fresh());
    const key = vaultResource(m, 'key')!;
    key.policy.Statement.push({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::100000000002:root' },
      Action: 'kms:*',
      Resource: '*',
    });
    const r = await prove(m, onlySourceAdmin);
    expect(r.passed).toBe(false);
    expect(r.breaches.map((b) => b.action)).toEqual(
      expect.arrayContaining(['kms:Decrypt', 'kms:ScheduleKeyDeletion']),
    );
  }, 60_000);

  it('the RCP alone still stops a widened key policy: layers are independent', async () => {
    const m = fresh();
    const key = vaultResource(m, 'key')!;
    key.policy.Statement.push({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::100000000002:root' },
      Action: 'kms:*',
      Resource: '*',
    });
    const r = await prove(m, onlySourceAdmin);
    expect(r.breaches.filter((b) => b.action === 'kms:Decrypt')).toEqual([]);
  }, 60_000);

  it('threat #7: Object Lock switched to GOVERNANCE fails the lock check', async () => {
    const m = fresh();
    vaultResource(m, 'bucket')!.objectLock = { mode: 'GOVERNANCE', days: 30 };
    const r = await prove(m, { only: () => false });
    expect(r.passed).toBe(false);
    expect(r.staticChecks.find((c) => !c.passed)?.detail).toContain('GOVERNANCE');
  });

  it('a positive control that is denied fails the proof (everything denied proves nothing)', async () => {
    const m = fresh();
    const bucket = vaultResource(m, 'bucket')!;
    bucket.policy.Statement = bucket.policy.Statement.filter(
      (s: { Sid?: string }) => s.Sid !== 'SourceReplicationRoleReplicatesOnly',
    );
    const r = await prove(m, { only: () => false });
    expect(r.passed).toBe(false);
    expect(r.positiveControls.find((c) => !c.passed)?.name).toMatch(/replicates into/);
  });

  it('threat #22: without the RAM share the restore role cannot restore from the air-gapped vault, and the proof says so', async () => {
    const m = fresh();
    const lag = airGapped(m);
    lag.policy.Statement = lag.policy.Statement.filter((s: { Sid: string }) => !s.Sid.startsWith('RamShare'));
    const r = await prove(m, { only: () => false });
    expect(r.passed).toBe(false);
    expect(r.positiveControls.filter((c) => !c.passed).map((c) => c.name)).toEqual([
      'restore role restores from quickstart-airgap-lag (shared through AWS RAM)',
    ]);
  });

  it('a vault access policy that no longer admits the workload account fails the AWS Backup copy control', async () => {
    const m = fresh();
    const lag = airGapped(m);
    lag.policy.Statement = lag.policy.Statement.filter(
      (s: { Sid: string }) => s.Sid !== 'AllowCopyInFromNamedAccounts',
    );
    const r = await prove(m, { only: () => false });
    expect(r.positiveControls.filter((c) => !c.passed).map((c) => c.name)).toEqual([
      "AWS Backup copies 100000000002's recovery points into quickstart-airgap-lag",
    ]);
  });

  it('threat #9: a Vault Lock weaker than required (air-gapped vault under 7 days) fails the lock check', async () => {
    const m = fresh();
    airGapped(m).vaultLock = { minDays: 1, maxDays: 3650, changeableForDays: 0 };
    const r = await prove(m, { only: () => false });
    expect(r.passed).toBe(false);
    expect(r.staticChecks.filter((c) => !c.passed).map((c) => c.name)).toEqual([
      'Vault Lock of quickstart-airgap-lag',
    ]);
  });
});

describe('the air-gapped vault’s access policy is load-bearing: widening it turns the proof red, naming the attack', () => {
  const attackers = {
    only: (p: { id: string }) =>
      ['source-admin:100000000002', 'source-management-admin', 'outsider'].includes(p.id),
  };
  const allow = (action: string, condition?: object) => ({
    Sid: 'Widened',
    Effect: 'Allow',
    Principal: '*',
    Action: action,
    Resource: '*',
    ...(condition ? { Condition: condition } : {}),
  });

  it('threat #21: the source organization allowed to rewrite the access policy', async () => {
    const m = fresh();
    airGapped(m).policy.Statement.push(
      allow('backup:PutBackupVaultAccessPolicy', {
        StringEquals: { 'aws:PrincipalOrgID': config.organizations.source.id },
      }),
    );
    const r = await prove(m, attackers);
    expect(r.passed).toBe(false);
    expect(r.breaches).toContainEqual(
      expect.objectContaining({
        principal: 'source management account administrator',
        action: 'backup:PutBackupVaultAccessPolicy',
        resource: airGapped(m).arn,
      }),
    );
  }, 120_000);

  it('threat #21: the denial of recovery-point deletion dropped and deletion allowed to anyone', async () => {
    const m = fresh();
    const lag = airGapped(m);
    lag.policy.Statement = [
      ...lag.policy.Statement.filter(
        (s: { Sid: string }) => s.Sid !== 'DenyRecoveryPointDeletionAndLockRemoval',
      ),
      allow('backup:DeleteRecoveryPoint'),
    ];
    const r = await prove(m, attackers);
    expect(r.passed).toBe(false);
    const deletions = r.breaches.filter((b) => b.action === 'backup:DeleteRecoveryPoint');
    expect(deletions.map((b) => b.principal).sort()).toEqual([
      'principal outside both organizations',
      'source management account administrator',
    ]);
    expect(deletions[0]!.resource).toMatch(/:100000000004:recovery-point:/);
  }, 120_000);
});

describe('equal-shape workload accounts are proved through one representative, soundly', () => {
  const wide = withWorkloadAccounts(3);
  const [a, b, c] = wide.organizations.source.workloadAccounts.map((w) => w.id) as [string, string, string];
  const wideDir = mkdtempSync(join(tmpdir(), 'airgap-prove-wide-'));
  const load = () => loadModel(wide, wideDir);
  beforeAll(() => void synthesize(wide, wideDir, TEMPLATES_ONLY), 120_000);
  /** The vault bucket of `account` without its organization perimeter and with one statement more; its ARN. */
  const widen = (m: ProofModel, account: string, grant: (bucket: string) => object): string => {
    const bucket = m.resources.find((r) => r.kind === 'bucket' && r.name.includes(account))!;
    bucket.policy.Statement = bucket.policy.Statement.filter(
      (s: { Sid?: string }) => s.Sid !== 'DenyOutsideVaultOrganization',
    );
    bucket.policy.Statement.push(grant(bucket.arn));
    return bucket.arn;
  };

  it('groups accounts whose policies are identical up to the account id', async () => {
    const r = await prove(load(), { only: () => false });
    expect(r.groups).toEqual([{ representative: a, accounts: [b, c] }]);
    expect(r.principals.map((p) => p.id)).not.toContain(`source-admin:${c}`);
  });

  it('a mutation in one account of a group proves it on its own and turns the proof red', async () => {
    const m = withoutRcps(load());
    widen(m, c, (bucket) => ({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${c}:root` },
      Action: 's3:*',
      Resource: [bucket, `${bucket}/*`],
    }));
    const r = await prove(m, { only: (p) => p.id === `source-admin:${c}` });
    expect(r.groups).toEqual([{ representative: a, accounts: [b] }]);
    expect(r.passed).toBe(false);
    expect(r.breaches).toContainEqual(
      expect.objectContaining({
        principal: 'source account w2 administrator',
        action: 's3:DeleteObjectVersion',
      }),
    );
  }, 120_000);

  it('a pair of a principal of neither account taken from its twin (the representative’s attack) decides as itself (iam-simulate, every third)', async () => {
    const m = load();
    const g = group(m, principals(m), await attackCatalogue(m));
    const twinned = g.principals.flatMap((p) =>
      g.attacks.flatMap((x) => {
        const twin = g.twin(p, x);
        return twin ? [[p, x, twin] as const] : [];
      }),
    );
    expect(new Set(twinned.map(([p]) => p.id))).toContain('outsider');
    expect(twinned.every(([, x]) => x.resource.includes(b))).toBe(true);
    const differ: string[] = [];
    for (const [p, x, twin] of twinned.filter((_, i) => i % 3 === 0))
      if (JSON.stringify(await authorize(m, p, x)) !== JSON.stringify(await authorize(m, p, twin)))
        differ.push(`${p.id} ${x.action} ${x.resource}`);
    expect(differ).toEqual([]);
  }, 300_000);

  it('a mutation of the sample member’s bucket is decided on that bucket, not through its twin, and turns the proof red', async () => {
    const m = withoutRcps(load());
    const bucket = widen(m, b, (arn) => ({
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:DeleteObjectVersion',
      Resource: `${arn}/*`,
    }));
    const r = await prove(m, { only: (p) => p.id === 'outsider' });
    expect(r.passed).toBe(false);
    expect(r.breaches).toContainEqual(
      expect.objectContaining({ action: 's3:DeleteObjectVersion', resource: `${bucket}/any-key` }),
    );
  }, 120_000);
});
