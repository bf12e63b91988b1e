import type { Config } from './schema.js';
import type { Problem } from './semantics.js';

const EFS_ID = /^fs-[0-9a-f]{8,40}$/;
const EFS_ARN = /^arn:aws[a-z-]*:elasticfilesystem:[a-z0-9-]+:\d{12}:file-system\/fs-[0-9a-f]{8,40}$/;

/**
 * EFS and FSx: what each path can reach. The vault path gives every protected EFS file system a replica created
 * at deploy, so it needs the file system named; FSx reaches the vault organization only through AWS Backup.
 */
export function checkFileSystems(config: Config): Problem[] {
  const problems: Problem[] = [];
  if (config.paths.vault)
    config.protect.efs.forEach((sel, i) => {
      const at = ['protect', 'efs', i];
      if (sel.tags)
        problems.push({
          path: [...at, 'tags'],
          message:
            'EFS file systems on the vault path are selected by names or arns: each gets its own replica in the vault account, created at deploy',
        });
      (sel.names ?? []).forEach((name, j) => {
        if (!EFS_ID.test(name))
          problems.push({
            path: [...at, 'names', j],
            message: `${JSON.stringify(name)} is not an EFS file system id; allowed: fs- then 8 to 40 hex digits, e.g. fs-0123456789abcdef0`,
          });
      });
      (sel.arns ?? []).forEach((arn, j) => {
        if (!EFS_ARN.test(arn) || arn.split(':')[4] !== sel.account)
          problems.push({
            path: [...at, 'arns', j],
            message: `${arn} is not the ARN of an EFS file system of account ${sel.account}; allowed: arn:aws:elasticfilesystem:<region>:${sel.account}:file-system/fs-...`,
          });
      });
    });
  if (config.protect.fsx.length > 0 && !config.paths.backup)
    problems.push({
      path: ['protect', 'fsx'],
      message:
        'FSx is protected by AWS Backup only (FSx backups cannot be shared with another account): set paths.backup: true, or remove protect.fsx',
    });
  return problems;
}
