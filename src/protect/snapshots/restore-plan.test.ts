import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../catalog/catalog.js';
import { InputError } from '../../errors.js';
import { resolveVaultCopy, restoreTargetName, stepsToDo } from './restore-plan.js';

const entry = (id: string, createdAt: string, over: Partial<CatalogEntry> = {}): CatalogEntry => ({
  id,
  service: 'rds',
  sourceArn: `arn:aws:rds:us-east-1:1:snapshot:${id}`,
  sourceAccount: '1',
  sourceResource: 'arn:aws:rds:us-east-1:1:db:orders',
  region: 'us-east-1',
  vaultCopyId: `airgap-${id}`,
  vaultCopyArn: `arn:aws:rds:us-east-1:2:snapshot:airgap-${id}`,
  createdAt,
  retainUntil: '2030-01-01T00:00:00.000Z',
  state: 'available',
  ...over,
});
const entries = [
  entry('a', '2026-11-20T00:00:00.000Z'),
  entry('b', '2026-11-22T00:00:00.000Z'),
  entry('c', '2026-11-23T00:00:00.000Z', { state: 'copying' }),
  entry('d', '2026-11-21T00:00:00.000Z', {
    service: 'aurora',
    sourceResource: 'arn:aws:rds:us-east-1:1:cluster:l',
  }),
];

/** The lines of the InputError `f` throws (it must throw one). */
const line = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).lines;
  }
  throw new Error('no error');
};

describe('restore selection', () => {
  it('takes the newest completed copy of a resource, at or before --at when given', () => {
    expect(resolveVaultCopy(entries, 'rds', 'orders', undefined).id).toBe('b');
    expect(
      resolveVaultCopy(entries, 'rds', 'arn:aws:rds:us-east-1:1:db:orders', new Date('2026-11-21T00:00:00Z'))
        .id,
    ).toBe('a');
  });

  it('finds one copy by catalog id, vault copy id or ARN, and refuses --at with it', () => {
    expect(resolveVaultCopy(entries, 'rds', 'a', undefined).id).toBe('a');
    expect(resolveVaultCopy(entries, 'rds', 'airgap-b', undefined).id).toBe('b');
    expect(() => resolveVaultCopy(entries, 'rds', 'a', new Date())).toThrow('names one vault copy already');
  });

  it('says what is wrong in one line: unknown, other service, not complete, nothing before --at', () => {
    expect(line(() => resolveVaultCopy(entries, 'rds', 'x', undefined))).toHaveLength(1);
    expect(line(() => resolveVaultCopy(entries, 'rds', 'd', undefined))[0]).toContain(
      'airgap restore aurora',
    );
    expect(line(() => resolveVaultCopy(entries, 'rds', 'c', undefined))[0]).toContain('is copying');
    expect(
      line(() => resolveVaultCopy(entries, 'rds', 'orders', new Date('2026-01-01T00:00:00Z')))[0],
    ).toContain('oldest: 2026-11-20');
  });

  it('names the target deterministically and checks a given DB identifier', () => {
    expect(restoreTargetName(entries[0]!, undefined)).toBe('airgap-restore-a');
    expect(() => restoreTargetName(entries[0]!, '1db')).toThrow(InputError);
    expect(() => restoreTargetName(entries[0]!, 'a--b')).toThrow(InputError);
    expect(restoreTargetName(entries[0]!, 'orders-restored')).toBe('orders-restored');
  });

  it('refuses the drill’s names (which the operator may delete in the restore account) to any restore but that drill’s', () => {
    const refused = line(() => restoreTargetName(entries[0]!, 'airgap-drill-20261123t130000000z-restore-0'));
    expect(refused).toEqual([
      "--to airgap-drill-20261123t130000000z-restore-0: airgap-drill-… names are the drill's own, which its clean-up deletes; choose another name",
    ]);
    expect(
      line(() =>
        restoreTargetName(entries[0]!, 'airgap-drill-20261123t130000000z-restore-0', '20261122t090000000z'),
      ),
    ).toEqual(refused);
    expect(
      restoreTargetName(entries[0]!, 'airgap-drill-20261123t130000000z-restore-0', '20261123t130000000z'),
    ).toBe('airgap-drill-20261123t130000000z-restore-0');
  });

  it('plans only the steps not done yet: a copy that exists needs no share or grant', () => {
    expect(stepsToDo({ shared: false, granted: false, copy: 'none', restored: false })).toEqual([
      'share',
      'grant',
      'copy',
      'restore',
    ]);
    expect(stepsToDo({ shared: true, granted: false, copy: 'none', restored: false })).toEqual([
      'grant',
      'copy',
      'restore',
    ]);
    expect(stepsToDo({ shared: false, granted: false, copy: 'pending', restored: false })).toEqual([
      'copy',
      'restore',
    ]);
    expect(stepsToDo({ shared: true, granted: true, copy: 'available', restored: false })).toEqual([
      'restore',
    ]);
    expect(stepsToDo({ shared: true, granted: true, copy: 'available', restored: true })).toEqual([]);
  });
});
