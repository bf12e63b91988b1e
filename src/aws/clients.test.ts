import { AssumeRoleCommand } from '@aws-sdk/nested-clients/sts';
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { mockSts } from '../../test/support/assumed-role.js';
import { ROLE_NAMES } from '../config/names.js';
import { InputError } from '../errors.js';
import { AwsClients, mfaFromEnv } from './clients.js';

const base = { accessKeyId: 'AKIAPERSON', secretAccessKey: 's' };
const MFA = { serialNumber: 'arn:aws:iam::620000000001:mfa/alice', tokenCode: '123456' };

describe('AssumeRole with the caller’s MFA (client mock: STS)', () => {
  const sts = mockSts();
  afterEach(() => sts.resetHistory());

  const operatorClients = (mfa: typeof MFA | undefined) =>
    new AwsClients({ region: 'us-east-1', roleName: ROLE_NAMES.operator, baseCredentials: base, mfa });
  const assumed = async (clients: AwsClients, account: string) => {
    await clients.for(S3Client, account).config.credentials();
    return sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input);
  };

  it('sends the MFA device and its code with every AssumeRole, the restore role’s too', async () => {
    const clients = operatorClients(MFA);
    await assumed(clients, '620000000002');
    const inputs = await assumed(clients.as(ROLE_NAMES.restore), '620000000004');
    expect(inputs.map((i) => [i.RoleArn, i.SerialNumber, i.TokenCode])).toEqual([
      ['arn:aws:iam::620000000002:role/AirGapOperator', MFA.serialNumber, MFA.tokenCode],
      ['arn:aws:iam::620000000004:role/AirGapRestore', MFA.serialNumber, MFA.tokenCode],
    ]);
  });

  it('sends none without one', async () => {
    const clients = operatorClients(undefined);
    const [input] = await assumed(clients, '620000000002');
    expect([input?.SerialNumber, input?.TokenCode]).toEqual([undefined, undefined]);
  });
});

describe('the MFA from AIRGAP_MFA_SERIAL and AIRGAP_MFA_TOKEN', () => {
  it('takes both, or neither', () => {
    expect(mfaFromEnv({ AIRGAP_MFA_SERIAL: MFA.serialNumber, AIRGAP_MFA_TOKEN: '123456' })).toEqual(MFA);
    expect(mfaFromEnv({})).toBeUndefined();
  });

  it('refuses one without the other, or a code that is not six digits, in one line', () => {
    const lines = (env: NodeJS.ProcessEnv) => {
      try {
        mfaFromEnv(env);
      } catch (e) {
        if (e instanceof InputError) return e.lines;
      }
      return [];
    };
    expect(lines({ AIRGAP_MFA_SERIAL: MFA.serialNumber })).toEqual([
      "AIRGAP_MFA_TOKEN: not set, while AIRGAP_MFA_SERIAL is; allowed: both (the MFA device's serial or ARN, and its current six-digit code) or neither",
    ]);
    expect(lines({ AIRGAP_MFA_SERIAL: MFA.serialNumber, AIRGAP_MFA_TOKEN: '12345' })).toEqual([
      'AIRGAP_MFA_TOKEN: "12345" is not a code; allowed: the six digits the MFA device shows',
    ]);
  });
});
