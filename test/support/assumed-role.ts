import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import { mockClient } from 'aws-sdk-client-mock';

/** STS hands out keys that name the role assumed, so a call's credentials say which role sent it. */
export function mockSts() {
  const sts = mockClient(STSClient);
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) =>
    Promise.resolve({
      Credentials: {
        AccessKeyId: `key-of:${input.RoleArn}`,
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    }),
  );
  return sts;
}

/** The role whose credentials signed each call of a command class (`account/role`), under `mockSts`. */
export async function sentAs(calls: { thisValue: unknown }[]): Promise<string[]> {
  return Promise.all(
    calls.map(async (c) => {
      const config = (c.thisValue as { config: { credentials: () => Promise<{ accessKeyId: string }> } })
        .config;
      const arn = (await config.credentials()).accessKeyId.replace('key-of:', '');
      return arn.replace(/^arn:aws:iam::(\d+):role\/(.+)$/, '$1/$2');
    }),
  );
}
