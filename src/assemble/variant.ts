// The four distroless variants (briefs/distroless.md §1.3, §1.4): latest runs as root in /, nonroot as
// 65532 in /home/nonroot; debug and debug-nonroot add busybox at /busybox with /busybox on PATH and
// /busybox/sh as entrypoint (language presets keep theirs). Nothing is added to /bin: no /bin/sh.
import type { PithConfig } from '../config/index.ts';
import { DEFAULT_PATH } from './exec-config.ts';

export type Variant = NonNullable<PithConfig['variant']>;

export interface VariantEffects {
  user: string;
  workdir: string;
  busybox: boolean;
}

export function variantEffects(v: Variant): VariantEffects {
  const nonroot = v === 'nonroot' || v === 'debug-nonroot';
  return {
    user: nonroot ? '65532' : '0',
    workdir: nonroot ? '/home/nonroot' : '/',
    busybox: v.startsWith('debug'),
  };
}

/** Applies a variant under the config's own explicit settings (which still win). */
export function applyVariant(config: PithConfig, explicit: PithConfig): PithConfig {
  if (!config.variant) return config;
  const fx = variantEffects(config.variant);
  const out: PithConfig = { ...config };
  out.user = explicit.user ?? fx.user;
  out.workdir = explicit.workdir ?? fx.workdir;
  if (fx.busybox) {
    out.entrypoint = explicit.entrypoint ?? config.entrypoint ?? ['/busybox/sh'];
    const path = config.env?.['PATH'] ?? DEFAULT_PATH;
    out.env = { ...config.env, PATH: path.split(':').includes('/busybox') ? path : `${path}:/busybox` };
  }
  return out;
}
