import type { FileSystemDescription } from '@aws-sdk/client-efs';

/** A vault-account replica as DescribeFileSystems lists it: tagged with the source file system it mirrors. */
export function replicaDescription(id: string, arn: string, sourceArn: string): FileSystemDescription {
  return {
    FileSystemId: id,
    FileSystemArn: arn,
    Tags: [{ Key: 'airgap:source-arn', Value: sourceArn }],
    OwnerId: arn.split(':')[4],
    CreationToken: id,
    CreationTime: new Date('2026-11-23T00:00:00Z'),
    LifeCycleState: 'available',
    NumberOfMountTargets: 0,
    SizeInBytes: { Value: 0 },
    PerformanceMode: 'generalPurpose',
  };
}
