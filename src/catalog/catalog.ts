import { createHash } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
  paginateScan,
} from '@aws-sdk/lib-dynamodb';
import type { AwsClients } from '../aws/clients.js';
import { RESOURCE_NAMES } from '../config/names.js';
import type { Config } from '../config/index.js';

/** Services whose vault copies the catalog records. */
export type CatalogService = 'rds' | 'aurora' | 'ebs' | 'efs' | 'fsx';

/** copying: the vault copy was started; available: it completed and is locked; failed: see `cause`. */
export type CopyState = 'copying' | 'available' | 'failed';

/** One vault copy. Dates are ISO-8601 UTC strings, so they sort and compare as text. */
export interface CatalogEntry {
  id: string;
  service: CatalogService;
  sourceArn: string;
  sourceAccount: string;
  sourceResource: string;
  region: string;
  vaultCopyId: string;
  vaultCopyArn: string;
  createdAt: string;
  retainUntil: string;
  state: CopyState;
  cause?: string;
  /** When the vault copy was last started: a copy AWS does not show yet is still copying for a while after it. */
  copyStartedAt?: string;
}

/** Deterministic from the source snapshot ARN: every retry of the same snapshot lands on the same entry. */
export function catalogId(sourceArn: string): string {
  return createHash('sha256').update(sourceArn).digest('hex').slice(0, 24);
}

export interface CatalogLocation {
  clients: AwsClients;
  account: string;
  region: string;
  table: string;
}

export class Catalog {
  private readonly doc: DynamoDBDocumentClient;

  constructor(readonly location: CatalogLocation) {
    this.doc = DynamoDBDocumentClient.from(
      location.clients.for(DynamoDBClient, location.account, location.region),
      { marshallOptions: { removeUndefinedValues: true } },
    );
  }

  /**
   * Records a copy once: a second delivery of the same snapshot finds the entry and changes nothing.
   * Returns the stored entry (the existing one when it was already there).
   */
  async record(entry: CatalogEntry): Promise<CatalogEntry> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.location.table,
          Item: entry,
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
      return entry;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      const existing = await this.get(entry.id);
      if (!existing) throw e;
      return existing;
    }
  }

  /** Moves an entry to a new state; a finished entry (available) is never moved back. */
  async setState(id: string, state: CopyState, cause?: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.location.table,
          Key: { id },
          UpdateExpression: cause ? 'SET #s = :s, #c = :c' : 'SET #s = :s REMOVE #c',
          ConditionExpression: 'attribute_exists(id) AND #s <> :done',
          ExpressionAttributeNames: { '#s': 'state', '#c': 'cause' },
          ExpressionAttributeValues: { ':s': state, ':done': 'available', ...(cause ? { ':c': cause } : {}) },
        }),
      );
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }

  /**
   * A new copy of a failed entry: points the entry at it and marks it copying again (a finished entry is never
   * moved back). EBS gives each copy a new id, so the entry must follow it.
   */
  async restart(id: string, copy: Pick<CatalogEntry, 'vaultCopyId' | 'vaultCopyArn' | 'copyStartedAt'>) {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.location.table,
          Key: { id },
          UpdateExpression:
            'SET #s = :s, vaultCopyId = :id, vaultCopyArn = :arn, copyStartedAt = :at REMOVE #c',
          ConditionExpression: 'attribute_exists(id) AND #s <> :done',
          ExpressionAttributeNames: { '#s': 'state', '#c': 'cause' },
          ExpressionAttributeValues: {
            ':s': 'copying',
            ':done': 'available',
            ':id': copy.vaultCopyId,
            ':arn': copy.vaultCopyArn,
            ':at': copy.copyStartedAt,
          },
        }),
      );
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }

  async get(id: string): Promise<CatalogEntry | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.location.table, Key: { id } }));
    return out.Item as CatalogEntry | undefined;
  }

  async list(): Promise<CatalogEntry[]> {
    const items: CatalogEntry[] = [];
    for await (const page of paginateScan({ client: this.doc }, { TableName: this.location.table }))
      items.push(...((page.Items ?? []) as CatalogEntry[]));
    return items;
  }

  /**
   * The table as the vault stack defines it (src/infra/vault/catalog-table.ts); for the sandbox only. Under
   * `key` (the catalog key) when given, as deployed; unit tests of the catalog itself need no key.
   */
  async createForSandbox(key?: string): Promise<void> {
    await this.doc
      .send(
        new CreateTableCommand({
          TableName: this.location.table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'id', AttributeType: 'S' },
            { AttributeName: 'sourceResource', AttributeType: 'S' },
            { AttributeName: 'createdAt', AttributeType: 'S' },
          ],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          ...(key ? { SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key } } : {}),
          GlobalSecondaryIndexes: [
            {
              IndexName: 'by-source',
              KeySchema: [
                { AttributeName: 'sourceResource', KeyType: 'HASH' },
                { AttributeName: 'createdAt', KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        }),
      )
      .catch((e: unknown) => {
        if ((e as Error).name !== 'ResourceInUseException') throw e;
      });
  }
}

/** The recovery catalog of a deployment: the vault account's table in the vault region. */
export function vaultCatalog(clients: AwsClients, config: Config): Catalog {
  return new Catalog({
    clients,
    account: config.organizations.vault.vaultAccount,
    region: config.vault.region,
    table: RESOURCE_NAMES.catalogTable(config),
  });
}
