import {
  AlreadyExistsException,
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';

async function keyArn(kms: KMSClient, alias: string): Promise<string | undefined> {
  const out = await kms.send(new DescribeKeyCommand({ KeyId: alias })).catch(() => undefined);
  return out?.KeyMetadata?.Arn;
}

/**
 * The sandbox key behind `alias`, created if absent. The S3 and snapshot provisioning run concurrently and both
 * need the vault key: when the other one names its key first, ours is retired and theirs is used.
 */
export async function ensureKey(kms: KMSClient, alias: string): Promise<{ arn: string; created: boolean }> {
  const existing = await keyArn(kms, alias);
  if (existing) return { arn: existing, created: false };
  const key = await kms.send(new CreateKeyCommand({ Description: `${alias} (sandbox)` }));
  try {
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyMetadata!.KeyId! }));
    return { arn: key.KeyMetadata!.Arn!, created: true };
  } catch (e) {
    if (!(e instanceof AlreadyExistsException)) throw e;
    await kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: key.KeyMetadata!.KeyId!, PendingWindowInDays: 7 }),
    );
    return { arn: (await keyArn(kms, alias))!, created: false };
  }
}
