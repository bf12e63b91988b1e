/**
 * Resolves the CloudFormation intrinsics our templates use into concrete values for one account, so the
 * proof evaluates the policies that would exist once deployed. Unknown intrinsics are an error, never
 * skipped: a policy the proof cannot read is a policy it cannot vouch for.
 */
/** Attributes that name a resource's ARN: `Arn`, and AWS Backup's own name for a vault's. */
const ARN_ATTRIBUTES = new Set(['Arn', 'BackupVaultArn']);

export interface IntrinsicContext {
  account: string;
  region: string;
  /** Physical ARN or name of each logical id, for Ref and Fn::GetAtt. */
  refs: Record<string, { ref: string; arn: string }>;
  mappings: Record<string, Record<string, Record<string, unknown>>>;
  /** Stack parameters as this stack instance is deployed (a list parameter as its items). */
  parameters: Record<string, string | string[]>;
  /** Exports of the stacks deployed before this one, for Fn::ImportValue. */
  exports: Record<string, unknown>;
}

export function resolve(value: unknown, ctx: IntrinsicContext): unknown {
  if (Array.isArray(value)) return value.flatMap((v) => spread(resolve(v, ctx)));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [fn, arg] = entries[0]!;
    switch (fn) {
      case 'Ref':
        return ref(String(arg), ctx);
      case 'Fn::GetAtt': {
        const [id, attr] = arg as [string, string];
        const target = ctx.refs[id];
        if (!target) throw new Error(`Fn::GetAtt of unknown resource ${id}`);
        if (!ARN_ATTRIBUTES.has(attr)) throw new Error(`Fn::GetAtt ${id}.${attr} is not modelled`);
        return target.arn;
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        return (resolve(parts, ctx) as unknown[]).map(String).join(sep);
      }
      case 'Fn::Split': {
        const [sep, source] = arg as [string, unknown];
        return String(resolve(source, ctx)).split(sep);
      }
      case 'Fn::FindInMap': {
        const [map, top, second] = (arg as unknown[]).map((a) => resolve(a, ctx)) as [string, string, string];
        const found = ctx.mappings[map]?.[top]?.[second];
        if (found === undefined) throw new Error(`Fn::FindInMap ${map}.${top}.${second} has no value`);
        return found;
      }
      case 'Fn::ImportValue': {
        const name = String(resolve(arg, ctx));
        if (!(name in ctx.exports))
          throw new Error(`Fn::ImportValue of ${name}, which no earlier stack exports`);
        return ctx.exports[name];
      }
      case 'Fn::Sub':
        return String(arg).replace(/\$\{([^}]+)\}/g, (_, name: string) => String(ref(name, ctx)));
    }
    if (fn.startsWith('Fn::')) throw new Error(`${fn} is not modelled by the proof`);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, ctx)]));
}

/** An intrinsic that returns a list, inside a list, contributes its items (as CloudFormation does). */
function spread(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function ref(name: string, ctx: IntrinsicContext): string | string[] {
  switch (name) {
    case 'AWS::AccountId':
      return ctx.account;
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
  }
  if (name in ctx.parameters) return ctx.parameters[name] as string;
  const target = ctx.refs[name];
  if (!target) throw new Error(`Ref to unknown ${name}`);
  return target.ref;
}
