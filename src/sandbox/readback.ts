import {
  S3Client,
  type ReplicationConfiguration,
  type ServerSideEncryptionConfiguration,
} from '@aws-sdk/client-s3';
import { AwsClients } from '../aws/clients.js';

/**
 * EMULATION for the sandbox only: moto 5.2 stores some bucket configurations as given but answers them without a
 * setting an attacker would change, so the replication emulator and the audit would not see the change:
 * - GetBucketReplication answers `DeleteMarkerReplication: Disabled` whatever was stored
 *   (moto/s3/responses.py, get_bucket_replication): delete-marker replication turned on (threat #5);
 * - GetBucketEncryption answers each rule without its `BlockedEncryptionTypes`: the SSE-C block put by the sandbox
 *   provisioning and `s3 configure-replication`, or taken off by an attacker (threat #2).
 * The sandbox's S3 clients remember each configuration put through any of them in this process, per endpoint and
 * bucket (a delete forgets it), and give a rule read back the setting it was put with when the answered rule is the
 * one put (replication: same ID, status and destination; encryption: same algorithm and key). Configurations put by
 * another process (an earlier `airgap sandbox up`, the AWS CLI) read as moto says.
 */
type Member = 'ReplicationConfiguration' | 'ServerSideEncryptionConfiguration';

interface ReadBack<C> {
  /** The configuration's name in the Put, Get and Delete command names (`Put${resource}Command`...). */
  resource: string;
  /** Where the configuration sits in the Put input and in the Get output. */
  member: Member;
  /** Gives the answered configuration what moto dropped from the one put. */
  restore(answered: C, put: C): void;
}

const deleteMarkerReplication: ReadBack<ReplicationConfiguration> = {
  resource: 'BucketReplication',
  member: 'ReplicationConfiguration',
  restore(answered, put) {
    for (const rule of answered.Rules ?? []) {
      const same = put.Rules?.find(
        (p) =>
          p.ID === rule.ID && p.Status === rule.Status && p.Destination?.Bucket === rule.Destination?.Bucket,
      );
      if (same?.DeleteMarkerReplication) rule.DeleteMarkerReplication = same.DeleteMarkerReplication;
    }
  },
};

const blockedEncryptionTypes: ReadBack<ServerSideEncryptionConfiguration> = {
  resource: 'BucketEncryption',
  member: 'ServerSideEncryptionConfiguration',
  restore(answered, put) {
    for (const rule of answered.Rules ?? []) {
      const answeredDefault = rule.ApplyServerSideEncryptionByDefault;
      const same = put.Rules?.find(
        (p) =>
          p.ApplyServerSideEncryptionByDefault?.SSEAlgorithm === answeredDefault?.SSEAlgorithm &&
          p.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID === answeredDefault?.KMSMasterKeyID,
      );
      if (same?.BlockedEncryptionTypes) rule.BlockedEncryptionTypes = same.BlockedEncryptionTypes;
    }
  },
};

const readBacks = [deleteMarkerReplication, blockedEncryptionTypes] as ReadBack<unknown>[];
const stored = new Map<string, unknown>();

export class SandboxClients extends AwsClients {
  private readonly patched = new WeakSet<object>();

  override for<C>(Client: new (config: never) => C, account: string, region?: string): C {
    const client = super.for(Client as never, account, region) as C;
    if (client instanceof S3Client && !this.patched.has(client)) {
      this.patched.add(client);
      readBackWhatMotoDrops(client, this.endpoint ?? '');
    }
    return client;
  }
}

function readBackWhatMotoDrops(s3: S3Client, endpoint: string): void {
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as Partial<Record<Member | 'Bucket', unknown>>;
      const output = result.output as Partial<Record<Member, unknown>>;
      for (const r of readBacks) {
        const key = `${r.resource} ${endpoint} ${String(input.Bucket)}`;
        const put = input[r.member];
        const answered = output[r.member];
        if (context.commandName === `Put${r.resource}Command` && put) stored.set(key, structuredClone(put));
        if (context.commandName === `Delete${r.resource}Command`) stored.delete(key);
        if (context.commandName === `Get${r.resource}Command` && answered && stored.has(key))
          r.restore(answered, stored.get(key));
      }
      return result;
    },
    { step: 'initialize', name: 'motoReadback' },
  );
}
