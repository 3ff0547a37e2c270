// What each layer adds and what later layers hide, tallied while the layers are applied: per layer its
// entries and file bytes; the bytes of files that a later layer overwrote or deleted (still shipped in the
// lower layer's blob, never seen in the running container: reclaimable), with the paths that waste most;
// and dive's numbers, computed as dive computes them (`../shared/briefs/analyzers.md` §4) so users can
// compare: per non-directory path, the sum of its sizes in every layer that touches it (a deletion counts
// the size it removed) and the smallest; efficiency = Σ smallest / Σ sum, wasted = Σ sum over paths touched
// by two or more layers (every copy counted, the kept one included), user-wasted = wasted / the bytes of
// every layer but the first.

import { compareText } from '../util/index.ts';

/** One layer's share of the file system. */
export interface LayerUsage {
  /** Tar entries (directories, links and whiteouts included). */
  entries: number;
  /** Bytes of the regular files it holds. */
  fileBytes: number;
  /** Bytes of its files that a later layer overwrote or deleted. */
  hiddenBytes: number;
}

/** A path whose lower copies are hidden. */
export interface WastedPath {
  path: string;
  /** Copies hidden (overwritten or deleted). */
  copies: number;
  bytes: number;
}

export interface Waste {
  /** Bytes of files that later layers overwrote or deleted: what rewriting the layers would save. */
  reclaimableBytes: number;
  /** The paths that hide most bytes, largest first (at most 20). */
  paths: WastedPath[];
  /** dive's efficiency score (0–1; 1 when the image holds no bytes). */
  efficiency: number;
  /** dive's wastedBytes (every copy of a path touched by two or more layers). */
  diveWastedBytes: number;
  /** dive's userWastedPercent as a ratio (wasted / bytes above the first layer; 0 for one layer). */
  userWastedRatio: number;
}

const TOP = 20;

/** Tallies layer usage and waste as flatten applies the layers. */
export class UsageTally {
  readonly layers: LayerUsage[] = [];
  readonly #dive = new Map<string, { count: number; sum: number; min: number }>();
  readonly #hidden = new Map<string, WastedPath>();

  /** A new layer begins. */
  layer(): void {
    this.layers.push({ entries: 0, fileBytes: 0, hiddenBytes: 0 });
  }

  /** An entry of the current layer; `size` for regular files, 0 otherwise. */
  entry(path: string, isDir: boolean, size: number): void {
    const l = this.layers.at(-1)!;
    l.entries++;
    l.fileBytes += size;
    if (!isDir) this.#touch(path, size);
  }

  /** A whiteout entry of the current layer that removed `bytes` of files at and below `path`. */
  whiteout(path: string, bytes: number): void {
    this.layers.at(-1)!.entries++;
    this.#touch(path, bytes);
  }

  /** A file of layer `layer`, `size` bytes, at `path`, hidden by a later layer. */
  hide(path: string, layer: number, size: number): void {
    if (size === 0) return;
    const l = this.layers[layer];
    if (l) l.hiddenBytes += size;
    const w = this.#hidden.get(path) ?? { path, copies: 0, bytes: 0 };
    w.copies++;
    w.bytes += size;
    this.#hidden.set(path, w);
  }

  /** The waste of the whole image, given the sizes of its layers (uncompressed) for dive's ratio. */
  waste(): Waste {
    let sum = 0;
    let min = 0;
    let wasted = 0;
    for (const p of this.#dive.values()) {
      sum += p.sum;
      min += p.min;
      if (p.count >= 2) wasted += p.sum;
    }
    const hidden = [...this.#hidden.values()];
    const userBytes = this.layers.slice(1).reduce((n, l) => n + l.fileBytes, 0);
    return {
      reclaimableBytes: hidden.reduce((n, w) => n + w.bytes, 0),
      paths: hidden.sort((a, b) => b.bytes - a.bytes || compareText(a.path, b.path)).slice(0, TOP),
      efficiency: sum === 0 ? 1 : min / sum,
      diveWastedBytes: wasted,
      userWastedRatio: userBytes === 0 ? 0 : wasted / userBytes,
    };
  }

  #touch(path: string, size: number): void {
    const p = this.#dive.get(path);
    if (p) {
      p.count++;
      p.sum += size;
      p.min = Math.min(p.min, size);
    } else this.#dive.set(path, { count: 1, sum: size, min: size });
  }
}
