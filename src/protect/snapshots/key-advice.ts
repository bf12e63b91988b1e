import { ROLE_NAMES } from '../../config/index.js';
import type { KeyVerdict } from '../kms/key-verdict.js';
import type { SnapshotService } from './model.js';

const WHAT: Record<SnapshotService, string> = { rds: 'DB instance', aurora: 'DB cluster', ebs: 'volume' };

/**
 * The one change that lets the vault copy a resource's snapshots without a re-copy: said the same way by the
 * share step and the preflight, so the message a user sees in an alarm is the one the preflight printed.
 */
export function keyAdvice(
  verdict: KeyVerdict,
  ctx: { service: SnapshotService; resource: string; shareKeyAlias: string; vaultAccount: string },
): string {
  const what = `${WHAT[ctx.service]} ${ctx.resource}`;
  const encryptWith = `encrypt ${what} with ${ctx.shareKeyAlias} (the source stack's share key)`;
  const move =
    ctx.service === 'ebs'
      ? 'copy a snapshot under that key and create the volume from it'
      : 'copy a snapshot under that key and restore from it';
  switch (verdict.kind) {
    case 'share-key':
    case 'grants-vault':
      return 'nothing to change';
    case 'aws-managed':
      return `${encryptWith}: an AWS-managed key can never be shared; ${move}`;
    case 'unencrypted':
      return ctx.service === 'aurora'
        ? `${encryptWith}: Aurora cannot encrypt a snapshot by copying it; restore the snapshot into a cluster with --kms-key-id ${ctx.shareKeyAlias} and protect that cluster`
        : `${encryptWith}; ${move}`;
    case 'not-granted':
      return `add to its key policy a statement allowing arn:aws:iam::${ctx.vaultAccount}:root kms:Decrypt, kms:DescribeKey and kms:CreateGrant with kms:ViaService rds.<region>.amazonaws.com and ec2.<region>.amazonaws.com, or ${encryptWith}`;
    case 'unusable':
      return `enable the key (a disabled or deleted key makes every snapshot under it unreadable), or ${encryptWith}`;
    case 'unreadable':
      return `let the ${ROLE_NAMES.snapshotSharer} and ${ROLE_NAMES.operator} roles call kms:DescribeKey on the key, or ${encryptWith}`;
  }
}
