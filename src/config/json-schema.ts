import { z } from 'zod';
import { ConfigSchema } from './schema.js';

/** The JSON Schema of airgap.yaml, for editors (yaml-language-server) and the README's config reference. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://github.com/air-gap-recover/air-gap-recover/airgap.schema.json',
    ...z.toJSONSchema(ConfigSchema, { io: 'input', target: 'draft-2020-12' }),
  };
}
