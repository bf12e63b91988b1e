import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BackupClient } from '@aws-sdk/client-backup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../src/aws/clients.js';
import { backupVaults } from '../src/config/index.js';
import { backupStatus } from '../src/protect/backup/backup-status.js';
import { listRecoveryPoints } from '../src/protect/backup/recovery-points.js';
import { quickstart } from './support/config.js';

const config = quickstart();
const [, , LAG] = backupVaults(config, '100000000002');
const ACCOUNT = '100000000004';

/**
 * A loopback endpoint answering AWS Backup's REST-JSON the way AWS throttles: HTTP 400 with
 * `x-amzn-errortype: ThrottlingException` for the first `throttled` requests of each path, then the documented
 * ListRecoveryPointsByBackupVault body. moto never throttles and has no recovery points, and a client mock
 * would bypass the SDK's retry middleware this test is about.
 */
function throttlingBackup(throttled: number): { server: Server; requests: string[] } {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const seen = requests.filter((r) => r === `${req.method} ${req.url}`).length;
    if (seen <= throttled) {
      res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'ThrottlingException' });
      res.end(JSON.stringify({ message: 'Rate exceeded' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        RecoveryPoints: [
          {
            RecoveryPointArn: `arn:aws:backup:us-east-1:${ACCOUNT}:recovery-point:p1`,
            ResourceArn: 'arn:aws:s3:::payments-invoices',
            SourceBackupVaultArn:
              'arn:aws:backup:us-east-1:100000000002:backup-vault:quickstart-airgap-local',
            Status: 'COMPLETED',
            CreationDate: 1795420800,
          },
        ],
      }),
    );
  });
  return { server, requests };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const clients = (endpoint: string, maxAttempts: number) =>
  new AwsClients({
    region: 'us-east-1',
    endpoint,
    roleName: 'AirGapOperator',
    // Reached with the base credentials, so no STS call goes to this endpoint.
    homeAccount: ACCOUNT,
    baseCredentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
    maxAttempts,
  });

describe('AWS Backup calls under throttling (loopback endpoint: moto never throttles)', () => {
  const flaky = throttlingBackup(2);
  const stuck = throttlingBackup(Number.MAX_SAFE_INTEGER);
  let flakyUrl: string;
  let stuckUrl: string;
  beforeAll(async () => {
    flakyUrl = await listen(flaky.server);
    stuckUrl = await listen(stuck.server);
  });
  afterAll(() => {
    flaky.server.close();
    stuck.server.close();
  });

  it('threat #15: a ThrottlingException on a recovery point listing is retried with backoff and the listing completes', async () => {
    const backup = clients(flakyUrl, 4).for(BackupClient, ACCOUNT);
    const points = await listRecoveryPoints(backup, { name: LAG!.name, account: ACCOUNT, shared: false });
    expect(points.map((p) => p.arn)).toEqual([`arn:aws:backup:us-east-1:${ACCOUNT}:recovery-point:p1`]);
    expect(flaky.requests).toHaveLength(3);
  });

  it('threat #15: throttling that outlasts the bounded attempts is reported, never dropped: the vault shows as unreadable with the error', async () => {
    // Only the air-gap account is reached directly; the others fail at AssumeRole, which is reported the same way.
    const report = await backupStatus(clients(stuckUrl, 2), config, new Date('2026-11-23T10:00:00Z')).catch(
      (e: Error) => e,
    );
    expect(report).not.toBeInstanceOf(Error);
    if (report instanceof Error) return;
    expect(report.unreadable.some((u) => u.includes(LAG!.arn) && u.includes('ThrottlingException'))).toBe(
      true,
    );
    // The air-gapped vault was asked exactly the bounded number of times, then given up on.
    expect(stuck.requests.filter((r) => r.includes(LAG!.name))).toHaveLength(2);
  });
});
