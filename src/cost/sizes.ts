import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { SERVICES, type Service } from '../config/index.js';
import { InputError } from '../errors.js';

const gib = z.number().min(0);

/** Observed sizes of one protected resource. */
export const resourceSizeSchema = z.strictObject({
  /** Data stored now: bucket size, DB allocated storage, volume or file system size. */
  storedGiB: gib,
  /** S3: bytes written (new objects and overwrites) per month. */
  monthlyWriteGiB: gib.optional(),
  /** S3: objects written per month (PUT requests). */
  monthlyWrites: z.number().int().min(0).optional(),
  /** S3: objects stored now (for the one-time backfill). */
  objects: z.number().int().min(0).optional(),
  /** Snapshotted services: blocks or pages changed per day. */
  dailyChangeGiB: gib.optional(),
});

export type ResourceSize = z.infer<typeof resourceSizeSchema>;

/** `--sizes FILE`: per service, resource name (bucket, DB or cluster id, volume id) or ARN -> observed sizes. */
export const sizesSchema = z.strictObject(
  Object.fromEntries(SERVICES.map((s) => [s, z.record(z.string(), resourceSizeSchema).optional()])) as Record<
    Service,
    z.ZodOptional<z.ZodRecord<z.ZodString, typeof resourceSizeSchema>>
  >,
);

export type Sizes = Partial<Record<Service, Record<string, ResourceSize>>>;

export function loadSizes(file: string): Sizes {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError([`--sizes ${file}: cannot read the file`]);
  }
  const parsed = sizesSchema.safeParse(parse(text));
  if (!parsed.success)
    throw new InputError(
      parsed.error.issues.map(
        (i) =>
          `${file}: ${i.path.join('.') || '(top level)'}: ${i.message}; allowed: ${SERVICES.join(', ')} -> name -> { storedGiB, monthlyWriteGiB, monthlyWrites, objects, dailyChangeGiB }`,
      ),
    );
  return parsed.data as Sizes;
}
