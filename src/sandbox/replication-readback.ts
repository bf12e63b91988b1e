import { S3Client, type ReplicationConfiguration } from '@aws-sdk/client-s3';
import { AwsClients } from '../aws/clients.js';

/**
 * EMULATION for the sandbox only: moto 5.2 stores a bucket's replication configuration as given but answers
 * GetBucketReplication with `DeleteMarkerReplication: Disabled` whatever was stored (moto/s3/responses.py,
 * get_bucket_replication). Delete-marker replication turned on by an attacker (threat #5) would then be invisible
 * to the replication emulator and to the audit. The sandbox's S3 clients remember each configuration put through
 * any of them in this process, per endpoint and bucket, and give a rule read back its stored marker setting when the
 * answered rule is the one put (same ID, status and destination). Rules put by another process read as moto says.
 */
const stored = new Map<string, ReplicationConfiguration>();

export class SandboxClients extends AwsClients {
  private readonly patched = new WeakSet<object>();

  override for<C>(Client: new (config: never) => C, account: string, region?: string): C {
    const client = super.for(Client as never, account, region) as C;
    if (client instanceof S3Client && !this.patched.has(client)) {
      this.patched.add(client);
      readBackDeleteMarkerReplication(client, this.endpoint ?? '');
    }
    return client;
  }
}

function readBackDeleteMarkerReplication(s3: S3Client, endpoint: string): void {
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as { Bucket?: string; ReplicationConfiguration?: ReplicationConfiguration };
      const key = `${endpoint} ${input.Bucket ?? ''}`;
      if (context.commandName === 'PutBucketReplicationCommand' && input.ReplicationConfiguration)
        stored.set(key, input.ReplicationConfiguration);
      if (context.commandName === 'DeleteBucketReplicationCommand') stored.delete(key);
      if (context.commandName === 'GetBucketReplicationCommand') {
        const put = stored.get(key)?.Rules ?? [];
        const output = result.output as { ReplicationConfiguration?: ReplicationConfiguration };
        for (const rule of output.ReplicationConfiguration?.Rules ?? []) {
          const same = put.find(
            (p) =>
              p.ID === rule.ID &&
              p.Status === rule.Status &&
              p.Destination?.Bucket === rule.Destination?.Bucket,
          );
          if (same?.DeleteMarkerReplication) rule.DeleteMarkerReplication = same.DeleteMarkerReplication;
        }
      }
      return result;
    },
    { step: 'initialize', name: 'motoReplicationReadback' },
  );
}
