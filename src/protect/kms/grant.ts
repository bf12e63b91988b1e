import { CreateGrantCommand, KMSClient, paginateListGrants } from '@aws-sdk/client-kms';
import type { AwsClients } from '../../aws/clients.js';

/** What a cross-account snapshot copy needs of the key that encrypts its source. */
const COPY_OPERATIONS = ['Decrypt', 'DescribeKey', 'CreateGrant', 'ReEncryptFrom'] as const;

/** The grant named `name` on the key, if it exists: grants are found by name, so granting twice grants once. */
export async function findGrant(
  clients: AwsClients,
  account: string,
  region: string,
  keyArn: string,
  name: string,
): Promise<string | undefined> {
  const kms = clients.for(KMSClient, account, region);
  for await (const page of paginateListGrants({ client: kms }, { KeyId: keyArn }))
    for (const g of page.Grants ?? []) if (g.Name === name) return g.GrantId;
  return undefined;
}

/** Lets `grantee` use the key to copy snapshots encrypted under it. Returns the grant id. */
export async function grantSnapshotCopy(
  clients: AwsClients,
  account: string,
  region: string,
  keyArn: string,
  grantee: string,
  name: string,
): Promise<string> {
  const out = await clients.for(KMSClient, account, region).send(
    new CreateGrantCommand({
      KeyId: keyArn,
      GranteePrincipal: grantee,
      Operations: [...COPY_OPERATIONS],
      Name: name,
    }),
  );
  return out.GrantId!;
}
