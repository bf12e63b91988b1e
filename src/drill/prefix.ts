/** The S3 key prefix of one drill's objects on AWS: it carries the drill id, so it never names production keys. */
export const drillPrefix = (id: string) => `airgap-drill/${id}/`;
