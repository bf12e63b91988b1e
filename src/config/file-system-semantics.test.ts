import { describe, expect, it } from 'vitest';
import { quickstart, quickstartProblems } from '../../test/support/config.js';
import { protectedFileSystems } from './plan.js';

const W = '100000000002';

const problems = quickstartProblems;

describe('config: EFS and FSx', () => {
  it('EFS file systems named by id or ARN become one replica each, in their own region', () => {
    const config = quickstart([
      [
        ['organizations', 'source', 'regions'],
        ['us-east-1', 'eu-west-1'],
      ],
      [['paths', 'backup'], false],
      [['backup', 'airGappedVault'], false],
      [
        ['protect', 'efs'],
        [
          { account: W, names: ['fs-0123456789abcdef0'] },
          { account: W, arns: [`arn:aws:elasticfilesystem:eu-west-1:${W}:file-system/fs-11112222`] },
        ],
      ],
    ]);
    expect(protectedFileSystems(config)).toEqual([
      {
        account: W,
        region: 'us-east-1',
        id: 'fs-0123456789abcdef0',
        arn: `arn:aws:elasticfilesystem:us-east-1:${W}:file-system/fs-0123456789abcdef0`,
      },
      {
        account: W,
        region: 'eu-west-1',
        id: 'fs-11112222',
        arn: `arn:aws:elasticfilesystem:eu-west-1:${W}:file-system/fs-11112222`,
      },
    ]);
  });

  it('an EFS tag selector on the vault path is refused: a replica is created per named file system', () => {
    expect(problems([[['protect', 'efs'], [{ account: W, tags: { team: 'a' } }]]])).toEqual([
      expect.stringMatching(
        /protect\.efs\[0\]\.tags: EFS file systems on the vault path are selected by names or arns/,
      ),
    ]);
  });

  it('an EFS name that is no file system id, or an ARN of another account, gets one line each', () => {
    const lines = problems([
      [
        ['protect', 'efs'],
        [
          {
            account: W,
            names: ['shared-home'],
            arns: ['arn:aws:elasticfilesystem:us-east-1:999999999999:file-system/fs-11112222'],
          },
        ],
      ],
    ]);
    expect(lines).toEqual([
      expect.stringMatching(
        /protect\.efs\[0\]\.names\[0\]: "shared-home" is not an EFS file system id; allowed: fs-/,
      ),
      expect.stringMatching(
        /protect\.efs\[0\]\.arns\[0\]: .* is not the ARN of an EFS file system of account 100000000002/,
      ),
    ]);
  });

  it('FSx without the AWS Backup path is refused, saying why and what to set', () => {
    expect(
      problems([
        [['paths', 'backup'], false],
        [['backup', 'airGappedVault'], false],
        [['protect', 'fsx'], [{ account: W, names: ['fs-0fedcba9876543210'] }]],
      ]),
    ).toEqual([
      expect.stringMatching(/protect\.fsx: FSx is protected by AWS Backup only .*set paths\.backup: true/),
    ]);
  });
});
