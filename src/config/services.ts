/**
 * The services a config protects. Apart from the schema so that runtime modules (and the Lambda bundles built
 * from them) can name them without loading zod and the CDK's region list.
 */
export const SERVICES = ['s3', 'rds', 'aurora', 'ebs', 'efs', 'fsx'] as const;
export type Service = (typeof SERVICES)[number];
