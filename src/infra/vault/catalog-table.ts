import { RemovalPolicy } from 'aws-cdk-lib/core';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { RESOURCE_NAMES, type Config } from '../../config/index.js';

/** The recovery catalog: one item per vault recovery point. Point-in-time recovery and deletion protection on. */
export class CatalogTable extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: { config: Config; key: kms.IKey }) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      tableName: RESOURCE_NAMES.catalogTable(props.config),
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.key),
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        {
          indexName: 'by-source',
          partitionKey: { name: 'sourceResource', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'createdAt', type: dynamodb.AttributeType.STRING },
        },
      ],
    });
  }
}
