// Which nodejs preset a Node.js project without a pith.yaml gets: the newest Node.js major pith ships a
// preset for (nodejs22, nodejs24, nodejs26) that package.json's `engines.node` range allows; the newest of
// them when it names no range (even majors are the LTS lines), and an input error when it allows none.
import semver from 'semver';
import { PithError } from '../util/index.ts';

/** The Node.js majors with a preset, newest first. */
export const NODE_PRESET_MAJORS = [26, 24, 22] as const;

/** The preset for a project whose package.json says `engines.node` (undefined: none). */
export function nodePresetFor(engines: unknown, where: string): string {
  if (typeof engines !== 'string' || engines.trim() === '') return `nodejs${NODE_PRESET_MAJORS[0]}`;
  const range = semver.validRange(engines);
  if (!range)
    throw new PithError(
      'input',
      'NOT_A_NODE_PROJECT',
      `${where}: engines.node "${engines}" is not a semver range`,
    );
  const major = NODE_PRESET_MAJORS.find((m) => semver.intersects(range, `${m}.x`));
  if (major === undefined)
    throw new PithError(
      'input',
      'NODE_VERSION_NOT_FOUND',
      `${where}: engines.node "${engines}" allows none of Node.js ${NODE_PRESET_MAJORS.join(', ')} (pith's nodejs presets); write a pith.yaml with node.version`,
    );
  return `nodejs${major}`;
}
