import { describe, expect, it } from 'vitest';
import { backoffSeconds, copyScope } from './triggers.js';

const regions = ['us-east-1', 'eu-west-1'];

describe('copyScope', () => {
  it('narrows an RDS cluster snapshot event to Aurora in its region', () => {
    expect(
      copyScope({ 'detail-type': 'RDS DB Cluster Snapshot Event', region: 'eu-west-1' }, regions),
    ).toEqual({ services: ['aurora'], regions: ['eu-west-1'] });
  });

  it('narrows an AWS Backup job event by its resource type', () => {
    expect(
      copyScope(
        { 'detail-type': 'Backup Job State Change', region: 'us-east-1', detail: { resourceType: 'EBS' } },
        regions,
      ),
    ).toEqual({ services: ['ebs'], regions: ['us-east-1'] });
  });

  it('sweeps everything on the schedule, an unknown event or a region outside the config', () => {
    const all = { services: ['rds', 'aurora', 'ebs'], regions };
    expect(copyScope({ 'detail-type': 'Scheduled Event', region: 'us-east-1' }, regions)).toEqual(all);
    expect(copyScope({ 'detail-type': 'Backup Job State Change', region: 'us-east-1' }, regions)).toEqual(
      all,
    );
    expect(copyScope({ 'detail-type': 'EBS Snapshot Notification', region: 'ap-south-1' }, regions)).toEqual(
      all,
    );
  });
});

describe('backoffSeconds', () => {
  it('starts at a minute, doubles, and stops growing at fifteen minutes', () => {
    expect([0, 1, 2, 3, 4, 5, 40].map(backoffSeconds)).toEqual([60, 120, 240, 480, 900, 900, 900]);
  });
});
