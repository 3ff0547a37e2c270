// The CLI process's garbage-collection settings, made once at start (the library leaves its host's alone):
// - the young generation keeps the size it has after start-up (V8 would double it, twice, under the
//   allocation of a Packages index parse, and keep those pages: 40 MiB of a cold `base` build's peak);
// - a minor GC frees the buffers that streaming leaves dead (util's buffer-garbage.ts says why), through
//   `gc`, which V8 exposes in contexts made after --expose-gc is set; a full one, when dead buffers that
//   reached the old generation add up to EXTERNAL_SLACK.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setBufferCollector } from '../util/index.ts';

type Gc = (opts: { type: 'minor' | 'major' }) => void;

/**
 * ArrayBuffer memory that may pile up past its level after the last full GC before the collector runs one.
 * Buffers alive across a few minor GCs (a package's pipeline, a layer's blocks in flight) reach the old
 * generation dead, and V8 waits until they are 64 MiB past that level. Measured on a cold `base` build: peak
 * 195 -> 160 MiB for 13 full GCs instead of 6 (about 180 ms more of this thread, on a build of 2.5-3 s);
 * 24 MiB: 168 MiB. On 115 MiB of mixed files: 165 -> 130 MiB for 12 full GCs instead of 5.
 */
const EXTERNAL_SLACK = 12 << 20;

let tuned = false;

/** Applies the settings (once per process). */
export function tuneMemory(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString('--semi-space-growth-factor=1');
  let gc: Gc | null | undefined;
  let floor = Number.POSITIVE_INFINITY;
  setBufferCollector(() => {
    if (gc === undefined) {
      setFlagsFromString('--expose-gc');
      const exposed: unknown = runInNewContext('typeof gc === "function" ? gc : null');
      gc = typeof exposed === 'function' ? (exposed as Gc) : null; // a V8 without it: nothing to run
    }
    if (!gc) return;
    gc({ type: 'minor' });
    const external = getHeapStatistics().external_memory;
    if (external < floor) floor = external;
    else if (external - floor > EXTERNAL_SLACK) {
      gc({ type: 'major' });
      floor = getHeapStatistics().external_memory;
    }
  });
}
