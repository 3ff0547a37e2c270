// The CLI process's garbage-collection settings, made once at start (the library leaves its host's alone):
// - the young generation keeps the size it has after start-up (V8 would double it, twice, under the
//   allocation of a Packages index parse, and keep those pages: 40 MiB of a cold `base` build's peak);
// - a minor GC frees the buffers that streaming leaves dead (util's buffer-garbage.ts says why), through
//   `gc`, which V8 exposes in contexts made after --expose-gc is set.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setBufferCollector } from '../util/index.ts';

type Gc = (opts: { type: 'minor' }) => void;

let tuned = false;

/** Applies the settings (once per process). */
export function tuneMemory(): void {
  if (tuned || process.env.NOTUNE) return;
  tuned = true;
  setFlagsFromString('--semi-space-growth-factor=1');
  let gc: Gc | null | undefined;
  setBufferCollector(() => {
    if (gc === undefined) {
      setFlagsFromString('--expose-gc');
      const exposed: unknown = runInNewContext('typeof gc === "function" ? gc : null');
      gc = typeof exposed === 'function' ? (exposed as Gc) : null; // a V8 without it: nothing to run
    }
    gc?.({ type: 'minor' });
  });
}
