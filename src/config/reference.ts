import { configJsonSchema } from './json-schema.js';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  additionalProperties?: JsonSchema | boolean;
}

/** The README's config reference, rendered from the same schema that validates files, so the two never drift. */
export function configReferenceMarkdown(): string {
  const rows: string[] = ['| key | type | default | description |', '|---|---|---|---|'];
  walk(configJsonSchema() as JsonSchema, '', rows, true);
  return rows.join('\n');
}

function walk(schema: JsonSchema, path: string, rows: string[], required: boolean): void {
  if (path)
    rows.push(
      `| \`${path}\` | ${typeOf(schema)}${required ? ' (required)' : ''} | ${defaultOf(schema)} | ${describe(schema)} |`,
    );
  const object = schema.type === 'array' ? schema.items : schema;
  for (const [key, child] of Object.entries(object?.properties ?? {})) {
    const childPath = path ? `${path}${schema.type === 'array' ? '[]' : ''}.${key}` : key;
    walk(child, childPath, rows, (object?.required ?? []).includes(key) && child.default === undefined);
  }
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (schema.type === 'array') return `list of ${schema.items ? typeOf(schema.items) : 'any'}`;
  if (
    schema.type === 'object' &&
    schema.additionalProperties &&
    typeof schema.additionalProperties === 'object'
  ) {
    return 'map of string';
  }
  return String(schema.type ?? 'any');
}

function defaultOf(schema: JsonSchema): string {
  if (schema.default === undefined) return '';
  const text = JSON.stringify(schema.default);
  return text === '{}' ? '' : `\`${text}\``;
}

function describe(schema: JsonSchema): string {
  const parts = [schema.description ?? ''];
  if (schema.minimum !== undefined || schema.maximum !== undefined) {
    parts.push(`Range ${schema.minimum ?? '…'} to ${schema.maximum ?? '…'}.`);
  }
  return parts.join(' ').trim().replace(/\|/g, '\\|');
}
