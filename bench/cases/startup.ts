// Case 0: start-up, the floor of every short command: `pith --version` as a whole process against
// `node -e 0` on the same Node.js (issue 13 goal: ≤ 0.15 s).
import { pith, report, reportGoal, sh, time } from '../lib.ts';

export async function startupCase(): Promise<void> {
  const pithTime = await time(() => pith('--version'), 7);
  const nodeTime = await time(() => sh(`'${process.execPath}' -e 0`), 7);
  report('startup: pith --version', 0, pithTime, 'node -e 0', nodeTime);
  reportGoal('pith --version', pithTime.median, 0.15, 's');
}
