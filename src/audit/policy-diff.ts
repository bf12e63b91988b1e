/* eslint-disable @typescript-eslint/no-explicit-any -- IAM and KMS policy documents are untyped JSON. */
type Json = any;

/**
 * Statement by statement, what differs between the policy a template intends and the one live in the account,
 * as lines an auditor can read ("statement X added"). Empty when they grant the same: the comparison ignores
 * what AWS is free to rewrite (statement order, a one-item list against its item, key order, Version).
 */
export function policyDiff(intended: Json, live: Json): string[] {
  const want = statements(intended);
  const have = statements(live);
  const out: string[] = [];
  const label = (s: Json, i: number) => (s.Sid ? `statement ${s.Sid}` : `unnamed statement #${i + 1}`);
  const haveByText = new Set(have.map((s) => canonical(s)));
  const wantByText = new Set(want.map((s) => canonical(s)));
  const wantSids = new Set(want.map((s) => s.Sid).filter(Boolean));
  const haveSids = new Set(have.map((s) => s.Sid).filter(Boolean));
  want.forEach((s, i) => {
    if (haveByText.has(canonical(s))) return;
    out.push(s.Sid && haveSids.has(s.Sid) ? `${label(s, i)} changed` : `${label(s, i)} missing`);
  });
  have.forEach((s, i) => {
    if (wantByText.has(canonical(s)) || (s.Sid && wantSids.has(s.Sid))) return;
    out.push(`${label(s, i)} added: ${summary(s)}`);
  });
  return out;
}

function statements(policy: Json): Json[] {
  const doc = typeof policy === 'string' ? JSON.parse(policy) : policy;
  return [doc?.Statement ?? []].flat();
}

/** A statement in one text form: lists sorted, a lone string as a one-item list, keys in order. */
function canonical(value: Json): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: Json): Json {
  if (Array.isArray(value))
    return value.map(normalize).sort((a, b) => (canonical(a) < canonical(b) ? -1 : 1));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => {
        const v = value[k];
        // Principal "AWS" and condition values may be a string or a one-item list: the same grant.
        return [
          k,
          typeof v === 'string' && k !== 'Effect' && k !== 'Sid' && k !== 'Version' ? [v] : normalize(v),
        ];
      }),
  );
}

function summary(s: Json): string {
  const actions = [s.Action ?? s.NotAction ?? []].flat().join(', ');
  const principal = s.Principal ? ` to ${JSON.stringify(s.Principal)}` : '';
  return `${s.Effect ?? '?'} ${actions}${principal}`;
}
