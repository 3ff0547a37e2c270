// The bound on how many manifests and indexes one artifact may list (LIMITS.artifactNodes), checked once
// when an artifact is read, before anything walks it.
import type { Child } from './image.ts';
import { LIMITS, limitError } from './limits.ts';

/**
 * Throws if an artifact lists more manifests and indexes than the artifactNodes limit, counting a child each
 * time it is listed: what every later walk (summaries, validate, push) will visit. The count stops at the
 * limit, so checking costs at most that many steps however the indexes repeat.
 */
export function checkArtifactNodes(root: Child, where: string): void {
  const limit = LIMITS.artifactNodes;
  let count = 0;
  const visit = (c: Child): void => {
    if (c.kind === 'blob') return;
    if (++count > limit.max) throw limitError(where, `lists more than ${limit.max} ${limit.what}`, limit);
    if (c.kind === 'index') for (const child of c.children) visit(child);
  };
  visit(root);
}
