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

// Loops rather than flatMap and Object.entries/fromEntries (ten times slower): the proof of 500 workload accounts
// resolves every policy of the StackSet templates once per account.
export function resolve(value: unknown, ctx: IntrinsicContext): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const resolved = resolve(item, ctx);
      // An intrinsic that returns a list, inside a list, contributes its items (as CloudFormation does).
      if (Array.isArray(resolved)) out.push(...(resolved as unknown[]));
      else out.push(resolved);
    }
    return out;
  }
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length === 1) {
    const fn = keys[0]!;
    const arg = object[fn];
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
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const resolved = resolve(object[key], ctx);
    // A key named __proto__ (JSON.parse makes it an own key) stays a key, as in the template; `=` would not.
    if (key === '__proto__')
      Object.defineProperty(out, key, {
        value: resolved,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[key] = resolved;
  }
  return out;
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
