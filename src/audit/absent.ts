/**
 * For the audit's thin readers (each fetches one kind of live state and nothing else): an absent configuration
 * reads as `fallback`, undefined or empty (the rules decide what that means); any other error propagates.
 */
export const absent =
  <T>(fallback: T) =>
  (e: unknown): T => {
    const name = (e as { name?: string }).name ?? '';
    if (
      /NoSuch|NotFound|ObjectLockConfigurationNotFound|ReplicationConfigurationNotFound|ServerSideEncryptionConfigurationNotFound/.test(
        name,
      )
    )
      return fallback;
    throw e;
  };
