import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { buildApp, type BuildOptions, type StackInstance } from './app.js';
import { guardrails, POLICY_SIZE_LIMIT, policySize } from './guardrails/policies.js';
import { MANIFEST_FILE } from './manifest.js';

export interface SynthManifest {
  deployment: string;
  templates: {
    role: string;
    stackName: string;
    file: string;
    resources: number;
    /** Deployed in this order: a later template may import an earlier one's exports. */
    instances: StackInstance[];
  }[];
  guardrails: {
    organization: string;
    kind: string;
    name: string;
    description: string;
    file: string;
    size: number;
  }[];
}

/** Writes every template, the guardrail policies and `airgap-manifest.json` into `outDir`. */
export function synthesize(config: Config, outDir: string, opts: BuildOptions = {}): SynthManifest {
  const { app, stacks } = buildApp(config, outDir, opts);
  const assembly = app.synth({ validateOnSynthesis: true });
  const manifest: SynthManifest = { deployment: config.name, templates: [], guardrails: [] };
  for (const { role, instances, stack } of stacks) {
    const artifact = assembly.getStackByName(stack.stackName);
    manifest.templates.push({
      role,
      stackName: stack.stackName,
      file: artifact.templateFile,
      resources: Object.keys((artifact.template as { Resources?: object }).Resources ?? {}).length,
      instances,
    });
  }
  const dir = join(outDir, 'guardrails');
  mkdirSync(dir, { recursive: true });
  for (const g of guardrails(config)) {
    const size = policySize(g.document);
    if (size > POLICY_SIZE_LIMIT) {
      throw new Error(
        `guardrail ${g.name} is ${size} characters, over the ${POLICY_SIZE_LIMIT}-character ${g.kind} limit`,
      );
    }
    const file = `guardrails/${g.organization}-${g.kind.toLowerCase()}-${g.name}.json`;
    writeFileSync(join(outDir, file), `${JSON.stringify(g.document, null, 2)}\n`);
    manifest.guardrails.push({
      organization: g.organization,
      kind: g.kind,
      name: g.name,
      description: g.description,
      file,
      size,
    });
  }
  writeFileSync(join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The one-screen summary of what will be created where. */
export function summarize(config: Config, manifest: SynthManifest): string {
  const lines = [
    `Air Gap Recover "${config.name}": ${manifest.templates.length} templates, ${manifest.guardrails.length} guardrail policies`,
  ];
  for (const t of manifest.templates) {
    const first = t.instances[0];
    const distinct = (of: (i: StackInstance) => string) => [...new Set(t.instances.map(of))];
    // A StackSet goes to each of its accounts in the regions its instances name (the regional one: several).
    const where =
      t.role === 'workload'
        ? `StackSet -> ${distinct((i) => i.account).length} workload account(s), ${t.instances.length} instance(s) in ${distinct((i) => i.region).join(' ')}`
        : `account ${first?.account ?? '-'}, ${first?.region ?? '-'}`;
    lines.push(
      `  ${t.role.padEnd(9)} ${t.stackName.padEnd(34)} ${String(t.resources).padStart(3)} resources  ${where}`,
    );
  }
  for (const g of manifest.guardrails) {
    lines.push(
      `  ${g.kind}      ${g.name.padEnd(32)} ${String(g.size).padStart(5)} chars  ${g.organization} organization root`,
    );
  }
  return lines.join('\n');
}
