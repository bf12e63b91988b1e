import { describe, expect, it, vi } from 'vitest';
import { AwsClients } from '../../aws/clients.js';
import { ROLE_NAMES, TAGS } from '../../config/index.js';
import type { SnapshotApi, VaultCopy } from './model.js';
import { retainUntil } from './retention.js';
import { sweepRetention } from './retention-sweeper.js';

const now = new Date('2026-11-23T08:00:00.000Z');
const copy = (id: string, until: string | undefined): VaultCopy => ({
  id,
  arn: `arn:${id}`,
  status: 'available',
  tags: until === undefined ? {} : { [TAGS.retainUntil]: until },
});

function api(copies: VaultCopy[]) {
  const deleteCopy = vi.fn(() => Promise.resolve());
  return {
    api: { listCopies: () => Promise.resolve(copies), deleteCopy } as unknown as SnapshotApi,
    deleteCopy,
  };
}
const asRole = (roleName: string) =>
  new AwsClients({ region: 'us-east-1', roleName, endpoint: 'http://127.0.0.1:1' });

describe('retention sweeper', () => {
  it('deletes only expired copies; keeps unexpired, expiring-now, missing and malformed tags and reports them', async () => {
    const { api: a, deleteCopy } = api([
      copy('expired', '2026-11-23T07:59:59.000Z'),
      copy('expiring-now', '2026-11-23T08:00:00.000Z'),
      copy('unexpired', '2027-01-01T00:00:00Z'),
      copy('missing', undefined),
      copy('local-time', '2026-11-01T00:00:00+02:00'),
      copy('garbage', 'yesterday'),
      copy('impossible-date', '2026-02-30T00:00:00Z'),
    ]);
    const report = await sweepRetention(asRole(ROLE_NAMES.retention), a, '1', 'us-east-1', now);
    expect(report.deleted).toEqual(['expired']);
    expect(deleteCopy).toHaveBeenCalledTimes(1);
    expect(report.kept).toEqual(['expiring-now', 'unexpired']);
    expect(report.malformed.map((m) => m.id)).toEqual([
      'missing',
      'local-time',
      'garbage',
      'impossible-date',
    ]);
  });

  it('refuses to run as any role but the retention role, deleting nothing', async () => {
    const { api: a, deleteCopy } = api([copy('expired', '2020-01-01T00:00:00Z')]);
    await expect(sweepRetention(asRole(ROLE_NAMES.snapshotCopier), a, '1', 'us-east-1', now)).rejects.toThrow(
      ROLE_NAMES.retention,
    );
    expect(deleteCopy).not.toHaveBeenCalled();
  });

  it('threat #28: retain-until adds whole UTC days, across DST and leap days, never less than configured', () => {
    expect(retainUntil(new Date('2024-02-28T12:00:00Z'), 2).toISOString()).toBe('2024-03-01T12:00:00.000Z');
    expect(retainUntil(new Date('2026-03-28T12:00:00Z'), 1).toISOString()).toBe('2026-03-29T12:00:00.000Z');
  });
});
