// `lint`: Dockerfiles checked for minimal images (lint module); the approved bases come from --approved
// patterns or a policy file's approvedBases.
import { type LintFinding, lintDockerfile } from '../lint/index.ts';
import { readUserFile } from '../util/index.ts';
import type { Context } from './context.ts';
import { readPolicy } from './policy.ts';

export interface LintRequest {
  files: string[];
  /** Approved base names (`*` patterns). */
  approved?: string[];
  /** A policy file whose approvedBases are the approved names. */
  policy?: string;
}

export interface LintReport {
  files: string[];
  findings: LintFinding[];
}

export async function lint(_ctx: Context, req: LintRequest): Promise<LintReport> {
  const fromPolicy = req.policy
    ? ((await readPolicy(req.policy)).approvedBases ?? []).map((b) => b.name)
    : [];
  const approved = [...(req.approved ?? []), ...fromPolicy];
  const findings: LintFinding[] = [];
  for (const file of req.files) {
    const text = (await readUserFile(file, 4 << 20, 'Dockerfile')).toString('utf8');
    findings.push(...lintDockerfile(text, file, approved.length ? { approved } : {}));
  }
  return { files: req.files, findings };
}
