import { Stack, type StackProps } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import type { Config } from '../../config/index.js';
import { AccountBaseline } from '../governance/account-baseline.js';
import { AttackAlerts } from '../governance/attack-alerts.js';
import { Alerts } from './alerts.js';
import { CatalogKey } from './catalog-key.js';
import { CatalogTable } from './catalog-table.js';
import { Dashboard } from './dashboard.js';
import { EvidenceBucket } from './evidence-bucket.js';
import { RestoreWorkflow } from './restore-workflow.js';
import { RetentionSweeper } from './retention-sweeper.js';
import { ScheduledAudit } from './scheduled-audit.js';
import { OperatorRole } from '../operator/operator-role.js';
import { RpoMonitor } from './rpo-monitor.js';
import { SnapshotCopier } from './snapshot-copier.js';
import { VaultEventBus } from './event-bus.js';
import { VaultKey } from './vault-key.js';

/**
 * The vault account's core: the vault key, the catalog and its own key, the event bus, alerts, the dashboard and the drill's
 * evidence bucket. Vault buckets live in `VaultBucketsStack`s beside it, so the 500-resource stack limit never
 * caps the bucket count.
 */
export class VaultStack extends Stack {
  readonly key: VaultKey;

  constructor(scope: Construct, id: string, config: Config, props: StackProps) {
    super(scope, id, props);
    this.key = new VaultKey(this, 'VaultKey', config);
    const key = this.key.key;
    const catalogKey = new CatalogKey(this, 'CatalogKey', config).key;
    const catalog = new CatalogTable(this, 'Catalog', { config, key: catalogKey });
    const events = new VaultEventBus(this, 'Events', config);
    const alerts = new Alerts(this, 'Alerts', { config, key });
    new AttackAlerts(this, 'AttackAlerts', { config, topic: alerts.topic, bus: events.bus });
    new SnapshotCopier(this, 'SnapshotCopier', {
      config,
      key,
      catalogKey,
      table: catalog.table,
      bus: events.bus,
      alerts,
    });
    new RestoreWorkflow(this, 'RestoreWorkflow', { config, key, table: catalog.table, alerts });
    new RetentionSweeper(this, 'RetentionSweeper', { config, key, alerts });
    new ScheduledAudit(this, 'Audit', { config, key, catalogKey, alerts });
    new OperatorRole(this, 'Operator', {
      config,
      accountRole: 'vault',
      account: config.organizations.vault.vaultAccount,
      catalogKey: catalogKey.keyArn,
    });
    new RpoMonitor(this, 'RpoMonitor', { config, key, catalogKey, table: catalog.table, alerts });
    new Dashboard(this, 'Dashboard', { config, alarms: alerts.alarms });
    new EvidenceBucket(this, 'Evidence', config);
    new AccountBaseline(this, 'Baseline', { config });
  }
}
