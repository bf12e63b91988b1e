/**
 * User metadata a vault copy carries when Air Gap Recover (backfill, or the sandbox's replication emulation)
 * wrote it, so a retry recognises what is already there. S3's own replication keeps the version id instead.
 */
export const SOURCE_VERSION_METADATA = 'airgap-source-version-id';
