import { readFileSync } from 'node:fs';
import { closest } from 'fastest-levenshtein';
import { isMap, isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../errors.js';
import { ConfigSchema, KNOWN_REGIONS, type Config } from './schema.js';
import { formatPath } from './path.js';
import { checkSemantics } from './semantics.js';

type Path = readonly PropertyKey[];

/** Reads, parses and validates a config file; throws an InputError listing every problem, one line each. */
export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError([
      `${file}: cannot read the config file (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    ]);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((err) => {
        const line = lines.linePos(err.pos[0]).line;
        return `${file}:${line}: malformed YAML: ${err.message.split('\n')[0]}`;
      }),
    );
  }
  const where = (path: Path): string => {
    const line = lineOf(doc, lines, path);
    return `${file}${line ? `:${line}` : ''}: ${formatPath(path)}`;
  };

  const parsed = ConfigSchema.safeParse(doc.toJS() ?? {}, { reportInput: true });
  if (!parsed.success) {
    throw new InputError(parsed.error.issues.flatMap((issue) => describeIssue(issue, where)));
  }
  const problems = checkSemantics(parsed.data);
  if (problems.length > 0) {
    throw new InputError(problems.map((p) => `${where(p.path)}: ${p.message}`));
  }
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue, where: (path: Path) => string): string[] {
  switch (issue.code) {
    case 'unrecognized_keys':
      // A schema's own message says why a key that looks right is not allowed where it is.
      if (!issue.message.startsWith('Unrecognized key'))
        return [`${where([...issue.path, ...issue.keys])}: ${issue.message}`];
      return issue.keys.map((key) => {
        const allowed = allowedKeys(issue.path);
        const hint = allowed.length
          ? `; did you mean "${closest(key, allowed)}"? allowed: ${allowed.join(', ')}`
          : '';
        return `${where([...issue.path, key])}: unknown key${hint}`;
      });
    case 'invalid_type':
      if (issue.input === undefined) return [`${where(issue.path)}: is required (${issue.expected})`];
      // Our schema's own messages say more than zod's generic "Invalid input".
      if (!issue.message.startsWith('Invalid input')) return [`${where(issue.path)}: ${issue.message}`];
      return [`${where(issue.path)}: must be ${article(issue.expected)}, got ${JSON.stringify(issue.input)}`];
    case 'invalid_value':
      return [
        `${where(issue.path)}: ${JSON.stringify(issue.input)} is not allowed; allowed: ${issue.values.map((v) => String(v)).join(', ')}`,
      ];
    case 'custom':
      if (issue.message.startsWith('unknown region')) {
        const input = String(issue.input);
        return [
          `${where(issue.path)}: ${issue.message}; did you mean "${closest(input, [...KNOWN_REGIONS])}"? allowed: AWS region names such as us-east-1`,
        ];
      }
      return [`${where(issue.path)}: ${issue.message}`];
    default:
      return [`${where(issue.path)}: ${issue.message}`];
  }
}

/** The keys the schema accepts at a path, for "did you mean" hints. */
function allowedKeys(path: Path): string[] {
  // Walk the schema the same way zod walked the input; arrays and records are transparent.
  let schema: z.core.$ZodType = ConfigSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    const def = schema._zod.def;
    if (def.type === 'object') {
      const next = (def as z.core.$ZodObjectDef).shape[segment as string];
      if (!next) return [];
      schema = next;
    } else if (def.type === 'array') {
      schema = (def as z.core.$ZodArrayDef).element;
    } else {
      return [];
    }
  }
  const def = unwrap(schema)._zod.def;
  return def.type === 'object' ? Object.keys((def as z.core.$ZodObjectDef).shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let s = schema;
  for (;;) {
    const def = s._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
}

function lineOf(doc: Document, lines: LineCounter, path: Path): number | undefined {
  // The deepest node that exists: an unknown key's own line, or the parent of a missing key.
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const node = prefix.length === 0 ? doc.contents : doc.getIn(prefix as PropertyKey[], true);
    if (isNode(node) && node.range) {
      if (depth === path.length || !isMap(node)) return lines.linePos(node.range[0]).line;
      const key = path[depth];
      const pair = node.items.find(
        (p) => isNode(p.key) && String((p.key as { value?: unknown }).value) === String(key),
      );
      const at = pair && isNode(pair.key) ? pair.key.range : node.range;
      return at ? lines.linePos(at[0]).line : undefined;
    }
  }
  return undefined;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
