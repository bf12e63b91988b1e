import {
  AlreadyExistsException,
  CreateAliasCommand,
  CreateKeyCommand,
  EnableKeyRotationCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import type { AwsClients } from '../aws/clients.js';
import { keyArnOf } from '../protect/kms/key-facts.js';

/**
 * The sandbox key behind `alias` in one account and region, created if absent, rotating yearly as the templates'
 * keys do (the audit holds vault, catalog and restore keys to it). The S3 and snapshot provisioning run
 * concurrently and both need the vault key: when the other one names its key first, ours is retired and theirs
 * is used.
 */
export async function ensureKey(
  clients: AwsClients,
  account: string,
  region: string,
  alias: string,
): Promise<{ arn: string; created: boolean }> {
  const existing = await keyArnOf(clients, account, region, alias);
  if (existing) return { arn: existing, created: false };
  const kms = clients.for(KMSClient, account, region);
  const key = await kms.send(new CreateKeyCommand({ Description: `${alias} (sandbox)` }));
  await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyMetadata!.KeyId! }));
  try {
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyMetadata!.KeyId! }));
    return { arn: key.KeyMetadata!.Arn!, created: true };
  } catch (e) {
    if (!(e instanceof AlreadyExistsException)) throw e;
    await kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: key.KeyMetadata!.KeyId!, PendingWindowInDays: 7 }),
    );
    return { arn: (await keyArnOf(clients, account, region, alias))!, created: false };
  }
}
