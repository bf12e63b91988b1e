import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/main.js';
import { TEMPLATES_ONLY } from '../src/infra/app.js';
import { synthesize } from '../src/infra/synth.js';
import type { ProofResult } from '../src/proof/prove.js';
import { quickstart } from './support/config.js';

const CONFIG = 'examples/quickstart.yaml';
const dir = mkdtempSync(join(tmpdir(), 'airgap-cli-prove-'));
const out = mkdtempSync(join(tmpdir(), 'airgap-cli-prove-out-'));
const KINDS = 'delete|retention|re-key|overwrite|read-decrypt|share-export|disable-protection';

/** One matrix row as every format shows it: principal, kind of attack, attempts, outcome. */
type Row = [principal: string, kind: string, attempts: number, outcome: string];

const prove = (...args: string[]) =>
  run(['node', 'airgap', 'prove', '--config', CONFIG, '--templates', dir, ...args]);

beforeAll(() => {
  synthesize(quickstart(), dir, TEMPLATES_ONLY);
  // Weakened on disk, as a user's edited guardrail would be: without DenyKeyDestruction the vault account's
  // administrator may schedule the vault key's deletion (its key policy delegates to IAM in the vault account).
  const file = join(dir, 'guardrails', 'vault-scp-airgap-vault-keys.json');
  const scp = JSON.parse(readFileSync(file, 'utf8')) as { Statement: { Sid: string }[] };
  scp.Statement = scp.Statement.filter((s) => s.Sid !== 'DenyKeyDestruction');
  writeFileSync(file, JSON.stringify(scp));
}, 120_000);

// The failure's one line goes to stderr; what the tests read is the report.
beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

describe('airgap prove (in-process CLI) on templates whose key guardrail was weakened', () => {
  let json: ProofResult;

  it('--output json --out FILE writes the proof there and exits 1: an attack is allowed', async () => {
    const file = join(out, 'proof.json');
    expect(await prove('--output', 'json', '--out', file)).toBe(1);
    json = JSON.parse(readFileSync(file, 'utf8')) as ProofResult;
    expect(json.passed).toBe(false);
    expect(json.breaches).toContainEqual(
      expect.objectContaining({
        principal: 'vault account administrator without MFA',
        action: 'kms:ScheduleKeyDeletion',
      }),
    );
  }, 300_000);

  it('--output md --out FILE writes the same matrix and breaches as a Markdown report, and exits 1', async () => {
    const file = join(out, 'proof.md');
    expect(await prove('--output', 'md', '--out', file)).toBe(1);
    const md = readFileSync(file, 'utf8');
    expect(md).toMatch(/^# Air Gap Recover isolation proof\n/);
    const rows = [...md.matchAll(new RegExp(`^\\| (.+?) \\| (${KINDS}) \\| (\\d+) \\| (.+?) \\|`, 'gm'))].map(
      (m): Row => [m[1]!, m[2]!, Number(m[3]), m[4]!],
    );
    expect(rows).toEqual(rowsOf(json));
    // threat #21: every source account's root has its rows, the management, backup and air-gap accounts' included.
    const listed = new Set(rows.map(([principal]) => principal));
    const roots = [
      'source account payments root',
      'source management account root',
      'source backup account root',
      'source air-gap account root',
    ];
    expect(roots.filter((r) => !listed.has(r))).toEqual([]);
    expect(breachLines(md, '- ')).toEqual(breachesOf(json));
  }, 300_000);

  it('text on the terminal shows the same matrix and breaches, and exits 1', async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void printed.push(a.join(' ')));
    expect(await prove()).toBe(1);
    const text = printed.join('\n');
    const rows = [
      ...text.matchAll(new RegExp(`^ {2}(.+?) +(${KINDS}) +(\\d+) {2}(all denied|\\d+ ALLOWED)`, 'gm')),
    ].map((m): Row => [m[1]!, m[2]!, Number(m[3]), m[4]!]);
    expect(rows).toEqual(rowsOf(json));
    expect(breachLines(text, '  ')).toEqual(breachesOf(json));
  }, 300_000);
});

function rowsOf(result: ProofResult): Row[] {
  const labels = new Map(result.principals.map((p) => [p.id, p.label]));
  return result.matrix.map((c) => [
    labels.get(c.principal)!,
    c.kind,
    c.attempts,
    c.allowed.length ? `${c.allowed.length} ALLOWED` : 'all denied',
  ]);
}

function breachesOf(result: ProofResult): string[] {
  return result.breaches.map((b) => `${b.principal}: ${b.action} on ${b.resource} (${b.why})`);
}

/** The "Attacks that got through" lines, without their bullet. */
function breachLines(report: string, bullet: string): string[] {
  const section = report.split(/Attacks that got through\n+/)[1]!.split('\n');
  const lines: string[] = [];
  for (const line of section) {
    if (!line.startsWith(bullet) || !line.includes(' on ')) break;
    lines.push(line.slice(bullet.length));
  }
  return lines;
}

describe('airgap prove --templates on a folder without a synth output (bad input)', () => {
  it('prints one line naming the folder and what to run, and exits 2', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    const empty = mkdtempSync(join(tmpdir(), 'airgap-cli-prove-empty-'));
    expect(
      await run(['node', 'airgap', 'prove', '--config', CONFIG, '--templates', join(empty, 'missing')]),
    ).toBe(2);
    expect(errors).toEqual([
      `--templates ${join(empty, 'missing')}: no airgap-manifest.json there; run \`airgap synth --out ${join(empty, 'missing')}\` first`,
    ]);
  });
});
